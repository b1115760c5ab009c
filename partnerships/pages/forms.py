"""Forms of the partnership pages. They parse and label input only: every rule (who may,
which codes, which parties, dates in order) is the services', whose refusals come back onto
the form beside the field they name (`core.pages.show_domain_error`)."""

from __future__ import annotations

from django import forms

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.period_picker import (
    period_choices,
    period_field,
    period_picker,
)
from goldenthread.platform.core.periods import PeriodType
from goldenthread.shared_indicators.models import CatalogueIndicator

from ..domain.choices import Aggregation, LawfulBasis, MemberRole, PartnershipType, SharedField

DATE_HINT = "For example 2025-04-01."
EMAILS_HINT = "One e-mail address per line. Administrators may always sign."


def split_emails(raw: str) -> list[str]:
    return raw.replace(",", " ").replace(";", " ").split()


class EmailsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", EMAILS_HINT)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


class PartnershipForm(forms.Form):
    name = forms.CharField(label="Name of the partnership", max_length=200)
    type = forms.ChoiceField(label="Type of partnership", choices=PartnershipType.choices)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label="Start date", help_text=DATE_HINT)
    ends_on = forms.DateField(
        label="End date", required=False, help_text="Leave blank if it has no end date."
    )
    signatory_emails = EmailsField(label="Who else signs agreements for your organisation")


INVITE_ROLES = [(MemberRole.MEMBER, "Member"), (MemberRole.OBSERVER, "Observer (reads only)")]


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class InviteForm(forms.Form):
    organisation = OrganisationChoiceField(
        label="Organisation to invite",
        queryset=None,
        empty_label="Choose an organisation",
        help_text="Active organisations on Golden Thread that are not members or invited yet.",
    )
    role = forms.ChoiceField(label="Role", choices=INVITE_ROLES, initial=MemberRole.MEMBER)
    signatory_emails = EmailsField(
        label="Who you expect to sign for them",
        help_text="A proposal: their administrator confirms or changes it when accepting. "
        + EMAILS_HINT,
    )
    message = forms.CharField(
        label="Message to them", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AcceptInvitationForm(forms.Form):
    signatory_emails = EmailsField(label="Who signs agreements for your organisation")


class DeclineInvitationForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, shown to the lead)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SignatoriesForm(forms.Form):
    signatory_emails = EmailsField(label="Who signs agreements for your organisation")


class PartyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


# Service term -> form field, for refusals that name a term.
AGREEMENT_FIELD_MAP = {"indicator_codes": "partnership_codes", "fields": "shared_fields"}


class AgreementForm(forms.Form):
    """A new agreement's first version, or a draft's terms."""

    title = forms.CharField(label="Title of the agreement", max_length=200)
    parties = PartyChoiceField(
        label="Parties",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members who share data under it; every one of them must accept it.",
    )
    partnership_codes = forms.MultipleChoiceField(
        label="The partnership's shared indicators it covers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    catalogue_codes = forms.MultipleChoiceField(
        label="Other national catalogue indicators it covers",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Optional. Hold Control (or Command) to choose more than one.",
    )
    shared_fields = forms.MultipleChoiceField(
        label="What may be shared",
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[SharedField.VALUES],
    )
    purpose = forms.CharField(label="Purpose", widget=forms.Textarea(attrs={"rows": 3}))
    lawful_basis = forms.ChoiceField(label="Lawful basis", choices=LawfulBasis.choices)
    retention_months = forms.IntegerField(
        label="Retention period (months)", min_value=1, max_value=1200
    )
    delete_on_end = forms.BooleanField(
        label="Delete what was shared when the agreement ends", required=False
    )
    starts_on = forms.DateField(label="Start date", help_text=DATE_HINT)
    ends_on = forms.DateField(label="End date", required=False, help_text="Leave blank if open.")

    def __init__(self, *args, partnership, members, indicators, with_title=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = members
        own = [i.code for i in indicators]
        self.fields["partnership_codes"].choices = [
            (i.code, f"{i.code} {i.title}") for i in indicators
        ]
        self.fields["catalogue_codes"].choices = [
            (code, f"{code} {title[:90]}")
            for code, title in CatalogueIndicator.objects.filter(retired=False)
            .exclude(code__in=own)
            .order_by("code")
            .values_list("code", "title")
        ]
        if not with_title:
            del self.fields["title"]

    def terms(self) -> dict:
        """The cleaned data as the agreement services' terms."""
        data = dict(self.cleaned_data)
        data["indicator_codes"] = [*data.pop("partnership_codes"), *data.pop("catalogue_codes")]
        data["fields"] = data.pop("shared_fields")
        return data


class IndicatorForm(forms.Form):
    catalogue_code = forms.ChoiceField(
        label="National catalogue indicator",
        required=False,
        help_text="Choose one to share a catalogue indicator (its definition comes from the "
        "catalogue); leave it blank to define the partnership's own indicator below.",
    )
    code = forms.CharField(label="Code", required=False, max_length=32)
    title = forms.CharField(label="Title", required=False, max_length=500)
    definition = forms.CharField(
        label="Definition", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit_label = forms.CharField(label="Unit", required=False, max_length=120)
    polarity = forms.ChoiceField(
        label="Better when", choices=[("", "—"), *Polarity.choices], required=False
    )
    frequency = forms.ChoiceField(
        label="Frequency", choices=Frequency.choices, initial=Frequency.QUARTERLY
    )
    decimal_places = forms.IntegerField(label="Decimal places", min_value=0, max_value=6, initial=1)
    aggregation = forms.ChoiceField(
        label="How members' figures make the partnership figure", choices=Aggregation.choices
    )
    factor = forms.DecimalField(
        label="Factor (recomputed figures)",
        initial=1,
        help_text="Numerator ÷ denominator × factor; 100 for a percentage.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue_code"].choices = [
            ("", "None: the partnership's own indicator"),
            *(
                (code, f"{code} {title[:90]}")
                for code, title in CatalogueIndicator.objects.filter(retired=False)
                .order_by("code")
                .values_list("code", "title")
            ),
        ]


def target_period_field(period_type: PeriodType) -> forms.CharField:
    """A target's period, chosen from the shared period picker's list (the coming years
    first, then the current, recent and earlier periods): nobody types a period code."""
    picker = period_picker(type=period_type, years_ahead=3, blank="Choose a period")
    return period_field(period_choices(picker))


class TargetForm(forms.Form):
    period_code = forms.CharField(label="Period", max_length=24)
    # Text: the service reads it with the one number parser (a decimal comma is refused,
    # saying what to type), like every other door.
    value = forms.CharField(label="Partnership target", max_length=60)

    def __init__(self, *args, period_type: PeriodType, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_code"] = target_period_field(period_type)


class CascadedTargetForm(forms.Form):
    member = OrganisationChoiceField(label="Member", queryset=None, empty_label="Choose a member")
    period_code = forms.CharField(label="Period", max_length=24)
    value = forms.CharField(label="Member's share of the target", max_length=60)

    def __init__(self, *args, members, period_type: PeriodType, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["period_code"] = target_period_field(period_type)
