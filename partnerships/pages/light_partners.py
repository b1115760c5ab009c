"""Pages for light partner organisations (`services.light_partners`):

- the lead's administrators invite bodies not on the platform and see their invitations
  (`/partnerships/<id>/new-partners/`, on the lead's host);
- the invited person accepts by the e-mailed link (`/join/<token>/`, on the PLATFORM host,
  since the body has no host yet: mounted in `urls_public` as a platform page);
- the light organisation reports its figures (`/partnerships/contributions/<id>/submit/`, on
  its own host).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from goldenthread.platform.core.errors import Conflict, DomainError, NotFound
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.core.period_picker import period_choices, period_field, period_picker
from goldenthread.tenants.models import OrganisationType

from ..models import LightPartnerInvitation, PartnershipIndicator
from ..permissions import can_manage_membership
from ..selectors import partnership_get_for, shared_indicator_list
from ..services import light_partners as light
from .common import partnership_page, reraise_refusal

LIGHT_TYPE_CHOICES = [
    (value, label) for value, label in OrganisationType.choices if value in light.LIGHT_TYPES
]


class LightInviteForm(forms.Form):
    body_name = forms.CharField(
        label="Name of the body",
        max_length=200,
        help_text="For example Little Snoring Parish Council.",
    )
    body_type = forms.ChoiceField(
        label="Kind of body", choices=LIGHT_TYPE_CHOICES, widget=forms.RadioSelect
    )
    contact_name = forms.CharField(
        label="Name of the person invited", max_length=200, required=False
    )
    email = forms.EmailField(
        label="Their e-mail address",
        help_text="The invitation link goes to this address only; whoever accepts becomes the "
        "body's administrator.",
    )
    indicator_codes = forms.MultipleChoiceField(
        label="Shared indicators the body will report",
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label="Purpose of the data-sharing agreement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave blank for “Reporting the partnership's shared indicators”.",
    )
    message = forms.CharField(
        label="Message to them", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_codes"].choices = [
            (i.code, f"{i.code} {i.title}") for i in indicators
        ]


def _lead_admin(request: HttpRequest, partnership) -> bool:
    return partnership.lead_organisation_id == request.organisation.pk and can_manage_membership(
        request.user
    )


@partnership_page
def new_partners(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """The lead's administrators: invite a body not yet on the platform; see invitations."""
    partnership = partnership_get_for(reader=request.organisation, partnership_id=partnership_id)
    refuse_unless(
        _lead_admin(request, partnership),
        "Only the lead organisation's administrators may invite new partner bodies.",
    )
    indicators = shared_indicator_list(partnership=partnership)
    form = LightInviteForm(request.POST or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = light.light_partner_invite(
                partnership=partnership,
                organisation=request.organisation,
                actor=request.user,
                base_url=_platform_base_url(request),
                **form.cleaned_data,
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                f"An invitation with a link is on its way to {invitation.email}. "
                f"{invitation.body_name} joins when they accept it.",
            )
            return redirect("partnerships:new-partners", partnership_id=partnership.pk)
    return render(
        request,
        "partnerships/light_partners.html",
        {
            "partnership": partnership,
            "form": form,
            "invitations": LightPartnerInvitation.objects.filter(
                partnership=partnership
            ).select_related("organisation"),
        },
    )


@require_POST
@partnership_page
def new_partner_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = LightPartnerInvitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("There is no such invitation.")
    partnership = partnership_get_for(
        reader=request.organisation, partnership_id=invitation.partnership_id
    )
    try:
        light.light_invitation_withdraw(
            invitation=invitation, organisation=request.organisation, actor=request.user
        )
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation to {invitation.body_name} was withdrawn.")
    return redirect("partnerships:new-partners", partnership_id=partnership.pk)


def _platform_base_url(request: HttpRequest) -> str:
    from django.conf import settings

    port = request.get_port()
    default = {"http": "80", "https": "443"}.get(request.scheme)
    suffix = f":{port}" if port and port != default else ""
    return f"{request.scheme}://{settings.PLATFORM_DOMAIN}{suffix}"


class JoinForm(forms.Form):
    name = forms.CharField(label="Name of your organisation", max_length=200)
    slug = forms.CharField(
        label="Web address",
        max_length=42,
        help_text="Your organisation's own address will be this, followed by the platform's "
        "domain. Lower-case letters, digits and hyphens.",
    )
    full_name = forms.CharField(label="Your name", max_length=200)
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few unrelated words make a good one.",
    )
    accept_agreement = forms.BooleanField(
        label="I accept the data-sharing agreement on behalf of my organisation",
        required=False,
    )


def join(request: HttpRequest, token: str) -> HttpResponse:
    """Accept a partnership's invitation (platform host; no sign-in: the link is the key)."""
    try:
        invitation = light.invitation_from_token(token)
    except (NotFound, Conflict) as error:
        return render(
            request,
            "partnerships/join_refused.html",
            {"message": error.message},
            status=404 if isinstance(error, NotFound) else 410,
        )
    initial = {
        "name": invitation.body_name,
        "slug": light.suggested_slug(invitation.body_name),
        "full_name": invitation.contact_name,
    }
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            joined = light.light_partner_accept(
                token=token,
                url_scheme=request.scheme,
                port=int(request.get_port() or 0) or None,
                **data,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            # A page here rather than a redirect: the new host is another origin, and the
            # Content-Security-Policy's form-action 'self' stops a form's redirect there.
            return render(
                request,
                "partnerships/join_done.html",
                {"joined": joined, "partnership": invitation.partnership},
            )
    indicators = PartnershipIndicator.objects.filter(
        partnership=invitation.partnership, code__in=invitation.indicator_codes
    )
    return render(
        request,
        "partnerships/join.html",
        {"invitation": invitation, "form": form, "indicators": indicators},
    )


class SubmitForm(forms.Form):
    value = forms.CharField(label="Value", max_length=40)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        picker = period_picker(type=indicator.period_type, blank="Choose a period")
        self.fields = {"period_code": period_field(period_choices(picker)), **self.fields}


@partnership_page
def contribution_submit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """A light organisation reports its figure for a shared indicator."""
    indicator = PartnershipIndicator.objects.select_related("partnership").filter(pk=indicator_id)
    indicator = indicator.first()
    if indicator is None:
        raise NotFound("There is no such shared indicator.")
    partnership_get_for(reader=request.organisation, partnership_id=indicator.partnership_id)
    refuse_unless(
        request.organisation.is_light_partner and can_manage_membership(request.user),
        "Only a light partner organisation's administrators submit figures here.",
    )
    form = SubmitForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            light.contribution_submit(
                organisation=request.organisation,
                actor=request.user,
                indicator=indicator,
                **form.cleaned_data,
            )
        except DomainError as error:
            reraise_refusal(error)
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                f"Your figure for {indicator.title} was submitted to {indicator.partnership.name}.",
            )
            return redirect(reverse("partnerships:contributions"))
    return render(
        request,
        "partnerships/contribution_submit.html",
        {"indicator": indicator, "form": form},
    )
