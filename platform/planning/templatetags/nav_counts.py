"""Counts beside the navigation links: `{% load nav_counts %}{% nav_count "owe" %}` ("What I
owe": values to do), `"approvals"` (values waiting for the person's approval) and
`"notifications"` (unread). Planning holds them because it holds the home page these lists
summarise. All three are worked out together, once per request (cached on it), in a fixed
number of queries; nothing is shown for zero, on the public host, or to anyone signed out.
"""

from __future__ import annotations

import logging

from django import template
from django.db import DatabaseError
from django.utils.html import format_html

register = template.Library()
logger = logging.getLogger(__name__)

WORDS = {
    "owe": ("value to do", "values to do"),
    "approvals": ("value waiting", "values waiting"),
    "notifications": ("unread", "unread"),
}


def nav_counts_for(request) -> dict[str, int]:
    """The person's counts for this request (worked out on first use)."""
    cached = getattr(request, "_nav_counts", None)
    if cached is not None:
        return cached
    from goldenthread.platform.indicators.selectors.approvals import approvals_waiting_count
    from goldenthread.platform.indicators.selectors.owed import owed_by
    from goldenthread.platform.notifications.selectors.inbox import unread_count

    user = getattr(request, "user", None)
    counts = {"owe": 0, "approvals": 0, "notifications": 0}
    if (
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(request, "organisation", None) is not None
    ):
        try:
            counts = {
                "owe": owed_by(user=user).count,
                "approvals": approvals_waiting_count(user=user),
                "notifications": unread_count(reader=user),
            }
        except DatabaseError:
            # An error page rendered after a failed query must still render: no counts.
            logger.warning("Navigation counts unavailable", exc_info=True)
    request._nav_counts = counts
    return counts


@register.simple_tag(takes_context=True)
def nav_count(context, which: str) -> str:
    request = context.get("request")
    if request is None:
        return ""
    count = nav_counts_for(request).get(which, 0)
    if not count:
        return ""
    one, many = WORDS[which]
    return format_html(
        ' <span class="nav-count">{}<span class="visually-hidden"> {}</span></span>',
        count,
        one if count == 1 else many,
    )
