"""Every REST write of reporting, refused to anonymous callers, to another organisation, to a
role without the right (a councillor), and done for a performance officer; every refusal
leaves every schema as it was (see `tests/refusals.py`). Listed in the matrix of every REST
write (`tests/test_rest_writes_matrix.py`)."""

from __future__ import annotations

import itertools

import pytest

from tests.platform.test_api_write_refusals import untouched_organisation, world  # noqa: F401
from tests.refusals import Call, World, Write, check_the_four_refusals

OFFICER, COUNCILLOR, PROVIDER = "performance_officer", "councillor", "data_provider"
RPT = "api/v1/reporting/"
_numbers = itertools.count(1)


def _body() -> dict:
    return {"title": f"Refusals pack {next(_numbers):04d}", "sections": [{"kind": "pis"}]}


def _definition(home: World):
    from goldenthread.platform.reporting.services import definition_create

    return definition_create(user=home.user(OFFICER), data=_body())


WRITES = {
    ("POST", f"{RPT}definitions/"): Write(
        OFFICER, COUNCILLOR, lambda w: Call(f"/{RPT}definitions/", _body(), False), 201
    ),
    ("PUT", f"{RPT}definitions/<int:pk>/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{RPT}definitions/{_definition(w).pk}/", _body()),
    ),
    ("DELETE", f"{RPT}definitions/<int:pk>/"): Write(
        OFFICER,
        COUNCILLOR,
        lambda w: Call(f"/{RPT}definitions/{_definition(w).pk}/"),
        204,
    ),
    ("POST", f"{RPT}definitions/<int:pk>/freeze/"): Write(
        OFFICER,
        COUNCILLOR,
        lambda w: Call(
            f"/{RPT}definitions/{_definition(w).pk}/freeze/",
            {"period": "2024/25 Q2", "committee": "Cabinet", "meeting_date": "2024-11-20"},
        ),
        202,
    ),
    ("PUT", f"{RPT}definitions/<int:pk>/schedule/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(
            f"/{RPT}definitions/{_definition(w).pk}/schedule/",
            {"working_days": 10, "committee": "Cabinet"},
        ),
    ),
    ("PUT", f"{RPT}definitions/<int:pk>/distribution-list/"): Write(
        OFFICER,
        COUNCILLOR,
        lambda w: Call(
            f"/{RPT}definitions/{_definition(w).pk}/distribution-list/", {"roles": ["councillor"]}
        ),
    ),
    ("PUT", f"{RPT}distribution-settings/"): Write(
        OFFICER,
        COUNCILLOR,
        lambda w: Call(f"/{RPT}distribution-settings/", {"attachments_allowed": True}, False),
    ),
}


@pytest.mark.parametrize(
    ("method", "route"), sorted(WRITES), ids=[" ".join(w) for w in sorted(WRITES)]
)
def test_a_reporting_write_is_refused_to_all_but_the_allowed_role(world, method, route):  # noqa: F811
    check_the_four_refusals(world, method, WRITES[(method, route)])
