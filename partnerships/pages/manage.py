"""Pages the lead organisation's managers use to run a partnership: draft agreements (and
change drafts), define shared indicators, set partnership and cascaded targets.

Members see the same pages read-only; non-members get 404 and everyone else who may not
change anything gets 403 on a POST. Sending a draft for acceptance, accepting, suspending and
revoking stay on the agreement page (`views.agreement_action`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.tenants.models import Organisation

from .. import services
from ..domain.choices import VersionStatus
from ..permissions import can_manage_partnership, contributes
from ..selectors import (
    agreement_version_get,
    member_list,
    partnership_get_for,
    shared_indicator_get_for,
    shared_indicator_list,
)
from .common import partnership_page, reraise_refusal
from .forms import AGREEMENT_FIELD_MAP, AgreementForm, CascadedTargetForm, IndicatorForm, TargetForm

LEAD_MANAGERS_ONLY = (
    "Only the lead organisation's administrators, performance officers and partner liaison "
    "officers may do this."
)


def _members_queryset(partnership, *, contributing_only: bool = False):
    members = member_list(partnership=partnership)
    if contributing_only:
        members = [m for m in members if contributes(m)]
    return Organisation.objects.filter(pk__in=[m.organisation_id for m in members]).order_by("name")


def _agreement_form(request, partnership, **kwargs) -> AgreementForm:
    return AgreementForm(
        request.POST or None,
        partnership=partnership,
        members=_members_queryset(partnership),
        indicators=shared_indicator_list(partnership=partnership),
        **kwargs,
    )


@partnership_page
def agreement_new(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Draft a new agreement (its version 1); it is sent for acceptance from its own page."""
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    refuse_unless(
        can_manage_partnership(partnership, request.organisation, request.user), LEAD_MANAGERS_ONLY
    )
    form = _agreement_form(request, partnership)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.agreement_create(
                partnership=partnership,
                organisation=request.organisation,
                actor=request.user,
                **form.terms(),
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error, AGREEMENT_FIELD_MAP)
        else:
            messages.success(
                request,
                f"{version.label} was drafted. Check it, then send it to every party for "
                "acceptance.",
            )
            return redirect("partnerships:agreement", version_id=version.pk)
    return render(
        request,
        "partnerships/agreement_form.html",
        {"partnership": partnership, "form": form, "version": None},
    )


@partnership_page
def agreement_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    """Change a draft's parties and terms; once sent, terms change only by amendment."""
    version = agreement_version_get(organisation=request.organisation, version_id=version_id)
    partnership = version.agreement.partnership
    refuse_unless(
        can_manage_partnership(partnership, request.organisation, request.user), LEAD_MANAGERS_ONLY
    )
    if version.status != VersionStatus.DRAFT:
        messages.error(
            request,
            f"{version.label} is {version.get_status_display().lower()}: its terms are fixed. "
            "Amend the agreement to change them.",
        )
        return redirect("partnerships:agreement", version_id=version.pk)
    own_codes = {i.code for i in shared_indicator_list(partnership=partnership)}
    initial = {
        "parties": list(version.parties.all()),
        "partnership_codes": [c for c in version.indicator_codes if c in own_codes],
        "catalogue_codes": [c for c in version.indicator_codes if c not in own_codes],
        "shared_fields": version.fields,
        "purpose": version.purpose,
        "lawful_basis": version.lawful_basis,
        "retention_months": version.retention_months,
        "delete_on_end": version.delete_on_end,
        "starts_on": version.starts_on,
        "ends_on": version.ends_on,
    }
    form = _agreement_form(request, partnership, initial=initial, with_title=False)
    if request.method == "POST" and form.is_valid():
        terms = form.terms()
        parties = terms.pop("parties")
        try:
            services.agreement_version_update(
                version=version,
                organisation=request.organisation,
                actor=request.user,
                parties=parties,
                **terms,
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error, AGREEMENT_FIELD_MAP)
        else:
            messages.success(request, f"The draft of {version.label} was saved.")
            return redirect("partnerships:agreement", version_id=version.pk)
    return render(
        request,
        "partnerships/agreement_form.html",
        {"partnership": partnership, "form": form, "version": version},
    )


@partnership_page
def indicators(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """The shared indicators, and (for the lead's managers) the form to add one."""
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    can_manage = can_manage_partnership(partnership, request.organisation, request.user)
    if request.method == "POST":
        refuse_unless(can_manage, LEAD_MANAGERS_ONLY)
    form = IndicatorForm(request.POST or None) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            indicator = services.partnership_indicator_create(
                partnership=partnership,
                organisation=request.organisation,
                actor=request.user,
                **data,
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error)
        else:
            messages.success(request, f"{indicator.code} {indicator.title} is now shared.")
            return redirect("partnerships:indicators", partnership_id=partnership.pk)
    return render(
        request,
        "partnerships/indicators.html",
        {
            "partnership": partnership,
            "indicators": shared_indicator_list(partnership=partnership),
            "form": form,
            "can_manage": can_manage,
        },
    )


@partnership_page
def indicator_targets(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """A shared indicator's partnership targets per period and members' cascaded shares."""
    indicator = shared_indicator_get_for(reader=request.organisation, indicator_id=indicator_id)
    partnership = indicator.partnership
    can_manage = can_manage_partnership(partnership, request.organisation, request.user)
    which = request.POST.get("form") if request.method == "POST" else None
    if which is not None:
        refuse_unless(can_manage, LEAD_MANAGERS_ONLY)
    members = _members_queryset(partnership, contributing_only=True)
    period_type = indicator.period_type
    target_form = TargetForm(
        request.POST if which == "target" else None, prefix="target", period_type=period_type
    )
    share_form = CascadedTargetForm(
        request.POST if which == "share" else None,
        prefix="share",
        members=members,
        period_type=period_type,
    )
    bound = {"target": target_form, "share": share_form}.get(which)
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if which == "target":
                services.partnership_target_set(
                    indicator=indicator,
                    organisation=request.organisation,
                    actor=request.user,
                    period_code=data["period_code"],
                    value=data["value"],
                )
            else:
                services.cascaded_target_set(
                    indicator=indicator,
                    organisation=request.organisation,
                    actor=request.user,
                    member=data["member"],
                    period_code=data["period_code"],
                    value=data["value"],
                )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(bound, error)
        else:
            messages.success(request, "The target was saved.")
            return redirect("partnerships:indicator-targets", indicator_id=indicator.pk)
    return render(
        request,
        "partnerships/targets.html",
        {
            "partnership": partnership,
            "indicator": indicator,
            "targets": indicator.targets.order_by("period_start"),
            "shares": indicator.cascaded_targets.select_related("organisation").order_by(
                "period_start", "organisation__name"
            ),
            "target_form": target_form if can_manage else None,
            "share_form": share_form if can_manage else None,
            "form": bound,
            "can_manage": can_manage,
        },
    )
