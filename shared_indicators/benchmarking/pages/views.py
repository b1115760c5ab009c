"""Benchmarking pages on an organisation's host: its clubs, consent, membership (for the
club's administrators) and comparisons with a league table, quartile chart and trend.

The pages are mounted through the organisation door (`core.door.organisation_pages`), so
`request.organisation` is always the host's organisation here and the public host gets a 404.
Every page finds clubs through `club_get_for`, so a club the organisation is not a member of
is a 404 whether or not it exists. Comparisons come from `comparison_for`, which applies the
club's anonymisation, minimum and embargo before anything reaches a template.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.charts import (
    LineChart,
    QuartileStrip,
    Series,
    line_chart,
    plain_number,
    quartile_strip,
)
from goldenthread.platform.core.error_summary import ErrorItem
from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.platform.core.period_picker import period_picker
from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period
from goldenthread.tenants.models import Organisation

from .. import selectors, services
from ..errors import ComparisonUnavailable
from ..permissions import can_administer_clubs, can_manage_consent
from ..selectors.history import club_history_for, history_entries

DEFAULT_PERIODS = 8


def _club(request: HttpRequest, club_id: int):
    try:
        return selectors.club_get_for(organisation=request.organisation, club_id=club_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
def club_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    clubs = list(
        selectors.club_list_for(organisation=organisation).prefetch_related(
            "indicators__catalogue_indicator"
        )
    )
    return render(request, "benchmarking/club_list.html", {"clubs": clubs})


@login_required
def club_detail(request: HttpRequest, club_id: int) -> HttpResponse:
    organisation = request.organisation
    club = _club(request, club_id)
    indicators = list(club.indicators.select_related("catalogue_indicator"))
    consented = set(
        club.indicators.filter(
            consents__membership__organisation=organisation,
            consents__membership__left_at__isnull=True,
            consents__withdrawn_at__isnull=True,
        ).values_list("id", flat=True)
    )
    administers = club.administering_organisation_id == organisation.id
    members = selectors.club_members_visible_to(club=club, reader=organisation)
    return render(
        request,
        "benchmarking/club_detail.html",
        {
            "club": club,
            "indicators": [(i, i.id in consented) for i in indicators],
            "members": members,
            "administers": administers and can_administer_clubs(request.user),
            "can_consent": can_manage_consent(request.user),
            "can_leave": not administers and can_administer_clubs(request.user),
            "is_embargoed": club.is_embargoed(timezone.localdate()),
        },
    )


@login_required
@require_POST
def consent_change(request: HttpRequest, club_id: int) -> HttpResponse:
    organisation = request.organisation
    club = _club(request, club_id)
    code = request.POST.get("indicator_code", "")
    give = request.POST.get("action") == "give"
    service = services.consent_give if give else services.consent_withdraw
    try:
        service(actor=request.user, organisation=organisation, club=club, indicator_code=code)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (
                f"Consent given for {code}: your approved values will be shared with the club"
                + ("." if club.anonymised else ", under your organisation's name.")
            )
            if give
            else f"Consent withdrawn for {code}: your values have left the club's comparisons.",
        )
    return redirect("benchmarking:club", club_id=club.id)


@login_required
@require_POST
def membership_change(request: HttpRequest, club_id: int) -> HttpResponse:
    organisation = request.organisation
    club = _club(request, club_id)
    action = request.POST.get("action")
    slug = request.POST.get("organisation_slug", "").strip()
    try:
        member = (
            organisation
            if action == "leave"
            # The platform's own organisation is found like any other: the service refuses
            # it, with the message every interface gives.
            else Organisation.objects.filter(slug=slug).first()
        )
        if member is None:
            raise NotFound(f"No organisation has the slug '{slug}'.")
        if action == "add":
            services.club_member_add(
                actor=request.user, organisation=organisation, club=club, member=member
            )
            messages.success(request, f"{member.name} is now a member of {club.name}.")
        else:
            services.club_member_remove(
                actor=request.user, organisation=organisation, club=club, member=member
            )
            if action == "leave":
                messages.success(request, f"Your organisation has left {club.name}.")
                return redirect("benchmarking:clubs")
            messages.success(request, f"{member.name} is no longer a member of {club.name}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("benchmarking:club", club_id=club.id)


@login_required
@require_http_methods(["GET", "POST"])
def club_labelling(request: HttpRequest, club_id: int) -> HttpResponse:
    """Switch between naming the members and anonymising them (the club's administrators).

    GET shows what naming the members would do (which consents given under anonymity end)
    before the runner confirms; POST makes the change through `services.club_update_rules`,
    which applies the rule whatever the interface."""
    organisation = request.organisation
    club = _club(request, club_id)
    if club.administering_organisation_id != organisation.id or not can_administer_clubs(
        request.user
    ):
        raise DjangoPermissionDenied(
            "Only administrators of the organisation that runs this club may change it."
        )
    if request.method == "POST":
        name_members = request.POST.get("action") == "name"
        try:
            services.club_update_rules(
                actor=request.user,
                organisation=organisation,
                club=club,
                anonymised=not name_members,
                end_consents_given_under_anonymity=request.POST.get("confirm") == "yes",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("benchmarking:labelling", club_id=club.id)
        messages.success(
            request,
            f"{club.name} now names its members."
            if name_members
            else f"{club.name} now shows other members as “Authority A, B, …”.",
        )
        return redirect("benchmarking:club", club_id=club.id)
    return render(
        request,
        "benchmarking/club_labelling.html",
        {
            "club": club,
            "impact": selectors.naming_impact(club=club) if club.anonymised else None,
        },
    )


HISTORY_PAGE_SIZE = 50


@login_required
def club_history(request: HttpRequest, club_id: int) -> HttpResponse:
    """The club's history as this organisation may see it (see `history_selectors`)."""
    organisation = request.organisation
    club = _club(request, club_id)
    paginator = Paginator(club_history_for(club=club, organisation=organisation), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "benchmarking/club_history.html",
        {
            "club": club,
            "page": page,
            "entries": history_entries(page.object_list, club=club, organisation=organisation),
            "administers": club.administering_organisation_id == organisation.id,
        },
    )


def _default_range(period_type: str) -> tuple[str, str]:
    # The last complete period and the ones before it.
    latest = previous_period(period_containing(PeriodType(period_type), timezone.localdate()))
    start = latest
    for _ in range(DEFAULT_PERIODS - 1):
        start = previous_period(start)
    return start.code, latest.code


def _quartile_strip(result) -> QuartileStrip | None:
    """Every member's value in one shown period, with the quartile bands and the median."""
    if not result.shown or not result.entries:
        return None
    median = result.summary.median
    you = (
        f" Your value, {result.you.value}, is in quartile {result.you.quartile or '–'}."
        if result.you
        else ""
    )
    return quartile_strip(
        dom_id="quartile-svg",
        title=f"Members’ values by quartile, {result.period.code}",
        description=(
            f"Values from {result.summary.minimum} to {result.summary.maximum}; the median is "
            f"{median}.{you} The same figures are in the table below."
        ),
        entries=[(e.value, e.quartile, e.is_you, e.label) for e in result.entries],
        median=median,
        median_label=f"Median {median}",
    )


def _trend_chart(series_you, *, decimal_places: int) -> LineChart | None:
    """The reader's values against the club median over the shown periods."""
    if series_you is None or not series_you.points:
        return None
    points = series_you.points
    return line_chart(
        dom_id="trend-svg",
        title="Your value and the club median by period",
        description=(
            f"From {points[0].period.code} to {points[-1].period.code}; "
            "the figures are in the table below."
        ),
        periods=[p.period.code for p in points],
        series=[
            Series(name="Your value", values=[p.value for p in points], shape="diamond"),
            Series(
                name="Club median",
                values=[p.club_median for p in points],
                css_class="chart-median",
            ),
        ],
        number=plain_number(decimal_places),
    )


@login_required
def comparison(request: HttpRequest, club_id: int, code: str) -> HttpResponse:
    organisation = request.organisation
    club = _club(request, club_id)
    try:
        club_indicator = selectors.club_indicator_get(club=club, code=code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    default_first, default_last = _default_range(club_indicator.comparison_period_type)
    first = request.GET.get("first", "").strip() or default_first
    last = request.GET.get("last", "").strip() or default_last
    group = request.GET.get("group", "").strip()
    error, view = "", None
    try:
        periods = selectors.period_range(first, last)
        view = selectors.comparison_for(
            reader=organisation,
            reader_user=request.user,
            interface="page",
            club=club,
            indicator_code=code,
            periods=periods,
            today=timezone.localdate(),
            group_key=group,
        )
    except ComparisonUnavailable as exc:
        error = exc.message
    latest = None
    series_you = None
    if view is not None and view.comparison is not None:
        shown = [result for result in view.comparison.periods if result.shown]
        latest = shown[-1] if shown else None
        series_you = next((s for s in view.comparison.series if s.is_you), None)
    members, _ = selectors.member_infos(club=club)
    viewer = members.get(organisation.id)
    groups = (
        selectors.group_choices(
            club=club,
            viewer=viewer,
            members=members,
            neighbour_ids=selectors.neighbour_ids_of(organisation=organisation),
            custom=list(club.comparator_groups.all()),
        )
        if viewer
        else []
    )
    group_latest = None
    if view is not None and view.comparison is not None and view.comparison.group is not None:
        shown_group = [r for r in view.comparison.group.periods if r.shown]
        group_latest = shown_group[-1] if shown_group else None
    return render(
        request,
        "benchmarking/comparison.html",
        {
            "club": club,
            "indicator": club_indicator.catalogue_indicator,
            "club_indicator": club_indicator,
            "view": view,
            "error": error,
            # Shown in the one error summary, which takes focus so the reason is read first.
            "error_items": [ErrorItem("", "", error)] if error else [],
            "first": first,
            "last": last,
            # Both ends chosen from the shared period list (no code to type).
            "first_picker": period_picker(
                type=club_indicator.comparison_period_type,
                selected=first,
                name="first",
                label="First period",
                field_id="first",
                include_current=False,
            ),
            "last_picker": period_picker(
                type=club_indicator.comparison_period_type,
                selected=last,
                name="last",
                label="Last period",
                field_id="last",
                include_current=False,
            ),
            "group": group,
            "groups": groups,
            "latest": latest,
            "quartile_strip": _quartile_strip(latest) if latest else None,
            "series_you": series_you,
            "trend_chart": _trend_chart(
                series_you, decimal_places=club_indicator.catalogue_indicator.decimal_places
            ),
            "group_latest": group_latest,
            "periods_hidden": [
                r
                for r in (view.comparison.periods if view and view.comparison else [])
                if not r.shown
            ],
        },
    )
