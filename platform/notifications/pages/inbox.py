"""A person's notifications: the list (unread first in attention, newest first), opening one
(marks it read and goes to the thing it is about), marking read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from goldenthread.platform.core.pages import refuse_unless

from ..permissions import can_have_notifications
from ..selectors.inbox import notification_list
from ..services.inbox import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 50
REFUSED = "Sign in with an active account to see your notifications."


@login_required
@require_GET
def notification_list_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_have_notifications(request.user), REFUSED)
    unread_only = request.GET.get("show") == "unread"
    rows = notification_list(reader=request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "notifications": page.object_list},
    )


@login_required
@require_GET
def notification_open_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks the notification read and goes to what it is about (its link is always a path
    on this host, written by our services)."""
    refuse_unless(can_have_notifications(request.user), REFUSED)
    row = notification_mark_read(reader=request.user, notification_id=pk)
    if row.link.startswith("/") and not row.link.startswith("//"):
        return redirect(row.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_page(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_unless(can_have_notifications(request.user), REFUSED)
    notification_mark_read(reader=request.user, notification_id=pk)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_have_notifications(request.user), REFUSED)
    count = notifications_mark_all_read(reader=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")
