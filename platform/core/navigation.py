"""The site's main navigation, decided in one place.

Each link is offered only when the page behind it would let the person in: every entry asks
the same permission function its view asks (each app's `permissions.py`), never a copy of the
rule. So a councillor is not offered Approvals, What I owe or Search, and a link that appears
never ends on "You cannot see this page" (`tests/platform/core/test_navigation.py` follows
every link for every role).

The base layout draws the list (`nav_items`, from the `navigation` context processor); each
entry has a stable `key` for anything that adds to a link (counts of things waiting, through
`includes/nav_count.html`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest
from django.urls import reverse

from goldenthread.partnerships import permissions as partnership_rules
from goldenthread.platform.accounts import permissions as account_rules
from goldenthread.platform.core.licensing import request_may_see_url_name
from goldenthread.platform.indicators import permissions as indicator_rules
from goldenthread.platform.notifications import permissions as notification_rules
from goldenthread.platform.planning import permissions as planning_rules
from goldenthread.platform.reporting import permissions as reporting_rules
from goldenthread.shared_indicators import permissions as catalogue_rules
from goldenthread.shared_indicators.benchmarking import permissions as benchmarking_rules
from goldenthread.tenants.helpdesk.permissions import is_platform_staff


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class _Entry:
    key: str
    label: str
    url_name: str
    allowed: Callable[[HttpRequest], bool]
    # Whether the request is on this entry's pages (for aria-current="page").
    here: Callable[[HttpRequest], bool]
    on_organisation_host: bool | None = True  # None: on every host


def _user(request: HttpRequest):
    return request.user


def _view(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _under(prefix: str) -> Callable[[HttpRequest], bool]:
    return lambda request: request.path.startswith(prefix)


def _views(*names: str) -> Callable[[HttpRequest], bool]:
    return lambda request: _view(request) in names


# Indicator pages that have their own entry; the rest of /indicators/ is "Indicators".
_OWN_INDICATOR_ENTRIES = ("indicators:owe", "indicators:approvals", "indicators:report")


def _indicator_pages(request: HttpRequest) -> bool:
    return request.path.startswith("/indicators/") and _view(request) not in _OWN_INDICATOR_ENTRIES


ENTRIES: tuple[_Entry, ...] = (
    _Entry(
        "home", "Home", "home", lambda r: True, lambda r: r.path == "/", on_organisation_host=None
    ),
    _Entry(
        "strategy",
        "Strategy",
        "planning:strategy",
        lambda r: planning_rules.can_view_reports(_user(r)),
        _under("/planning/strategy/"),
    ),
    _Entry(
        "actions",
        "Actions",
        "planning:actions",
        lambda r: planning_rules.can_view_reports(_user(r)),
        lambda r: r.path.startswith(("/planning/actions/", "/planning/plans/")),
    ),
    _Entry(
        "risks",
        "Risks",
        "planning:registers",
        lambda r: planning_rules.can_view_reports(_user(r)),
        _under("/planning/risks/"),
    ),
    _Entry(
        "exceptions",
        "Exceptions",
        "planning:exceptions",
        lambda r: planning_rules.can_view_reports(_user(r)),
        _views("planning:exceptions"),
    ),
    _Entry(
        "search",
        "Search",
        "planning:search",
        lambda r: planning_rules.can_view_records(_user(r)),
        _views("planning:search"),
    ),
    _Entry(
        "indicators",
        "Indicators",
        "indicators:list",
        lambda r: indicator_rules.can_read(_user(r)),
        _indicator_pages,
    ),
    _Entry(
        "owe",
        "What I owe",
        "indicators:owe",
        lambda r: indicator_rules.can_enter_any_values(_user(r)),
        _views("indicators:owe"),
    ),
    _Entry(
        "approvals",
        "Approvals",
        "indicators:approvals",
        lambda r: indicator_rules.may_see_approvals(_user(r)),
        _views("indicators:approvals"),
    ),
    _Entry(
        "notifications",
        "Notifications",
        "notifications:list",
        lambda r: notification_rules.can_have_notifications(_user(r)),
        _under("/notifications/"),
    ),
    _Entry(
        "report",
        "Report",
        "indicators:report",
        lambda r: indicator_rules.can_read(_user(r)),
        _views("indicators:report"),
    ),
    _Entry(
        "reports",
        "Reports",
        "reporting:list",
        lambda r: reporting_rules.can_read_reports(_user(r)),
        _under("/reports/"),
    ),
    _Entry(
        "users",
        "Users",
        "users:list",
        lambda r: account_rules.can_administer_users(_user(r)),
        _under("/users/"),
    ),
    _Entry(
        "partnerships",
        "Partnerships",
        "partnerships:list",
        lambda r: partnership_rules.is_active_user(_user(r)),
        _under("/partnerships/"),
    ),
    _Entry(
        "benchmarking",
        "Benchmarking",
        "benchmarking:clubs",
        lambda r: benchmarking_rules.is_active_user(_user(r)),
        _under("/benchmarking/"),
    ),
    _Entry(
        "catalogue",
        "National catalogue",
        "catalogue:list",
        lambda r: catalogue_rules.can_read_catalogue(_user(r), schema_name=connection.schema_name),
        _under("/catalogue/"),
        on_organisation_host=None,
    ),
    _Entry(
        "helpdesk",
        "Helpdesk",
        "helpdesk:organisations",
        is_platform_staff,
        _under("/helpdesk/"),
        on_organisation_host=False,
    ),
    _Entry("api", "API", "api-docs", lambda r: True, _under("/api/docs/"), None),
    _Entry(
        "account",
        "Your account",
        "accounts:me",
        lambda r: True,
        lambda r: r.path == "/accounts/me/",
        on_organisation_host=None,
    ),
)


def main_navigation(request: HttpRequest, *, on_organisation_host: bool) -> list[NavItem]:
    """The links `request.user` may follow on this host, in menu order (none when signed out)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for entry in ENTRIES:
        if entry.on_organisation_host not in (None, on_organisation_host):
            continue
        if not entry.allowed(request):
            continue
        # What the organisation did not buy is not offered: the route's own module
        # declaration decides, as it does for the page (`core.licensing`).
        if on_organisation_host and not request_may_see_url_name(request, entry.url_name):
            continue
        items.append(NavItem(entry.key, entry.label, reverse(entry.url_name), entry.here(request)))
    return items
