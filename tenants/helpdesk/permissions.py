"""Who may use the helpdesk console."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_tenants.utils import get_public_schema_name

from goldenthread.platform.accounts.permissions import is_helpdesk_lead


def is_platform_staff(request: HttpRequest) -> bool:
    """True only for an active staff user of the public schema on the public host.

    Users are per schema, so `is_staff` on an organisation's own user means nothing here:
    the console is only routed on the public host, and this check refuses any other schema
    as well in case a route is ever mounted elsewhere.
    """
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name != get_public_schema_name():
        return False
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def helpdesk_staff_required(view):
    """Anonymous visitors are sent to sign in; signed-in users who are not platform staff get
    a 403 page; any host other than the public one gets a 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name != get_public_schema_name():
            raise Http404("The helpdesk is only on the platform's own host.")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_platform_staff(request):
            return render(request, "tenants/helpdesk/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def helpdesk_lead_required(view):
    """As `helpdesk_staff_required`, and then only helpdesk leads (others get the 403 page)."""

    @helpdesk_staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_helpdesk_lead(request.user):
            return render(
                request, "tenants/helpdesk/forbidden.html", {"lead_only": True}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapped
