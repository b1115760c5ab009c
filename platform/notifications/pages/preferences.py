"""Notification settings (per kind: straight away, daily digest, off) and the unsubscribe
link from e-mails, which works without signing in (see `services.preferences`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from goldenthread.platform.accounts.models import Role
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless

from ..permissions import can_have_notifications
from ..selectors.preferences import preferences_of
from ..services.preferences import preferences_set, unsubscribe, unsubscribe_read
from .forms import PreferencesForm
from .inbox import REFUSED


@login_required
@require_http_methods(["GET", "POST"])
def preferences_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_have_notifications(request.user), REFUSED)
    current = preferences_of(user=request.user)
    form = PreferencesForm(
        request.POST or None,
        initial_choices=current,
        administrator=request.user.has_role(Role.ORGANISATION_ADMIN),
    )
    if request.method == "POST" and form.is_valid():
        preferences_set(user=request.user, choices=dict(form.cleaned_data))
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# The token is the authority here, not a session: mail programs' one-click unsubscribe
# (RFC 8058) POSTs to this address without a page, so there is no CSRF token to check.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a mail scanner following links must not unsubscribe anyone); POST does."""
    try:
        found = (
            unsubscribe(token=token) if request.method == "POST" else unsubscribe_read(token=token)
        )
    except DomainError as error:
        return render(
            request,
            "notifications/unsubscribe_refused.html",
            {"message": error.message},
            status=400,
        )
    return render(
        request,
        "notifications/unsubscribe.html",
        {"found": found, "done": request.method == "POST", "token": token},
    )
