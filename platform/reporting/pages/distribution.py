"""Frozen pack pages: freeze (a form, then the progress of the worker's run), the archive of
every pack, one frozen pack with its downloads, the comparison with the previous pack, and a
definition's schedule with its distribution list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.error_summary import error_items
from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.core.pages import show_domain_error

from .. import permissions, services
from ..models import DistributionSettingChange, RunStatus
from ..selectors import (
    definition_get,
    definition_list,
    distribution_list_get,
    frozen_pack_compare,
    frozen_pack_get,
    frozen_pack_list,
    pack_run_get,
    schedule_get,
)
from ..selectors.definitions import definition_versions
from ..selectors.distribution import (
    distribution_settings_get,
    frozen_pack_content,
    settings_as_data,
)
from ..services import frozen_pack_render
from ..services.outputs import FORMAT_WORDS, FROZEN_FORMATS
from ..templatetags.reporting import pack_running_left, pack_running_right
from .common import reporting_page
from .distribution_forms import (
    ArchiveFilterForm,
    DistributionSettingsForm,
    FreezeForm,
    ScheduleForm,
)
from .pack import default_period, offered_periods

ARCHIVE_PAGE_SIZE = 50


def _require_write(user) -> None:
    if not permissions.can_write_definitions(user):
        raise PermissionDenied(
            "Only performance officers and organisation administrators can freeze and "
            "schedule packs."
        )


@reporting_page
@require_http_methods(["GET", "POST"])
def freeze_page(request: HttpRequest, pk: int) -> HttpResponse:
    definition = definition_get(pk=pk)
    _require_write(request.user)
    today = timezone.localdate()
    form = FreezeForm(
        request.POST or None,
        initial={"period": default_period(today).code},
        periods=offered_periods(today),
        versions=list(definition_versions(definition=definition)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.pack_freeze(
                user=request.user,
                definition=definition,
                period=data["period"],
                committee=data["committee"],
                meeting_date=data["meeting_date"],
                version=data.get("version"),
                distribute=data["distribute"],
            )
        except DomainError as error:
            if error.status_code != 400:
                raise
            show_domain_error(form, error)
        else:
            return redirect("reporting:run", pk=run.pk)
    return render(
        request,
        "reporting/freeze.html",
        {"definition": definition, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _run_status(run) -> dict:
    done = run.status == RunStatus.DONE and run.progress >= 100
    return {
        "status": run.status,
        "status_words": run.get_status_display(),
        "progress": run.progress,
        "phase": run.phase,
        "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
        or (run.status == RunStatus.DONE and not done),
        "error": run.error,
        "url": reverse("reporting:run", kwargs={"pk": run.pk}),
        "frozen_pack_url": reverse("reporting:frozen", kwargs={"pk": run.frozen_pack_id})
        if run.frozen_pack_id
        else None,
    }


@reporting_page
@require_http_methods(["GET"])
def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = pack_run_get(pk=pk)
    return render(request, "reporting/run.html", {"run": run, "state": _run_status(run)})


@reporting_page
@require_http_methods(["GET"])
def run_status_json(request: HttpRequest, pk: int) -> HttpResponse:
    return JsonResponse(_run_status(pack_run_get(pk=pk)))


@reporting_page
@require_http_methods(["GET"])
def archive_page(request: HttpRequest) -> HttpResponse:
    definitions = list(definition_list(include_archived=True))
    form = ArchiveFilterForm(request.GET or None, definitions=definitions)
    filters = form.cleaned_data if form.is_valid() else {}
    packs = frozen_pack_list(
        definition=filters.get("definition"),
        committee=filters.get("committee", ""),
        period=filters.get("period", ""),
    )
    return render(
        request,
        "reporting/archive.html",
        {
            "form": form,
            "problems": error_items(form) if form.is_bound else [],
            "packs": packs[:ARCHIVE_PAGE_SIZE],
            "count": packs.count(),
            "page_size": ARCHIVE_PAGE_SIZE,
        },
    )


@reporting_page
@require_http_methods(["GET"])
def frozen_pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    frozen = frozen_pack_get(pk=pk)
    pack = frozen_pack_content(frozen)
    return render(
        request,
        "reporting/frozen_pack.html",
        {
            "frozen": frozen,
            "pack": pack,
            # The printed pages' running header, as on the preview (reporting/pack.html).
            "running_query": urlencode(
                {"left": pack_running_left(pack), "right": pack_running_right(pack)}
            ),
            "formats": [(fmt, FORMAT_WORDS[fmt]) for fmt in FROZEN_FORMATS],
        },
    )


@reporting_page
@require_http_methods(["GET"])
def frozen_pack_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    frozen = frozen_pack_get(pk=pk)
    rendered = frozen_pack_render(frozen_pack=frozen, fmt=fmt)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


@reporting_page
@require_http_methods(["GET"])
def compare_page(request: HttpRequest, pk: int) -> HttpResponse:
    frozen = frozen_pack_get(pk=pk)
    other = frozen_pack_get(pk=request.GET["with"]) if request.GET.get("with") else None
    other, comparison = frozen_pack_compare(frozen_pack=frozen, other=other)
    return render(
        request,
        "reporting/compare.html",
        {"frozen": frozen, "other": other, "comparison": comparison},
    )


@reporting_page
@require_http_methods(["GET", "POST"])
def schedule_page(request: HttpRequest, pk: int) -> HttpResponse:
    definition = definition_get(pk=pk)
    _require_write(request.user)
    schedule = schedule_get(definition=definition)
    distribution = distribution_list_get(definition=definition)
    initial = {"active": True, "working_days": 10}
    if schedule is not None:
        initial = {
            "active": schedule.active,
            "working_days": schedule.working_days,
            "committee": schedule.committee,
        }
    if distribution is not None:
        initial["roles"] = distribution.roles
        initial["people"] = [p.pk for p in distribution.people.all()]
    people = User.objects.filter(is_active=True).order_by("full_name", "email")
    form = ScheduleForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule_save(
                user=request.user,
                definition=definition,
                working_days=data["working_days"],
                committee=data["committee"],
                active=data["active"],
            )
            services.distribution_list_save(
                user=request.user, definition=definition, roles=data["roles"], people=data["people"]
            )
        except DomainError as error:
            if error.status_code != 400:
                raise
            show_domain_error(form, error)
        else:
            messages.success(request, "Schedule and distribution list saved.")
            return redirect("reporting:definition", pk=definition.pk)
    return render(
        request,
        "reporting/schedule.html",
        {"definition": definition, "form": form, "schedule": schedule},
        status=400 if form.is_bound and form.errors else 200,
    )


@reporting_page
@require_http_methods(["GET", "POST"])
def distribution_settings_page(request: HttpRequest) -> HttpResponse:
    _require_write(request.user)
    current = distribution_settings_get()
    form = DistributionSettingsForm(request.POST or None, initial=settings_as_data(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.distribution_settings_update(user=request.user, **form.cleaned_data)
        except DomainError as error:
            if error.status_code != 400:
                raise
            show_domain_error(form, error)
        else:
            messages.success(request, "Distribution settings saved.")
            return redirect("reporting:distribution-settings")
    return render(
        request,
        "reporting/distribution_settings.html",
        {"form": form, "changes": DistributionSettingChange.objects.select_related(None)[:20]},
        status=400 if form.is_bound and form.errors else 200,
    )
