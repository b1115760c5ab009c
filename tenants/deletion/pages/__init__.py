"""The helpdesk console's deletion pages (mounted under /helpdesk/ by `tenants.helpdesk_urls`):
ask for an organisation's deletion, cancel it in the grace period, list deletions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.tenants.helpdesk.permissions import (
    helpdesk_lead_required,
    helpdesk_staff_required,
)
from goldenthread.tenants.selectors import organisation_get

from .. import selectors, services


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(
        label="Reason for deleting",
        max_length=500,
        help_text="For example the customer's written request and its reference. Kept in the "
        "platform audit log after the organisation has gone.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_slug = forms.CharField(label="Type the organisation's slug to confirm", max_length=42)


def _organisation(slug: str):
    try:
        return organisation_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET", "POST"])
@helpdesk_lead_required
def deletion_request(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    pending = selectors.pending_deletion(organisation=organisation)
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        if form.cleaned_data["confirm_slug"].strip().lower() != organisation.slug:
            form.add_error("confirm_slug", f"Type {organisation.slug} exactly to confirm.")
        else:
            try:
                deletion = services.deletion_request(
                    organisation=organisation,
                    actor=request.user.email,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("reason", exc.messages[0])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"{organisation.name} is suspended and will be deleted after "
                    f"{deletion.purge_after:%d %B %Y}.",
                )
                return redirect("helpdesk:organisation", slug=organisation.slug)
    return render(
        request,
        "deletion/request.html",
        {
            "org": organisation,
            "form": form,
            "pending": pending,
            "grace_days": services.grace_days(),
            "blockers": services.deletion_blockers(organisation=organisation),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@helpdesk_lead_required
def deletion_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    pending = selectors.pending_deletion(organisation=organisation)
    if pending is None:
        messages.error(request, f"No deletion of {organisation.name} is waiting.")
    else:
        try:
            services.deletion_cancel(deletion=pending, actor=request.user.email)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Deletion of {organisation.name} was cancelled.")
    return redirect("helpdesk:organisation", slug=organisation.slug)


@require_GET
@helpdesk_staff_required
def deletion_list(request: HttpRequest) -> HttpResponse:
    return render(request, "deletion/list.html", {"deletions": selectors.deletion_list()[:200]})
