"""Reading the create and edit pages' answers in tests."""

from __future__ import annotations

import re
from html import unescape

from django.http import HttpResponse

from tests.fixtures.accessibility import assert_form_markup
from tests.fixtures.html import parse


def text(response: HttpResponse) -> str:
    """The page's visible words, tags removed and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def error_summary(response: HttpResponse) -> str:
    """The words of the error summary (empty when there is none)."""
    body = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</ul>', body, flags=re.S)
    if not match:
        return ""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(0)))).strip()


def assert_problem(response: HttpResponse, *messages: str) -> None:
    """Shown again with 400, "Error:" in the title, the summary listing every message, linking
    to the fields and taking focus."""
    assert response.status_code == 400, response.status_code
    summary = error_summary(response)
    assert summary.startswith("There is a problem"), text(response)[:500]
    assert "<title>Error: " in response.content.decode()
    for message in messages:
        assert message in summary, f"{message!r} not in {summary!r}"
    assert_form_markup(parse(response))


def assert_refused(response: HttpResponse, status: int = 403) -> None:
    assert response.status_code == status, response.status_code
    if status == 403:
        assert "You cannot do this" in text(response)
    elif status == 404:
        assert "Page not found" in text(response)


def assert_sign_in_asked(response: HttpResponse) -> None:
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]
