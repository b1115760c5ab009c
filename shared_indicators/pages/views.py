"""The national catalogue pages: a searchable, filterable list and one page per indicator."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.errors import NotFound

from ..permissions import can_read_catalogue
from ..selectors import (
    catalogue_indicator_get,
    catalogue_indicator_list,
    catalogue_theme_list,
    catalogue_version_list,
)
from ..services import DEFINITION_FIELDS
from .forms import CatalogueSearchForm

PAGE_SIZE = 25


def _require_reader(request: HttpRequest) -> None:
    if not can_read_catalogue(request.user, schema_name=connection.schema_name):
        raise PermissionDenied("Only platform staff may read the catalogue on this host.")


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = CatalogueSearchForm(request.GET, themes=catalogue_theme_list())
    filters = form.filters()
    paginator = Paginator(catalogue_indicator_list(**filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "shared_indicators/catalogue_list.html",
        {
            "form": form,
            "page": page,
            "indicators": page.object_list,
            "filters": filters,
            "query_without_page": query.urlencode(),
            "is_filtered": any(filters.values()),
        },
    )


def _readable_snapshot(snapshot: dict) -> dict:
    readable = dict(snapshot)
    for name, choices in (("polarity", Polarity), ("frequency", Frequency)):
        value = snapshot.get(name)
        readable[name] = dict(choices.choices).get(value, value)
    return readable


@login_required
def catalogue_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_reader(request)
    try:
        indicator = catalogue_indicator_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    versions = catalogue_version_list(indicator=indicator)
    history = []
    # Newest first; each entry names what changed since the version before it.
    for index, version in enumerate(versions):
        snapshot = version.definition_snapshot
        older = versions[index + 1].definition_snapshot if index + 1 < len(versions) else None
        changed = (
            [
                name.replace("_", " ")
                for name in DEFINITION_FIELDS
                if snapshot.get(name) != older.get(name)
            ]
            if older is not None
            else []
        )
        history.append(
            {"version": version, "snapshot": _readable_snapshot(snapshot), "changed": changed}
        )
    return render(
        request,
        "shared_indicators/catalogue_detail.html",
        {"indicator": indicator, "history": history},
    )
