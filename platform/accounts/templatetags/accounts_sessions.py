"""`{% session_timeout_script %}`: the idle warning's script tag, configured by data-
attributes (no inline script), on organisation hosts for people signed in by session.
`{% sign_in_history person caption %}`: a person's recent sign-ins in words (the account page
and the administrator's user page; who may read them is the page's check)."""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from ..selectors.sessions import session_status
from ..selectors.sessions import sign_in_history as sign_in_history_of

register = template.Library()


@register.simple_tag(takes_context=True)
def session_timeout_script(context) -> str:
    request = context.get("request")
    if request is None or getattr(request, "session_idle_seconds", None) is None:
        return ""  # no idle timeout here (public host), or not signed in by session
    status = session_status(request=request)
    return format_html(
        '<script src="{}" defer data-seconds-left="{}" data-warning-seconds="{}" '
        'data-status-url="{}" data-keep-alive-url="{}" data-sign-in-url="{}" '
        'data-csrf-token="{}"></script>',
        static("accounts/session-timeout.js"),
        status["seconds_left"],
        status["warning_seconds"],
        reverse("accounts:session-status"),
        reverse("accounts:session-keep-alive"),
        reverse("accounts:sign-in"),
        get_token(request),
    )


@register.inclusion_tag("accounts/includes/sign_in_history.html")
def sign_in_history(person, caption: str) -> dict:
    return {"sign_ins": sign_in_history_of(user=person), "caption": caption}
