"""The helpdesk console: platform staff list, provision, suspend and resume organisations.

Views parse input with forms, call one selector or service, and render. Every change goes
through `goldenthread.tenants.services`, which also writes the platform audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.platform.accounts.permissions import is_helpdesk_lead
from goldenthread.platform.accounts.selectors.sessions import sign_in_history_all
from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.tenants import selectors, services
from goldenthread.tenants.deletion.selectors import pending_deletion
from goldenthread.tenants.models import Organisation

from .forms import OrganisationFilterForm, OrganisationProvisionForm, OrganisationSuspendForm
from .permissions import helpdesk_lead_required, helpdesk_staff_required

PAGE_SIZE = 50


def _organisation_or_404(slug: str) -> Organisation:
    try:
        return selectors.organisation_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _request_port(request: HttpRequest) -> int | None:
    try:
        return int(request.get_port())
    except (TypeError, ValueError):
        return None


@require_GET
@helpdesk_staff_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        search=filters.get("q", ""), status=filters.get("status", "")
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(organisation, selectors.primary_host(organisation)) for organisation in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tenants/helpdesk/organisation_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "is_lead": is_helpdesk_lead(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@helpdesk_staff_required
def organisation_provision(request: HttpRequest) -> HttpResponse:
    form = OrganisationProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.organisation_create(
                **form.service_arguments(),
                url_scheme=request.scheme,
                port=_request_port(request),
                actor=request.user.email,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render(
                request,
                "tenants/helpdesk/organisation_provisioned.html",
                {"result": result, "host": selectors.primary_host(result.organisation)},
                status=201,
            )
    status = 400 if form.errors else 200
    return render(request, "tenants/helpdesk/organisation_form.html", {"form": form}, status=status)


@require_GET
@helpdesk_staff_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(slug)
    return render(
        request,
        "tenants/helpdesk/organisation_detail.html",
        {
            "org": organisation,
            "domains": organisation.domains.order_by("-is_primary", "domain"),
            "admin_count": selectors.organisation_admin_count(organisation=organisation),
            "deletion": pending_deletion(organisation=organisation),
            "modules": selectors.modules_in_words(organisation.licensed_modules),
            "is_lead": is_helpdesk_lead(request.user),
            "events": [
                (event, selectors.audit_detail_in_words(event.detail))
                for event in selectors.platform_audit_events(organisation=organisation)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@helpdesk_staff_required
def organisation_suspend(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(slug)
    form = OrganisationSuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_suspend(
                organisation=organisation,
                reason=form.cleaned_data["reason"],
                actor=request.user.email,
            )
        except ValidationError as exc:
            form.add_error("reason", exc.messages[0])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("helpdesk:organisation", slug=organisation.slug)
        else:
            messages.success(request, f"{organisation.name} is suspended.")
            return redirect("helpdesk:organisation", slug=organisation.slug)
    return render(
        request,
        "tenants/helpdesk/organisation_suspend.html",
        {"org": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@helpdesk_staff_required
def organisation_resume(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(slug)
    if request.method == "POST":
        try:
            services.organisation_resume(organisation=organisation, actor=request.user.email)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{organisation.name} is active again.")
        return redirect("helpdesk:organisation", slug=organisation.slug)
    return render(request, "tenants/helpdesk/organisation_resume.html", {"org": organisation})


@require_GET
@helpdesk_lead_required
def staff_sign_ins(request: HttpRequest) -> HttpResponse:
    """Platform staff's sign-ins, failures and locks (the public schema's events), for the
    helpdesk lead. Organisations' own histories stay with their administrators."""
    return render(
        request, "tenants/helpdesk/staff_sign_ins.html", {"sign_ins": sign_in_history_all()}
    )
