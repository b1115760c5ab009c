"""The API's JSON renderer writes the bytes DRF's own renderer writes, only faster."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from goldenthread.platform.core.renderers import ApiJSONRenderer

LONDON = ZoneInfo("Europe/London")

SAMPLES = {
    "plain": {"id": 7, "title": "Household waste recycled", "is_active": True, "band": None},
    "nested": {"results": [{"ids": [3, 1, 2], "area": {"id": 1, "name": "Waste"}}], "count": 1},
    "numbers": {"decimal": Decimal("12.50"), "float": 0.1, "negative": -3, "big": 2**62},
    "utc datetime": {"at": dt.datetime(2026, 12, 6, 9, 30, 5, 123456, tzinfo=dt.UTC)},
    "summer time": {"at": dt.datetime(2026, 7, 1, 9, 30, tzinfo=LONDON)},
    "naive datetime": {"at": dt.datetime(2026, 12, 6, 9, 30)},
    "date and time": {"day": dt.date(2026, 3, 31), "time": dt.time(17, 0)},
    "uuid": {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    "lazy string": {"message": gettext_lazy("This field is required.")},
    "integer keys": {1: "one", 2: "two"},
    "unicode": {"name": "Ynys Môn — “quoted” 🚲", "separators": "a\u2028b\u2029c"},
    "hostile": {"title": '</script><script>alert("x")</script>\\\n\t\x00'},
    "tuple and set": {"pair": (1, 2), "one": {5}},
    "wider than 64 bits": {"n": 2**70},
}


@pytest.mark.parametrize("data", SAMPLES.values(), ids=SAMPLES.keys())
def test_the_bytes_are_drfs(data):
    assert ApiJSONRenderer().render(data) == JSONRenderer().render(data)


def test_nothing_renders_as_an_empty_body():
    assert ApiJSONRenderer().render(None) == b""


def test_an_indented_answer_asked_for_in_accept_is_still_indented():
    data = {"a": [1, 2]}
    rendered = ApiJSONRenderer().render(data, "application/json; indent=2")
    assert rendered == JSONRenderer().render(data, "application/json; indent=2")
    assert b"\n  " in rendered
