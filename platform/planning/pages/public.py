"""The public performance pages and open data, on each organisation's host, without sign-in.

Security-relevant. Everything shown comes from `selectors.public` (approved, published,
post-embargo, not paused) and nothing else. Pages are rendered WITHOUT the request (no user,
no session, no CSRF token, no messages), so the bytes are the same for every visitor and can
be cached and served to anyone: a signed-in officer opening them sees exactly what the public
sees. The URLconf mounts these views through `organisation_pages` (the public host gets 404)
and they carry no `login_required` (sign-in is asked per view on this platform, so no other
page becomes anonymous); `login_exempt` marks them for the tests that walk the URLconf.

Caching: each response is kept in the Django cache (Redis) under the organisation's schema
(django-tenants' `make_key`) and the current generation (`indicators.services.public_cache`),
for at most `CACHE_SECONDS` and never past the next embargo or pre-election end.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from goldenthread.platform.core.charts import Series, line_chart
from goldenthread.platform.indicators.services.public_cache import public_cache_generation
from goldenthread.platform.indicators.templatetags.indicators import pi_number

from ..selectors.public import (
    LICENCE_NAME,
    LICENCE_URL,
    PublicIndicator,
    PublicSite,
    public_action,
    public_indicator,
    public_site,
)

CACHE_SECONDS = 300  # in our cache; invalidation makes changes show at once
SHARED_MAX_AGE = 60  # what browsers and shared caches may keep (they cannot be invalidated)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Cached:
    content: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]
    timeout: int


def _timeout(site: PublicSite) -> int:
    if site.next_change_at is None:
        return CACHE_SECONDS
    seconds = int((site.next_change_at - timezone.now()).total_seconds())
    return max(1, min(CACHE_SECONDS, seconds))


def _respond(cached: Cached) -> HttpResponse:
    response = HttpResponse(cached.content, content_type=cached.content_type)
    for name, value in cached.headers:
        response[name] = value
    response["Cache-Control"] = f"public, max-age={min(SHARED_MAX_AGE, cached.timeout)}"
    return response


def cached_public(build):
    """Serve `build(request, **kwargs) -> Cached` from the cache when the same URL was built
    under the current generation; build and keep it otherwise."""

    @require_safe
    def view(request: HttpRequest, **kwargs) -> HttpResponse:
        # The path only: the pages take no query, and a visitor must not be able to fill the
        # cache with copies under made-up query strings.
        key = f"public-pages:{public_cache_generation()}:{request.path}"
        hit = cache.get(key)
        if hit is None:
            hit = build(request, **kwargs)
            cache.set(key, hit, timeout=hit.timeout)
        return _respond(hit)

    view.login_exempt = True
    view.__name__ = build.__name__
    view.__doc__ = build.__doc__
    return view


def _page(request: HttpRequest, template: str, site: PublicSite, **context) -> Cached:
    html = render_to_string(
        template,
        {
            "organisation": request.organisation,
            "site": site,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            **context,
        },
    )
    return Cached(html.encode(), "text/html; charset=utf-8", (), _timeout(site))


@cached_public
def public_home(request: HttpRequest) -> Cached:
    """The published measures by service area with their latest status, and published actions."""
    site = public_site()
    return _page(request, "planning/public/home.html", site)


@cached_public
def public_measure(request: HttpRequest, pk: int) -> Cached:
    """One published measure: its values over time, chart and table, commentary."""
    site, pi = public_indicator(pk=pk)
    return _page(request, "planning/public/measure.html", site, pi=pi, chart=_chart(pi))


@cached_public
def public_action_page(request: HttpRequest, pk: int) -> Cached:
    """One published action: what it is, its progress, state and dates."""
    site, action = public_action(pk=pk)
    return _page(request, "planning/public/action.html", site, action=action)


@cached_public
def public_data(request: HttpRequest) -> Cached:
    """About the open data: what the downloads hold and their licence."""
    return _page(request, "planning/public/data.html", public_site())


def _chart(pi: PublicIndicator):
    values = pi.values[-12:]
    if not values:
        return None
    return line_chart(
        dom_id="chart",
        css_class="pi-chart",
        title=f"{pi.code}: published values over time",
        description=(
            f"Published values of {pi.code} for {len(values)} periods from "
            f"{values[0].period_label} to {values[-1].period_label}. The latest is "
            f"{values[-1].value_text}: {values[-1].status_words}. The same numbers are in the "
            "table below."
        ),
        periods=[v.period_code for v in values],
        series=[
            Series(name="Value", values=[v.value for v in values]),
            Series(
                name="Target",
                values=[v.target for v in values],
                css_class="chart-target",
                shape="",
                steps=True,
            ),
        ],
        number=lambda number: pi_number(number, pi.indicator),
    )


# --- open data ----------------------------------------------------------------------------

COLUMNS = (
    "measure_code",
    "measure_title",
    "service_area",
    "unit",
    "period",
    "period_start",
    "value",
    "target",
    "status",
    "revised",
    "approved_at",
    "commentary",
)


def _plain(number, places: int) -> str | None:
    """A number as the PI publishes it (its decimal places), without unit or grouping."""
    if number is None:
        return None
    return format(number.quantize(Decimal(1).scaleb(-places)), "f")


def _rows(site: PublicSite):
    for pi in site.indicators:
        for v in pi.values:
            yield {
                "measure_code": pi.code,
                "measure_title": pi.title,
                "service_area": pi.service_area,
                "unit": pi.unit,
                "period": v.period_label,
                "period_start": v.period_start.isoformat(),
                "value": _plain(v.value, pi.decimal_places),
                "target": _plain(v.target, pi.decimal_places),
                "status": v.status_words,
                "revised": v.revised,
                "approved_at": v.approved_at.isoformat(),
                "commentary": v.commentary,
            }


def disarm(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if _is_number(value) else disarm(str(value))


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and value.lstrip("-").replace(".", "", 1).isdigit()


def _download_headers(site: PublicSite, suffix: str, slug: str) -> tuple[tuple[str, str], ...]:
    stamp = site.as_at.strftime("%Y%m%dT%H%MZ")
    return (
        (
            "Content-Disposition",
            f'attachment; filename="{slug}-performance-{stamp}-OGL-v3.{suffix}"',
        ),
        ("Link", f'<{LICENCE_URL}>; rel="license"'),
        ("X-Licence", LICENCE_NAME),
        ("X-Data-As-At", _stamp(site.as_at)),
    )


def _stamp(when: datetime) -> str:
    return timezone.localtime(when).isoformat(timespec="seconds")


@cached_public
def public_csv(request: HttpRequest) -> Cached:
    """Every published value as CSV (licence: Open Government Licence v3.0)."""
    site = public_site()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in _rows(site):
        writer.writerow([_csv_cell(row[c]) for c in COLUMNS])
    return Cached(
        out.getvalue().encode("utf-8-sig"),
        "text/csv; charset=utf-8",
        _download_headers(site, "csv", request.organisation.slug),
        _timeout(site),
    )


@cached_public
def public_json(request: HttpRequest) -> Cached:
    """Every published value as JSON, with its licence and as-at time."""
    site = public_site()
    body = {
        "organisation": request.organisation.name,
        "as_at": _stamp(site.as_at),
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "publication_paused": site.paused is not None,
        "values": list(_rows(site)),
        "actions": [
            {
                "code": a.code,
                "title": a.title,
                "progress_percent": a.progress,
                "state": a.state_words,
                "due_date": a.due_date.isoformat(),
            }
            for a in site.actions
        ],
    }
    return Cached(
        json.dumps(body, indent=2).encode(),
        "application/json",
        _download_headers(site, "json", request.organisation.slug),
        _timeout(site),
    )
