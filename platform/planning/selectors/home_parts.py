"""What Home shows, module by module.

Home is every organisation's (`licensing.ALWAYS`), but most of what it lists belongs to a
licensed module: actions, risks and the strategy to planning, PIs, values and approvals to
performance. Each part of the page declares the route it leads to, and shows only when the
organisation holds that route's module: the route's own declaration, read the way the
navigation reads it (`licensing.request_may_see_url_name`), so nothing here names a module
and Home never offers a link that answers 404. A part not shown is not queried either
(`selectors.home.my_items(parts=...)`). The REST "my items" (`rest/reports.py`) asks the
same, so the API lists no more than the page.
"""

from __future__ import annotations

from django.http import HttpRequest

from goldenthread.platform.core.licensing import request_may_see_url_name

# part -> the route it leads to (a list page of the part's module: no arguments to reverse).
PART_ROUTES = {
    "strategy": "planning:strategy",  # the golden thread; the plans and strategy I own
    "exceptions": "planning:exceptions",
    "actions": "planning:actions",  # my actions, my team's, those I lead as councillor
    "risks": "planning:registers",  # risks I own, reviews overdue
    "scorecard": "planning:scorecard",  # a councillor's home
    "indicators": "indicators:list",  # PIs I own or provide for; PIs on the scorecard
    "values": "indicators:owe",  # values sent back, late, due soon, drafts
    "approvals": "indicators:approvals",  # values waiting for me to approve
}
EVERY_PART = frozenset(PART_ROUTES)


def home_parts(request: HttpRequest) -> frozenset[str]:
    """The parts of Home the request's organisation holds the modules of."""
    return frozenset(
        part
        for part, url_name in PART_ROUTES.items()
        if request_may_see_url_name(request, url_name)
    )
