"""Support requests and suggestions on the organisation's host: raise one from any page,
follow one's own, vote on other organisations' suggestions; dismiss an announcement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.door import organisation_of
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error

from ..permissions import can_manage_support_access, can_raise_requests
from ..selectors.requests import request_of, requests_of, suggestions_to_vote_on
from ..services.announcements import announcement_dismiss
from ..services.requests import request_comment, request_create, suggestion_vote
from .common import safe_next
from .forms import CommentForm, RequestForm

REFUSED = "Sign in with your own account to raise and follow requests."


@login_required
@require_GET
def request_list_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_raise_requests(request.user), REFUSED)
    rows = requests_of(organisation=organisation_of(request), user=request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "support/request_list.html",
        {"page": page, "is_admin": can_manage_support_access(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_raise_requests(request.user), REFUSED)
    form = RequestForm(
        request.POST or None, initial={"page": request.GET.get("page", ""), "kind": "support"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = request_create(
                actor=request.user,
                organisation=organisation_of(request),
                kind=form.cleaned_data["kind"],
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                page_url=form.cleaned_data["page"],
                user_agent=request.headers.get("User-Agent", ""),
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, f"Your {row.get_kind_display().lower()} has been sent.")
            return redirect("support:request", pk=row.pk)
    return render(
        request, "support/request_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_unless(can_raise_requests(request.user), REFUSED)
    organisation = organisation_of(request)
    row = request_of(organisation=organisation, user=request.user, request_id=pk)
    if row is None:
        raise Http404("There is no such request of yours.")
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_comment(
                actor=request.user,
                organisation=organisation,
                request_id=pk,
                body=form.cleaned_data["body"],
            )
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, "Your message has been added.")
            return redirect("support:request", pk=pk)
    return render(
        request,
        "support/request_detail.html",
        {"row": row, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def suggestion_list_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_raise_requests(request.user), REFUSED)
    rows = suggestions_to_vote_on(organisation=organisation_of(request), user=request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "support/suggestions.html", {"page": page})


@login_required
@require_POST
def suggestion_vote_page(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_unless(can_raise_requests(request.user), REFUSED)
    try:
        suggestion_vote(actor=request.user, organisation=organisation_of(request), request_id=pk)
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your vote has been counted.")
    return redirect("support:suggestions")


@login_required
@require_POST
def announcement_dismiss_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        announcement_dismiss(
            user=request.user, organisation=organisation_of(request), announcement_id=pk
        )
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    return redirect(safe_next(request))
