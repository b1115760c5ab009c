"""Partnership pages on each member organisation's host (`/partnerships/`).

The host's organisation is the principal: a partnership it is not a member of does not exist
here (404), and figures come from `dashboard.partnership_dashboard`, which reads only what the
agreements let this organisation see and logs every read of another organisation's data.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from goldenthread.platform.core.charts import LineChart, Series, line_chart
from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.platform.core.pages import show_domain_error
from goldenthread.platform.core.period_picker import period_picker, query_of
from goldenthread.platform.core.periods import PeriodError, PeriodType, parse_period

from .. import services
from ..domain.choices import LawfulBasis, SharedField, VersionStatus
from ..models import AgreementVersion
from ..permissions import (
    can_manage_membership,
    can_manage_partnership,
    can_read_access_log,
    is_signatory,
    membership_of,
)
from ..selectors import (
    agreement_history,
    agreement_version_get,
    agreement_versions_visible_to,
    invitations_for,
    partnership_get_for,
    partnerships_visible_to,
    reads_of_organisation,
)
from ..selectors.dashboard import partnership_dashboard
from ..selectors.dashboard_breakdowns import breakdown_tables, grants_breakdowns
from ..selectors.submissions import missing_submissions, shared_targets_for
from ..templatetags.partnership_tags import figure


def _version(request: HttpRequest, version_id: int) -> AgreementVersion:
    try:
        return agreement_version_get(organisation=request.organisation, version_id=version_id)
    except NotFound:
        raise Http404("There is no such agreement.") from None


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    partnerships = list(partnerships_visible_to(organisation=organisation))
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "partnerships": partnerships,
            "can_read_log": can_read_access_log(request.user),
            "invitations": list(invitations_for(organisation=organisation)),
            "can_form": can_manage_membership(request.user),
        },
    )


def _as_of(request: HttpRequest) -> tuple[date | None, str]:
    raw = request.GET.get("period", "").strip()
    if not raw:
        return None, ""
    try:
        return parse_period(raw).end, raw
    except PeriodError as error:
        raise DomainError(str(error)) from None


def _period_picker(request: HttpRequest, period: str, *, label: str):
    """Quarters to show, from the shared picker: recent ones a click away, blank = latest."""
    return period_picker(
        type=PeriodType.QUARTER,
        selected=period,
        label=label,
        hint="The latest period with figures is shown when none is chosen.",
        field_id="period",
        query=query_of(request),
        path=request.path,
        blank="The latest",
    )


def _figures_chart(item) -> LineChart | None:
    """The partnership figure against the partnership target, period by period (the table
    under it on the dashboard gives the same numbers)."""
    indicator = item.indicator
    periods = [f.period.code for f in item.figures]
    return line_chart(
        dom_id=f"chart-{indicator.pk}",
        title=f"{indicator.code} {indicator.title}",
        description=(
            f"Partnership figure and target by period, {periods[0]} to {periods[-1]}. "
            "The table below gives the numbers."
            if periods
            else ""
        ),
        periods=periods,
        series=[
            Series(name="Partnership figure", values=[f.value for f in item.figures]),
            Series(
                name="Target",
                values=[f.target for f in item.figures],
                css_class="chart-target",
                shape="square",
                steps=True,
            ),
        ],
        number=lambda number: figure(number, indicator.decimal_places),
    )


@login_required
def partnership_dashboard_page(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    organisation = request.organisation
    try:
        as_of, period = _as_of(request)
    except DomainError as error:
        messages.error(request, error.message)
        as_of, period = None, ""
    dashboard = partnership_dashboard(
        partnership=partnership,
        reader=organisation,
        reader_user=request.user,
        interface="page",
        as_of=as_of,
    )
    panels = []
    shows_breakdowns = grants_breakdowns(dashboard)
    for item in dashboard.indicators:
        latest = item.latest
        panels.append(
            {
                "item": item,
                "latest": latest,
                "breakdowns": breakdown_tables(item) if shows_breakdowns else None,
                "chart": _figures_chart(item),
            }
        )
    can_manage = can_manage_partnership(partnership, organisation, request.user)
    latest_period = next(
        (p["latest"].period.code for p in panels if p["latest"] is not None), period
    )
    gaps = (
        missing_submissions(partnership=partnership, period_code=latest_period)
        if can_manage and latest_period
        else []
    )
    return render(
        request,
        "partnerships/dashboard.html",
        {
            "partnership": partnership,
            "dashboard": dashboard,
            "panels": panels,
            "period": period,
            "picker": _period_picker(request, period, label="Show periods up to"),
            "can_manage": can_manage,
            "shows_breakdowns": shows_breakdowns,
            "gaps": gaps,
            "gap_period": latest_period,
            "members": dashboard.members,
            "agreements": agreement_versions_visible_to(
                organisation=organisation, partnership=partnership
            ),
        },
    )


@login_required
def partnership_report(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """The printable quarterly report: the council report's columns plus each member's
    contribution."""
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    period = request.GET.get("period", "").strip()
    try:
        report_period = parse_period(period) if period else None
    except PeriodError as error:
        messages.error(request, str(error))
        report_period = None
    dashboard = partnership_dashboard(
        partnership=partnership,
        reader=request.organisation,
        reader_user=request.user,
        interface="page",
        periods=1,
        as_of=report_period.end if report_period else None,
    )
    rows = [item.latest for item in dashboard.indicators if item.latest is not None]
    return render(
        request,
        "partnerships/report.html",
        {
            "partnership": partnership,
            "dashboard": dashboard,
            "rows": rows,
            "period": rows[0].period if rows else report_period,
            "picker": _period_picker(request, period, label="Report for the quarter"),
        },
    )


@login_required
@require_POST
def reminders_send(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    try:
        created = services.reminders_request(
            partnership=partnership,
            organisation=request.organisation,
            actor=request.user,
            period_code=request.POST.get("period_code", ""),
        )
    except DomainError as error:
        if error.status_code == 403:
            raise DjangoPermissionDenied(error.message) from None
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, f"{len(created)} reminder(s) queued to be e-mailed.")
        else:
            messages.info(request, "Everyone missing has already been reminded once.")
    return redirect("partnerships:dashboard", partnership_id=partnership.pk)


@login_required
def contributions(request: HttpRequest) -> HttpResponse:
    """The shared targets this organisation contributes to, with its own PI for each and
    what it has published."""
    targets = shared_targets_for(organisation=request.organisation)
    rows = []
    for target in targets:
        entry_url = None
        if request.organisation.is_light_partner:
            # A light partner reports here, in one step (services.light_partners).
            entry_url = reverse("partnerships:contribution-submit", args=[target.indicator.pk])
        elif target.local_indicator is not None:
            entry_url = _entry_url(target.local_indicator.pk)
        rows.append({"target": target, "entry_url": entry_url})
    return render(
        request,
        "partnerships/contributions.html",
        {"rows": rows, "light": request.organisation.is_light_partner},
    )


def _entry_url(indicator_id: int) -> str:
    """The normal data-entry page for a PI, where the pages exist, else its API resource."""
    for name in ("indicators:detail", "indicators:indicator-detail", "indicators:values"):
        try:
            return reverse(name, kwargs={"pk": indicator_id})
        except NoReverseMatch:
            continue
    return reverse("indicators-api:indicator-values", kwargs={"pk": indicator_id})


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not can_read_access_log(request.user):
        raise DjangoPermissionDenied(
            "Only administrators, performance officers, partner liaison officers and auditors "
            "may read this log."
        )
    paginator = Paginator(reads_of_organisation(organisation=request.organisation), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "partnerships/access_log.html", {"page": page, "reads": page})


@login_required
def agreement_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    organisation = request.organisation
    partnership = version.agreement.partnership
    membership = membership_of(partnership, organisation)
    party_ids = {party.pk for party in version.parties.all()}
    accepted = {a.organisation_id: a for a in version.acceptances.all()}
    is_party = organisation.pk in party_ids
    signer = is_party and is_signatory(membership, request.user)
    manager = can_manage_partnership(partnership, organisation, request.user)
    return render(
        request,
        "partnerships/agreement_detail.html",
        {
            "version": version,
            "partnership": partnership,
            "parties": [(party, accepted.get(party.pk)) for party in version.parties.all()],
            "history": agreement_history(agreement=version.agreement, organisation=organisation),
            "field_labels": [dict(SharedField.choices)[f] for f in version.fields],
            "lawful_basis": dict(LawfulBasis.choices).get(version.lawful_basis),
            "can_accept": signer
            and version.status == VersionStatus.AWAITING_ACCEPTANCE
            and organisation.pk not in accepted,
            "can_send": manager and version.status == VersionStatus.DRAFT,
            "can_edit": manager and version.status == VersionStatus.DRAFT,
            "can_end": (signer or manager)
            and version.status
            in (VersionStatus.ACTIVE, VersionStatus.SUSPENDED, VersionStatus.AWAITING_ACCEPTANCE),
            "can_suspend": (signer or manager) and version.status == VersionStatus.ACTIVE,
            "can_resume": (signer or manager) and version.status == VersionStatus.SUSPENDED,
            "can_amend": manager
            and version.status in (VersionStatus.ACTIVE, VersionStatus.SUSPENDED),
        },
    )


ACTIONS = {
    "accept": lambda version, org, user, reason: services.agreement_accept(
        version=version, organisation=org, actor=user
    ),
    "send": lambda version, org, user, reason: services.agreement_send_for_acceptance(
        version=version, organisation=org, actor=user
    ),
    "revoke": lambda version, org, user, reason: services.agreement_revoke(
        version=version, organisation=org, actor=user, reason=reason
    ),
    "suspend": lambda version, org, user, reason: services.agreement_suspend(
        version=version, organisation=org, actor=user, reason=reason
    ),
    "resume": lambda version, org, user, reason: services.agreement_resume(
        version=version, organisation=org, actor=user
    ),
}
DONE = {
    "accept": "You accepted the agreement for your organisation.",
    "send": "The agreement was sent to every party for acceptance.",
    "revoke": "The agreement was revoked; what it shared is no longer visible.",
    "suspend": "The agreement was suspended; what it shared is hidden until it resumes.",
    "resume": "The agreement was resumed.",
}


@login_required
@require_POST
def agreement_action(request: HttpRequest, version_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action.")
    version = _version(request, version_id)
    try:
        ACTIONS[action](version, request.organisation, request.user, request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, DONE[action])
    return redirect("partnerships:agreement", version_id=version.pk)


class AmendForm(forms.Form):
    indicator_codes = forms.CharField(
        label="Indicator codes covered",
        help_text="One code per line: catalogue codes or the partnership's own codes.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    shared_fields = forms.MultipleChoiceField(
        label="What may be shared",
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    lawful_basis = forms.ChoiceField(choices=LawfulBasis.choices)
    retention_months = forms.IntegerField(
        label="Retention period (months)", min_value=1, max_value=1200
    )
    delete_on_end = forms.BooleanField(
        label="Delete what was shared when the agreement ends", required=False
    )
    starts_on = forms.DateField(label="Start date", help_text="For example 2025-04-01.")
    ends_on = forms.DateField(label="End date", required=False, help_text="Leave blank if open.")


@login_required
def agreement_amend(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    organisation = request.organisation
    if not can_manage_partnership(version.agreement.partnership, organisation, request.user):
        raise DjangoPermissionDenied("Only the lead organisation's managers may amend.")
    initial = {
        "indicator_codes": "\n".join(version.indicator_codes),
        "shared_fields": version.fields,
        "purpose": version.purpose,
        "lawful_basis": version.lawful_basis,
        "retention_months": version.retention_months,
        "delete_on_end": version.delete_on_end,
        "starts_on": version.starts_on,
        "ends_on": version.ends_on,
    }
    form = AmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["indicator_codes"] = data["indicator_codes"].split()
        data["fields"] = data.pop("shared_fields")
        try:
            amended = services.agreement_amend(
                agreement=version.agreement, organisation=organisation, actor=request.user, **data
            )
        except DomainError as error:
            show_domain_error(form, error, {"fields": "shared_fields"})
        else:
            messages.success(
                request,
                f"Version {amended.number} drafted. Send it for acceptance when it is ready; "
                f"version {version.number} stays in force until every party accepts.",
            )
            return redirect("partnerships:agreement", version_id=amended.pk)
    return render(request, "partnerships/agreement_amend.html", {"version": version, "form": form})
