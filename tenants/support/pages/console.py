"""The helpdesk console's support pages (platform host only, helpdesk staff only): live
accesses and the hand-off to an organisation's host, break-glass requests and approvals,
announcements, and the support-request queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import show_domain_error
from goldenthread.tenants.helpdesk.permissions import helpdesk_staff_required
from goldenthread.tenants.selectors import primary_host

from ..domain.choices import HANDOFF_SECONDS
from ..models import SupportRequest
from ..selectors.access import accesses_of_staff, break_glass_waiting, recent_accesses
from ..selectors.announcements import announcement_list
from ..selectors.requests import helpdesk_requests
from ..services.access import access_revoke, break_glass_approve, break_glass_request, handoff_issue
from ..services.announcements import announcement_create, announcement_end
from ..services.requests import request_answer
from .forms import AnnouncementForm, AnswerForm, BreakGlassForm, RequestFilterForm


def _host_url(request: HttpRequest, host: str) -> str:
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return f"{request.scheme}://{host}{'' if port in (default, None) else ':' + port}"


@require_http_methods(["GET", "POST"])
@helpdesk_staff_required
def access_page(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = break_glass_request(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"],
                allow_write=form.cleaned_data["allow_write"],
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Emergency access to {access.organisation.name} is requested: a second "
                "helpdesk staff member must approve it.",
            )
            return redirect("helpdesk:support:access")
    return render(
        request,
        "support/console/access.html",
        {
            "form": form,
            "mine": accesses_of_staff(staff=request.user),
            "waiting": break_glass_waiting(),
            "recent": recent_accesses(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@helpdesk_staff_required
def open_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Issues a one-time hand-off and shows the link that spends it on the organisation's
    host. A link, not a redirect: the page's CSP (`form-action 'self'`) rightly stops a form
    from redirecting to another host."""
    try:
        token, access = handoff_issue(actor=request.user, access_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("helpdesk:support:access")
    enter = reverse(
        "support:enter", kwargs={"token": token}, urlconf="goldenthread.platform.urls_tenant"
    )
    return render(
        request,
        "support/console/open.html",
        {
            "access": access,
            "url": _host_url(request, primary_host(access.organisation)) + enter,
            "seconds": HANDOFF_SECONDS,
        },
    )


@require_POST
@helpdesk_staff_required
def approve_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = break_glass_approve(actor=request.user, access_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Emergency access for {access.staff_name} to {access.organisation.name} is open "
            f"until {access.ends_at:%H:%M}; its administrators are being told.",
        )
    return redirect("helpdesk:support:access")


@require_POST
@helpdesk_staff_required
def end_page(request: HttpRequest, pk: int) -> HttpResponse:
    from ..models import SupportAccess

    row = SupportAccess.objects.filter(pk=pk, staff_id=request.user.pk).first()
    if row is None:
        raise Http404("There is no such access of yours.")
    try:
        access_revoke(actor=request.user, organisation=row.organisation, access_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your access is ended.")
    return redirect("helpdesk:support:access")


@require_http_methods(["GET", "POST"])
@helpdesk_staff_required
def announcements_page(request: HttpRequest) -> HttpResponse:
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            announcement_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, "The announcement is saved.")
            return redirect("helpdesk:support:announcements")
    page = Paginator(announcement_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "support/console/announcements.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@require_POST
@helpdesk_staff_required
def announcement_end_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        announcement_end(actor=request.user, announcement_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The announcement is taken down.")
    return redirect("helpdesk:support:announcements")


@require_GET
@helpdesk_staff_required
def requests_page(request: HttpRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = helpdesk_requests(kind=filters.get("kind", ""), status=filters.get("status", ""))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "support/console/requests.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
@helpdesk_staff_required
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    row = (
        SupportRequest.objects.select_related("organisation")
        .prefetch_related("replies")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404("There is no such request.")
    form = AnswerForm(request.POST or None, initial={"status": row.status})
    if request.method == "POST" and form.is_valid():
        try:
            request_answer(
                actor=request.user,
                request_id=pk,
                body=form.cleaned_data["body"],
                status=form.cleaned_data["status"],
                base_url=_host_url(request, primary_host(row.organisation)),
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, "The requester is being told.")
            return redirect("helpdesk:support:request", pk=pk)
    return render(
        request,
        "support/console/request.html",
        {"row": row, "form": form, "votes": row.votes.count()},
        status=400 if form.errors else 200,
    )
