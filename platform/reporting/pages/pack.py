"""The pack page: a definition's pack for a chosen period, ready to read on screen or print
(reporting/pack.css: A4, page numbers, the data's as-at time on every page)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.error_summary import ErrorItem, error_items
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.pages.report import (
    default_report_period as default_period,
)
from goldenthread.platform.indicators.pages.report import offered_periods

from ..selectors import definition_get, definition_version_get, pack_build
from ..selectors.definitions import definition_versions
from ..templatetags.reporting import pack_running_left, pack_running_right
from .common import reporting_page
from .forms import PeriodForm

__all__ = ["default_period", "offered_periods", "pack_page", "running_header_css"]


@reporting_page
@require_http_methods(["GET"])
def pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    definition = definition_get(pk=pk)
    versions = list(definition_versions(definition=definition))
    today = timezone.localdate()
    periods = offered_periods(today)
    data = request.GET.copy()
    data.setdefault("period", default_period(today).code)
    form = PeriodForm(data, periods=periods, versions=versions)
    pack, problems = None, []
    if form.is_valid():
        version = definition_version_get(
            definition=definition, number=form.cleaned_data.get("version")
        )
        try:
            pack = pack_build(
                definition=version, period=form.cleaned_data["period"], reader=request.user
            )
        except DomainError as error:
            if error.status_code != 400:
                raise
            problems = [ErrorItem(form["period"].id_for_label, "Period", error.message)]
    else:
        problems = error_items(form)
    return render(
        request,
        "reporting/pack.html",
        {
            "definition": definition,
            "form": form,
            "pack": pack,
            "problems": problems,
            "running_query": urlencode(
                {"left": pack_running_left(pack), "right": pack_running_right(pack)}
            )
            if pack
            else "",
        },
        status=200 if pack is not None else 400,
    )


def css_string(text: str) -> str:
    """Text as a CSS string: printable characters only, quotes and backslashes escaped, so
    nothing given can end the string or the rule."""
    kept = "".join(character for character in str(text) if character.isprintable())[:300]
    return '"' + kept.replace("\\", "\\\\").replace('"', '\\"') + '"'


@reporting_page
@require_http_methods(["GET"])
def running_header_css(request: HttpRequest) -> HttpResponse:
    """The running header of a printed pack as the top margin boxes of its pages: the words
    come from the pack page (the query), because Chromium prints margin boxes but has no
    `string-set` to take them from the page, and a page's own styles may not be inline (CSP)."""
    left = css_string(request.GET.get("left", ""))
    right = css_string(request.GET.get("right", ""))
    css = f"@page {{ @top-left {{ content: {left}; }} @top-right {{ content: {right}; }} }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response
