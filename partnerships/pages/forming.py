"""Pages that form a partnership and its membership, on each organisation's own host.

- the lead's administrator forms a partnership and invites organisations
  (`/partnerships/new/`, `/partnerships/<id>/members/`);
- the invited organisation's administrator sees the invitation on its own host and accepts
  (naming its signatories) or declines (`/partnerships/invitations/<id>/`);
- each member's administrator names who signs for it (`/partnerships/<id>/signatories/`).

Who may do what is decided by the services (see `permissions`): these views refuse early
with the same rules so that a refused user gets a 403 whatever they post.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error

from .. import services
from ..domain.choices import InvitationStatus
from ..permissions import can_manage_membership, membership_of
from ..selectors import (
    invitable_organisations,
    invitation_get,
    invitations_of,
    member_list,
    partnership_get_for,
)
from .common import partnership_page, reraise_refusal
from .forms import (
    AcceptInvitationForm,
    DeclineInvitationForm,
    InviteForm,
    PartnershipForm,
    SignatoriesForm,
    split_emails,
)

ADMINS_ONLY = "Only your organisation's administrators may do this."


@partnership_page
def partnership_new(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_manage_membership(request.user), ADMINS_ONLY)
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["signatory_emails"] = split_emails(data["signatory_emails"])
        try:
            partnership = services.partnership_create(
                organisation=request.organisation, actor=request.user, **data
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error)
        else:
            messages.success(
                request, f"{partnership.name} was formed. Invite the organisations to join it."
            )
            return redirect("partnerships:members", partnership_id=partnership.pk)
    return render(request, "partnerships/partnership_form.html", {"form": form})


def _is_lead_admin(request: HttpRequest, partnership) -> bool:
    return partnership.lead_organisation_id == request.organisation.pk and can_manage_membership(
        request.user
    )


@partnership_page
def members(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """The members and, for the lead's administrators, the invitations and the invite form."""
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    lead_admin = _is_lead_admin(request, partnership)
    if request.method == "POST":
        refuse_unless(lead_admin, "Only the lead organisation's administrators may invite.")
    form = None
    if lead_admin:
        form = InviteForm(
            request.POST or None, organisations=invitable_organisations(partnership=partnership)
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                invitation = services.partnership_invite(
                    partnership=partnership,
                    organisation=request.organisation,
                    actor=request.user,
                    invitee=data["organisation"],
                    role=data["role"],
                    signatory_emails=split_emails(data["signatory_emails"]),
                    message=data["message"],
                )
            except DomainError as error:
                reraise_refusal(error)
                show_domain_error(form, error)
            else:
                messages.success(
                    request,
                    f"{invitation.organisation.name} was invited. It becomes a member when "
                    "its administrator accepts.",
                )
                return redirect("partnerships:members", partnership_id=partnership.pk)
    own = membership_of(partnership, request.organisation)
    return render(
        request,
        "partnerships/members.html",
        {
            "partnership": partnership,
            "members": member_list(partnership=partnership),
            "invitations": invitations_of(partnership=partnership) if lead_admin else [],
            "form": form,
            "own": own,
            "can_name_signatories": can_manage_membership(request.user),
        },
    )


@partnership_page
def signatories(request: HttpRequest, partnership_id: int) -> HttpResponse:
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    membership = membership_of(partnership, request.organisation)
    refuse_unless(can_manage_membership(request.user), ADMINS_ONLY)
    form = SignatoriesForm(
        request.POST or None, initial={"signatory_emails": membership.signatory_emails}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_member_update(
                membership=membership,
                organisation=request.organisation,
                actor=request.user,
                signatory_emails=split_emails(form.cleaned_data["signatory_emails"]),
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error)
        else:
            messages.success(request, "Your signatories were saved.")
            return redirect("partnerships:members", partnership_id=partnership.pk)
    return render(
        request,
        "partnerships/signatories.html",
        {"partnership": partnership, "membership": membership, "form": form},
    )


@partnership_page
def invitation_detail(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_get(organisation=request.organisation, invitation_id=invitation_id)
    invited = invitation.organisation_id == request.organisation.pk
    pending = invitation.status == InvitationStatus.PENDING
    can_answer = invited and pending and can_manage_membership(request.user)
    return render(
        request,
        "partnerships/invitation.html",
        {
            "invitation": invitation,
            "partnership": invitation.partnership,
            "invited": invited,
            "can_answer": can_answer,
            "can_withdraw": not invited and pending and can_manage_membership(request.user),
            "accept_form": AcceptInvitationForm(
                initial={"signatory_emails": invitation.proposed_signatory_emails}
            ),
            "decline_form": DeclineInvitationForm(),
        },
    )


def _answer_page(request, invitation, accept_form, decline_form) -> HttpResponse:
    return render(
        request,
        "partnerships/invitation.html",
        {
            "invitation": invitation,
            "partnership": invitation.partnership,
            "invited": True,
            "can_answer": True,
            "accept_form": accept_form,
            "decline_form": decline_form,
            "form": accept_form if accept_form.errors else decline_form,
        },
    )


def _invitation_to_answer(request: HttpRequest, invitation_id: int):
    """The invitation, if it is to this organisation and the user may answer for it: only
    the invited organisation's administrators accept or decline."""
    invitation = invitation_get(organisation=request.organisation, invitation_id=invitation_id)
    refuse_unless(
        invitation.organisation_id == request.organisation.pk, "This is not your invitation."
    )
    refuse_unless(can_manage_membership(request.user), ADMINS_ONLY)
    return invitation


@partnership_page
@require_POST
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_to_answer(request, invitation_id)
    form = AcceptInvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation,
                organisation=request.organisation,
                actor=request.user,
                signatory_emails=split_emails(form.cleaned_data["signatory_emails"]),
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{request.organisation.name} is now a member of {invitation.partnership.name}.",
            )
            return redirect("partnerships:dashboard", partnership_id=invitation.partnership_id)
    return _answer_page(request, invitation, form, DeclineInvitationForm())


@partnership_page
@require_POST
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_to_answer(request, invitation_id)
    form = DeclineInvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_decline(
                invitation=invitation,
                organisation=request.organisation,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error)
        else:
            messages.success(request, f"You declined to join {invitation.partnership.name}.")
            return redirect("partnerships:list")
    return _answer_page(request, invitation, AcceptInvitationForm(), form)


@partnership_page
@require_POST
def invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_get(organisation=request.organisation, invitation_id=invitation_id)
    try:
        services.invitation_withdraw(
            invitation=invitation, organisation=request.organisation, actor=request.user
        )
    except DomainError as error:
        reraise_refusal(error)
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"The invitation to {invitation.organisation.name} was withdrawn."
        )
    return redirect("partnerships:members", partnership_id=invitation.partnership_id)
