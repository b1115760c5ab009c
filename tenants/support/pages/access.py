"""Support access on the organisation's host: administrators grant, list and revoke it and
read its log; the helpdesk's one-time hand-off is spent here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.door import organisation_of
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.core.responses import error_response

from ..permissions import can_manage_support_access
from ..selectors.access import access_log_of, accesses_of, helpdesk_staff_choices
from ..services.access import access_revoke, grant_create, handoff_redeem
from .forms import GrantForm
from .middleware import SESSION_KEY

REFUSED = "Only the organisation's administrators manage helpdesk support access."
BACKEND = "goldenthread.platform.accounts.services.backends.OrganisationUserBackend"


@login_required
@require_http_methods(["GET", "POST"])
def access_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_manage_support_access(request.user), REFUSED)
    organisation = organisation_of(request)
    form = GrantForm(request.POST or None, staff_choices=helpdesk_staff_choices())
    if request.method == "POST" and form.is_valid():
        try:
            access = grant_create(
                actor=request.user,
                organisation=organisation,
                staff_id=form.cleaned_data["staff"],
                ends_at=form.ends_at(),
                allow_write=form.cleaned_data["allow_write"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{access.staff_name} may work on {organisation.name} "
                f"({access.access_label.lower()}) until {access.ends_at:%d %B %Y at %H:%M}.",
            )
            return redirect("support:access")
    return render(
        request,
        "support/access.html",
        {"form": form, "accesses": accesses_of(organisation=organisation)[:100]},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def access_revoke_page(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_unless(can_manage_support_access(request.user), REFUSED)
    try:
        access = access_revoke(
            actor=request.user, organisation=organisation_of(request), access_id=pk
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{access.staff_name}'s support access is revoked.")
    return redirect("support:access")


@login_required
@require_GET
def access_log_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_manage_support_access(request.user), REFUSED)
    rows = access_log_of(organisation=organisation_of(request))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "support/access_log.html", {"page": page})


@require_GET
def enter_page(request: HttpRequest, token: str) -> HttpResponse:
    """Spends the helpdesk console's one-time token: ends whatever session this browser had
    here and opens one for the staff member's account, bound to the access."""
    organisation = organisation_of(request)
    try:
        access, account = handoff_redeem(organisation=organisation, token=token)
    except DomainError as exc:
        return error_response(
            request,
            status=403,
            message=exc.message,
            template="support/access_ended.html",
            code="support_link_refused",
        )
    logout(request)
    login(request, account, backend=BACKEND)
    request.session[SESSION_KEY] = access.pk
    return redirect("home")
