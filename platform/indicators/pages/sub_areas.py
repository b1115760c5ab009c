"""Values by area or group: the organisation's sub-areas (wards, localities, equality groups)
and the ones each PI collects values for.

Every reader sees them; performance officers and organisation administrators define, rename,
archive and restore them and choose a PI's. A sub-area with values, targets or baselines is
archived rather than deleted, so history keeps its rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.error_summary import error_items
from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.platform.core.pages import refuse_unless, show_domain_error

from ..models import SubArea
from ..permissions import can_manage_indicators, can_read
from ..selectors.indicators import sub_area_get, sub_area_list
from ..services.indicators import (
    indicator_sub_areas_set,
    sub_area_archive,
    sub_area_create,
    sub_area_restore,
    sub_area_update,
)
from .common import indicator_or_404
from .forms import IndicatorSubAreasForm, SubAreaForm

MANAGERS_ONLY = "Only performance officers and organisation administrators may do this."


def sub_area_or_404(pk) -> SubArea:
    """A sub-area of the organisation on this host; another organisation's id is not found."""
    try:
        return sub_area_get(pk=pk)
    except NotFound as missing:
        raise Http404(missing.message) from None


@login_required
@require_http_methods(["GET", "POST"])
def sub_area_list_page(request: HttpRequest) -> HttpResponse:
    """The organisation's sub-areas, and (for the performance team) a form to add one."""
    refuse_unless(can_read(request.user), "Your account cannot read this organisation's PIs.")
    can_manage = can_manage_indicators(request.user)
    form = SubAreaForm(request.POST or None)
    if request.method == "POST":
        refuse_unless(can_manage, MANAGERS_ONLY)
        if form.is_valid():
            try:
                area = sub_area_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, f"{area.name} is added.")
                return redirect("indicators:sub-areas")
    return render(
        request,
        "indicators/sub_areas.html",
        {
            "sub_areas": sub_area_list(include_archived=True),
            "form": form,
            "errors": error_items(form),
            "can_manage": can_manage,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sub_area_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a sub-area, or archive (delete, when unused) or restore it."""
    refuse_unless(can_manage_indicators(request.user), MANAGERS_ONLY)
    area = sub_area_or_404(pk)
    action = request.POST.get("action", "save")
    form = SubAreaForm(
        request.POST if request.method == "POST" and action == "save" else None,
        initial={"kind": area.kind, "name": area.name, "code": area.code},
    )
    if request.method == "POST":
        if action == "archive":
            kept = sub_area_archive(actor=request.user, sub_area=area)
            if kept is None:
                messages.success(request, f"{area.name} had no values or targets and is deleted.")
            else:
                messages.success(request, f"{area.name} is archived; its values are kept.")
            return redirect("indicators:sub-areas")
        if action == "restore":
            sub_area_restore(actor=request.user, sub_area=area)
            messages.success(request, f"{area.name} is back in use.")
            return redirect("indicators:sub-areas")
        if form.is_valid():
            try:
                area = sub_area_update(actor=request.user, sub_area=area, **form.cleaned_data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, f"{area.name} is saved.")
                return redirect("indicators:sub-areas")
    return render(
        request,
        "indicators/sub_area_edit.html",
        {"area": area, "form": form, "errors": error_items(form)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_sub_areas_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the areas and groups a PI collects values (and may have targets) for."""
    refuse_unless(can_manage_indicators(request.user), MANAGERS_ONLY)
    indicator = indicator_or_404(pk)
    chosen = list(indicator.sub_areas.all())
    # Archived sub-areas are offered only while the PI still has them.
    offered = [
        area
        for area in sub_area_list(include_archived=True)
        if area.archived_at is None or area in chosen
    ]
    form = IndicatorSubAreasForm(
        request.POST or None,
        sub_areas=offered,
        initial={"sub_areas": [area.pk for area in chosen]},
    )
    if request.method == "POST" and form.is_valid():
        by_pk = {area.pk: area for area in offered}
        try:
            indicator_sub_areas_set(
                actor=request.user,
                indicator=indicator,
                sub_areas=[by_pk[pk] for pk in form.cleaned_data["sub_areas"]],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"The areas and groups {indicator.code} collects are saved.")
            return redirect("indicators:detail", pk=indicator.pk)
    return render(
        request,
        "indicators/indicator_sub_areas.html",
        {"indicator": indicator, "form": form, "errors": error_items(form), "offered": offered},
        status=400 if form.errors else 200,
    )
