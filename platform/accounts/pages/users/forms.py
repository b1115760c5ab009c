from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from ...domain.choices import UserState
from ...models import Role


def end_of(day: date | None) -> datetime | None:
    """An end date on a form means access lasts to the end of that day, local time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59))) if day else None


class UserFilterForm(forms.Form):
    q = forms.CharField(label="Name or e-mail", required=False)
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any"), *Role.choices])
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any"), *UserState.choices]
    )


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class InviteForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=200)
    email = forms.EmailField(label="E-mail address", max_length=254)
    roles = RolesField(label="Roles", help_text="You can give only roles you hold yourself.")
    access_expires_at = forms.DateField(
        label="Access ends",
        required=False,
        help_text="Required for auditors: their access ends at the end of this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class UserChangeForm(forms.Form):
    roles = RolesField(label="Roles", help_text="You can give only roles you hold yourself.")
    access_expires_at = forms.DateField(
        label="Access ends",
        required=False,
        help_text="Required for auditors. Leave empty for no end date.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="Columns: name, email, roles (separated by ';') and, for auditors, "
        "access ends (a date).",
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class MfaPolicyForm(forms.Form):
    mfa_required_for_everyone = forms.BooleanField(
        label="Everyone in the organisation must use multi-factor authentication",
        help_text="From each person's next sign-in. Administrators always must.",
        required=False,
    )
    # Where the page posts from, so the answer comes back to it.
    came_from = forms.CharField(widget=forms.HiddenInput, required=False)


class SessionSettingsForm(forms.Form):
    idle_timeout_minutes = forms.IntegerField(
        label="Sign out after this many minutes without activity",
        help_text="Between 10 and 720 minutes (12 hours). The default is 30.",
        min_value=10,
        max_value=12 * 60,
    )
