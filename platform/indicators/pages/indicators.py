"""Setting PIs up: the list, create / adopt / edit, catalogue updates, targets and the
organisation's tolerance and due-date settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.error_summary import error_items
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.exporting import download_query, export_response, page_export
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.shared_indicators.models import CatalogueIndicator

from ..models import Indicator, PerformanceSettings, ServiceArea
from ..models.indicators import CATALOGUE_LOCKED_FIELDS
from ..permissions import can_manage_indicators, can_read
from ..selectors.exports import indicator_sheet
from ..selectors.indicators import indicator_list, target_get, target_list
from ..services.indicators import (
    _catalogue_fields,
    indicator_accept_catalogue_version,
    indicator_adopt,
    indicator_create,
    indicator_update,
    performance_settings_update,
    service_area_create,
)
from ..services.targets import target_delete, target_profile_annual, target_set
from .common import indicator_or_404, query_without
from .forms import (
    IndicatorFilterForm,
    IndicatorForm,
    ServiceAreaForm,
    SettingsForm,
    TargetForm,
    TargetProfileForm,
    indicator_initial,
)

PAGE_SIZE = 25
MANAGERS_ONLY = "Only performance officers and organisation administrators may do this."


@login_required
@require_http_methods(["GET"])
def indicator_list_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_read(request.user), "Your account cannot read this organisation's PIs.")
    form = IndicatorFilterForm(request.GET)
    filters = form.filters()
    download = page_export(request)
    if download:
        sheet = indicator_sheet(indicators=indicator_list(filters=filters))
        return export_response(fmt=download, stem="indicators", sheet=sheet)
    paginator = Paginator(indicator_list(filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "form": form,
            "page": page,
            "indicators": page.object_list,
            "query_without_page": query_without(request, "page"),
            "is_filtered": any(
                request.GET.get(name) for name in ("q", "service_area", "owner", "status", "due")
            )
            or bool(request.GET.get("include_retired")),
            "can_manage": can_manage_indicators(request.user),
            "download_query": download_query(request),
        },
    )


def _form_page(request, form, *, indicator=None, status=200, **context) -> HttpResponse:
    return render(
        request,
        "indicators/indicator_form.html",
        {"form": form, "indicator": indicator, "errors": error_items(form), **context},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_manage_indicators(request.user), MANAGERS_ONLY)
    form = IndicatorForm(request.POST or None, mode="create")
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_create(
                actor=request.user, **form.catalogue_fields(), **form.local_fields()
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{indicator.code} is set up.")
            return redirect("indicators:detail", pk=indicator.pk)
    return _form_page(
        request,
        form,
        status=400 if form.errors else 200,
        heading="Set up a local indicator",
        submit_label="Create the indicator",
    )


def _adoptable() -> list[tuple[str, str]]:
    adopted = set(
        Indicator.objects.exclude(catalogue_code="").values_list("catalogue_code", flat=True)
    )
    entries = CatalogueIndicator.objects.filter(retired=False).order_by("code")
    return [
        (entry.code, f"{entry.code} – {entry.title}")
        for entry in entries
        if entry.code not in adopted
    ]


@login_required
@require_http_methods(["GET", "POST"])
def indicator_adopt_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_manage_indicators(request.user), MANAGERS_ONLY)
    form = IndicatorForm(
        request.POST or None,
        mode="adopt",
        catalogue_choices=_adoptable(),
        initial={"catalogue_code": request.GET.get("code", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_adopt(
                actor=request.user,
                catalogue_code=form.cleaned_data["catalogue_code"],
                **form.local_fields(),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{indicator.code} is adopted from the national catalogue.")
            return redirect("indicators:detail", pk=indicator.pk)
    return _form_page(
        request,
        form,
        status=400 if form.errors else 200,
        heading="Adopt a national indicator",
        submit_label="Adopt the indicator",
        intro=(
            "The code, title, definition, unit, polarity and frequency come from the national "
            "catalogue and cannot be changed; targets, people and tolerances are yours."
        ),
    )


def catalogue_changes(indicator: Indicator) -> list[tuple[str, object, object]]:
    """What accepting the catalogue's newer version would change: (field, ours, theirs)."""
    if not indicator.catalogue_update_available:
        return []
    theirs = _catalogue_fields(indicator.catalogue_indicator)
    return [
        (name.replace("_", " "), getattr(indicator, name), theirs[name])
        for name in CATALOGUE_LOCKED_FIELDS
        if getattr(indicator, name) != theirs[name]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_or_404(pk)
    refuse_unless(can_manage_indicators(request.user), MANAGERS_ONLY)
    form = IndicatorForm(
        request.POST or None,
        mode="edit",
        adopted=indicator.is_adopted,
        initial=indicator_initial(indicator),
    )
    if request.method == "POST" and form.is_valid():
        fields = {**form.catalogue_fields(), **form.local_fields()}
        try:
            indicator_update(
                actor=request.user,
                indicator=indicator,
                reason=form.cleaned_data.get("reason") or "",
                **fields,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{indicator.code} is saved.")
            return redirect("indicators:detail", pk=indicator.pk)
    return _form_page(
        request,
        form,
        indicator=indicator,
        status=400 if form.errors else 200,
        heading=f"Change {indicator.code}",
        submit_label="Save changes",
        catalogue_changes=catalogue_changes(indicator),
    )


@login_required
@require_POST
def indicator_accept_catalogue_page(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_or_404(pk)
    refuse_unless(can_manage_indicators(request.user), MANAGERS_ONLY)
    try:
        indicator = indicator_accept_catalogue_version(actor=request.user, indicator=indicator)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{indicator.code} now follows catalogue version "
            f"{indicator.adopted_catalogue_version}.",
        )
    return redirect("indicators:edit", pk=indicator.pk)


@login_required
@require_http_methods(["GET", "POST"])
def targets_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A PI's targets per period and for the year; set one, profile a year, or delete one."""
    indicator = indicator_or_404(pk)
    can_manage = can_manage_indicators(request.user)
    action = request.POST.get("action", "")
    set_form = TargetForm(
        request.POST if action == "set" else None, prefix="target", indicator=indicator
    )
    profile_form = TargetProfileForm(
        request.POST if action == "profile" else None, prefix="profile", indicator=indicator
    )
    for form in (set_form, profile_form):
        form.offer_sub_areas(indicator.sub_areas.all())
    failed = None
    if request.method == "POST":
        refuse_unless(can_manage, MANAGERS_ONLY)
        try:
            if action == "set" and set_form.is_valid():
                target = target_set(
                    actor=request.user,
                    indicator=indicator,
                    period_code=set_form.cleaned_data["period"],
                    value=set_form.cleaned_data["value"],
                    sub_area=set_form.chosen_sub_area(),
                    note=set_form.cleaned_data["note"],
                    reason=set_form.cleaned_data["reason"],
                    interface="page",
                )
                messages.success(request, f"The target for {target.period_code} is set.")
                _advise(request, target)
                return redirect("indicators:targets", pk=indicator.pk)
            if action == "profile" and profile_form.is_valid():
                targets = target_profile_annual(
                    actor=request.user,
                    indicator=indicator,
                    year_code=profile_form.cleaned_data["year"],
                    annual=profile_form.cleaned_data["annual"],
                    method=profile_form.cleaned_data["method"],
                    sub_area=profile_form.chosen_sub_area(),
                    reason=profile_form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    f"The {targets[0].period_code} target is set and profiled into "
                    f"{len(targets) - 1} periods.",
                )
                _advise(request, targets[0])
                return redirect("indicators:targets", pk=indicator.pk)
            if action == "delete":
                target = target_get(indicator=indicator, pk=request.POST.get("target"))
                target_delete(actor=request.user, target=target)
                messages.success(request, f"The target for {target.period_code} is deleted.")
                return redirect("indicators:targets", pk=indicator.pk)
        except DomainError as error:
            form = profile_form if action == "profile" else set_form
            if action == "delete":
                messages.error(request, error.message)
                return redirect("indicators:targets", pk=indicator.pk)
            show_domain_error(
                form,
                error,
                field_map={"period_code": "period", "year_code": "year"},
            )
        failed = action
    return render(
        request,
        "indicators/targets.html",
        {
            "indicator": indicator,
            "targets": target_list(indicator=indicator).order_by("-period_start", "period_type"),
            "set_form": set_form,
            "profile_form": profile_form,
            "set_errors": error_items(set_form) if failed == "set" else [],
            "profile_errors": error_items(profile_form) if failed == "profile" else [],
            "can_manage": can_manage,
            "period_hint": _period_hint(indicator),
        },
        status=400 if failed else 200,
    )


def _advise(request: HttpRequest, target) -> None:
    """Advice on the target just saved, shown after the redirect; it never blocks saving."""
    for advice in getattr(target, "advice", []):
        messages.warning(request, f"Advice on the {target.period_code} target: {advice.words}")


def _period_hint(indicator: Indicator) -> str:
    kind = indicator.period_type
    return (
        f"{indicator.code} is collected {indicator.get_frequency_display().lower()}: choose a "
        f"{kind.label}, or a whole year for the annual target."
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """The organisation's default tolerance, due dates and reminders, and its service areas."""
    refuse_unless(can_manage_indicators(request.user), MANAGERS_ONLY)
    current = PerformanceSettings.load()
    action = request.POST.get("action", "")
    form = SettingsForm(request.POST if action == "settings" else None, instance=current)
    area_form = ServiceAreaForm(request.POST if action == "area" else None, prefix="area")
    status = 200
    if action == "settings" and form.is_valid():
        try:
            performance_settings_update(
                actor=request.user, **{name: form.cleaned_data[name] for name in form.fields}
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "The performance settings are saved.")
            return redirect("indicators:settings")
    if action == "area" and area_form.is_valid():
        try:
            area = service_area_create(actor=request.user, **area_form.cleaned_data)
        except DomainError as error:
            show_domain_error(area_form, error)
        else:
            messages.success(request, f"The service area {area.name} is added.")
            return redirect("indicators:settings")
    if form.errors or area_form.errors:
        status = 400
    return render(
        request,
        "indicators/settings.html",
        {
            "form": form,
            "area_form": area_form,
            "errors": error_items(form) if action == "settings" else [],
            "area_errors": error_items(area_form) if action == "area" else [],
            "service_areas": ServiceArea.objects.all(),
        },
        status=status,
    )
