"""The page shell's support pieces: the helpdesk visitor's banner, announcements, and the
"Get help or suggest an improvement" link (base.html)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from goldenthread.platform.core.door import organisation_of

from ..permissions import can_raise_requests
from ..selectors.announcements import announcements_showing

register = template.Library()


@register.inclusion_tag("support/banners.html", takes_context=True)
def support_banners(context) -> dict:
    request = context.get("request")
    if request is None:
        return {}
    organisation = organisation_of(request)
    user = getattr(request, "user", None)
    return {
        "request": request,
        "support_access": getattr(request, "support_access", None),
        "announcements": announcements_showing(organisation=organisation, user=user),
        "organisation": organisation,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("support/help_link.html", takes_context=True)
def support_help_link(context) -> dict:
    request = context.get("request")
    if request is None or organisation_of(request) is None:
        return {"show": False}
    user = getattr(request, "user", None)
    return {
        "show": can_raise_requests(user),
        "query": urlencode({"page": request.get_full_path()[:500]}),
    }


@register.filter
def helpdesk_support_account(user) -> bool:
    """Whether `user` is an account a helpdesk staff member works through (the user list
    marks it, so the organisation's administrators know it is not one of their people)."""
    from ..permissions import is_support_account

    return is_support_account(user)
