"""Helpdesk console pages for licensed modules, usage and helpdesk API keys (#15 items 5,
6, 10). Thin: a form, one selector or service, a template."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core import exporting
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants import usage, usage_figures
from goldenthread.tenants.models import Module
from goldenthread.tenants.modules import organisation_modules_set

from .api_keys import helpdesk_api_key_issue, helpdesk_api_key_list, helpdesk_api_key_revoke
from .permissions import helpdesk_lead_required, helpdesk_staff_required
from .views import _organisation_or_404


class ModulesForm(forms.Form):
    modules = forms.MultipleChoiceField(
        label="Licensed modules",
        required=False,
        choices=Module.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The organisation sees only these; pages of other modules answer "
        "'not found', and their menu entries and scheduled e-mails stop.",
    )


@require_http_methods(["GET", "POST"])
@helpdesk_lead_required
def organisation_modules(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(slug)
    form = ModulesForm(
        request.POST or None, initial={"modules": organisation.licensed_modules or []}
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation_modules_set(
                organisation=organisation,
                modules=list(form.cleaned_data["modules"]),
                actor=request.user.email,
            )
        except ValidationError as exc:
            form.add_error("modules", exc.messages[0])
        except DomainError as exc:
            form.add_error("modules", exc.message)
        else:
            messages.success(request, f"{organisation.name}'s licensed modules are changed.")
            return redirect("helpdesk:organisation", slug=organisation.slug)
    return render(
        request,
        "tenants/helpdesk/organisation_modules.html",
        {"org": organisation, "form": form},
        status=400 if form.errors else 200,
    )


USAGE_COLUMNS = (
    exporting.column_text("Organisation"),
    exporting.column_text("Slug"),
    exporting.column_text("Status"),
    exporting.column_text("Licensed modules", width=40),
    exporting.column_number("Active users, last 30 days", decimals=0),
    exporting.column_number("Active users, last 90 days", decimals=0),
    exporting.column_number("Users", decimals=0),
    exporting.column_datetime("Last sign-in"),
    exporting.column_number("PIs", decimals=0),
    exporting.column_number("Values entered this quarter", decimals=0),
    exporting.column_number("Database storage (MB)", decimals=1),
    exporting.column_number("Evidence files (MB)", decimals=1),
    exporting.column_number("API calls, last 30 days", decimals=0),
    exporting.column_datetime("Figures as of"),
)


def _megabytes(count: int) -> float:
    return round(count / (1024 * 1024), 1)


def usage_cells(row: usage.OrganisationUsage, as_of) -> list:
    organisation = row.organisation
    return [
        organisation.name,
        organisation.slug,
        organisation.get_status_display(),
        row.modules_in_words or "None",
        row.active_users_30,
        row.active_users_90,
        row.users,
        row.last_sign_in,
        row.indicators,
        row.values_this_quarter,
        _megabytes(row.database_bytes),
        _megabytes(row.file_bytes),
        row.api_calls_30,
        as_of,
    ]


@require_GET
@helpdesk_staff_required
def usage_dashboard(request: HttpRequest) -> HttpResponse:
    """Every organisation's usage: counts only, as of when they were last computed
    (`tenants.usage_figures`), on screen or downloaded (the same figures either way)."""
    figures = usage_figures.usage_figures()
    rows = figures.rows
    wanted = exporting.page_export(request)
    if wanted:
        sheet = exporting.Sheet(
            title="Usage",
            columns=USAGE_COLUMNS,
            rows=[usage_cells(row, figures.as_of) for row in rows],
        )
        return exporting.export_response(fmt=wanted, stem="organisation-usage", sheet=sheet)
    return render(
        request,
        "tenants/helpdesk/usage.html",
        {
            "rows": rows,
            "as_of": figures.as_of,
            "kept_minutes": usage_figures.kept_minutes(),
            "totals": {
                "organisations": len(rows),
                "active_30": sum(row.active_users_30 for row in rows),
                "api_calls": sum(row.api_calls_30 for row in rows),
            },
        },
    )


@require_POST
@helpdesk_staff_required
def usage_refresh(request: HttpRequest) -> HttpResponse:
    """Recompute the usage figures now rather than wait for the kept ones to expire."""
    figures = usage_figures.usage_figures_refresh()
    as_of = timezone.localtime(figures.as_of)
    messages.success(request, f"Usage figures recomputed at {as_of:%H:%M:%S}.")
    return redirect("helpdesk:usage")


class ApiKeyIssueForm(forms.Form):
    name = forms.CharField(
        label="Name of the key",
        max_length=100,
        help_text="What will use it, for example 'Provisioning script'.",
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6-digit code it shows now. A helpdesk API key is issued only "
        "against a current code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@require_http_methods(["GET", "POST"])
@helpdesk_staff_required
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyIssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            credential, raw_key = helpdesk_api_key_issue(
                user=request.user, name=form.cleaned_data["name"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("name", exc.messages[0])
        except DomainError as exc:
            field = "code" if exc.code in ("wrong_code", "mfa_not_enrolled") else None
            form.add_error(field, exc.message)
        else:
            issued = {"credential": credential, "key": raw_key}
            form = ApiKeyIssueForm()
    return render(
        request,
        "tenants/helpdesk/api_keys.html",
        {"form": form, "issued": issued, "keys": helpdesk_api_key_list(user=request.user)},
        status=400 if form.errors else (201 if issued else 200),
    )


@require_POST
@helpdesk_staff_required
def api_key_revoke(request: HttpRequest, credential_id: int) -> HttpResponse:
    try:
        credential = helpdesk_api_key_revoke(user=request.user, credential_id=credential_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The key '{credential.name}' is revoked.")
    return redirect("helpdesk:api-keys")
