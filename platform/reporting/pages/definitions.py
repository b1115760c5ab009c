"""The report definition pages: the list, create and edit (each save a new version), a
definition with its versions, one version, and archiving."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.core.pages import show_domain_error
from goldenthread.platform.indicators.models import Indicator
from goldenthread.platform.indicators.selectors.report import service_areas
from goldenthread.platform.planning.models import PlanningSettings, StrategyNode

from .. import permissions, services
from ..selectors import definition_get, definition_list, definition_version_get
from ..selectors.definitions import definition_versions
from .common import reporting_page
from .forms import DefinitionForm, PeriodForm
from .pack import default_period, offered_periods


def _choices() -> dict:
    """The organisation's priorities and themes (tree order), service areas and active PIs."""
    settings = PlanningSettings.load()
    nodes = list(StrategyNode.objects.order_by("level", "position", "code"))
    for node in nodes:
        node.level_name = settings.level_name(node.level)
    return {
        "nodes": nodes,
        "areas": service_areas(),
        "indicators": Indicator.objects.filter(is_active=True)
        .only("pk", "code", "title")
        .order_by("code"),
    }


def _require_write(user) -> None:
    if not permissions.can_write_definitions(user):
        raise PermissionDenied(
            "Only performance officers and organisation administrators can change report "
            "definitions."
        )


@reporting_page
@require_http_methods(["GET"])
def definition_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/definition_list.html",
        {
            "definitions": definition_list(),
            "can_write": permissions.can_write_definitions(request.user),
        },
    )


def _save(request, form: DefinitionForm, save) -> object | None:
    if not form.is_valid():
        return None
    try:
        return save(form.definition_data(), form.cleaned_data.get("note", ""))
    except DomainError as error:
        if error.status_code != 400:
            raise
        show_domain_error(form, error)
        return None


def _form_page(request, form, *, title: str, definition=None) -> HttpResponse:
    return render(
        request,
        "reporting/definition_form.html",
        {"form": form, "page_title": title, "definition": definition},
        status=400 if form.is_bound and form.errors else 200,
    )


@reporting_page
@require_http_methods(["GET", "POST"])
def definition_create_page(request: HttpRequest) -> HttpResponse:
    _require_write(request.user)
    form = DefinitionForm(request.POST or None, **_choices())
    if request.method == "POST":
        definition = _save(
            request,
            form,
            lambda data, note: services.definition_create(user=request.user, data=data, note=note),
        )
        if definition is not None:
            messages.success(request, f"“{definition.name}” saved as version 1.")
            return redirect("reporting:definition", pk=definition.pk)
    return _form_page(request, form, title="New report definition")


@reporting_page
@require_http_methods(["GET", "POST"])
def definition_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    definition = definition_get(pk=pk)
    _require_write(request.user)
    version = definition_version_get(definition=definition)
    form = DefinitionForm(
        request.POST or None,
        initial=DefinitionForm.initial_of(version.parsed, definition.name),
        **_choices(),
    )
    if request.method == "POST":
        saved = _save(
            request,
            form,
            lambda data, note: services.definition_update(
                user=request.user, definition=definition, data=data, note=note
            ),
        )
        if saved is not None:
            if saved.number == version.number:
                messages.info(request, "Nothing changed: no new version was saved.")
            else:
                messages.success(request, f"Saved as version {saved.number}.")
            return redirect("reporting:definition", pk=definition.pk)
    return _form_page(request, form, title=f"Change “{definition.name}”", definition=definition)


@reporting_page
@require_http_methods(["GET"])
def definition_page(request: HttpRequest, pk: int) -> HttpResponse:
    definition = definition_get(pk=pk)
    versions = list(definition_versions(definition=definition))
    today = timezone.localdate()
    form = PeriodForm(
        initial={"period": default_period(today).code},
        periods=offered_periods(today),
        versions=versions,
    )
    return render(
        request,
        "reporting/definition_detail.html",
        {
            "definition": definition,
            "spec": versions[0].parsed,
            "versions": versions,
            "form": form,
            "can_write": permissions.can_write_definitions(request.user)
            and definition.archived_at is None,
        },
    )


@reporting_page
@require_http_methods(["GET"])
def version_page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    definition = definition_get(pk=pk)
    version = definition_version_get(definition=definition, number=number)
    return render(
        request,
        "reporting/version_detail.html",
        {"definition": definition, "version": version, "spec": version.parsed},
    )


@reporting_page
@require_POST
def definition_archive_page(request: HttpRequest, pk: int) -> HttpResponse:
    definition = definition_get(pk=pk)
    _require_write(request.user)
    services.definition_archive(user=request.user, definition=definition)
    messages.success(request, f"“{definition.name}” archived; its versions stay readable.")
    return redirect("reporting:list")
