"""Forms of the frozen pack, schedule and distribution pages (the services check everything
again; these only shape the fields)."""

from __future__ import annotations

from django import forms

from goldenthread.platform.accounts.models import Role


class FreezeForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=())
    version = forms.TypedChoiceField(
        label="Version of the definition", coerce=int, required=False, empty_value=None, choices=()
    )
    committee = forms.CharField(
        label="Committee", max_length=200, help_text="For example, Cabinet or Scrutiny Committee."
    )
    meeting_date = forms.DateField(
        label="Meeting date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example, 2026-07-14.",
        error_messages={"invalid": "Enter the meeting date as a real date, like 2026-07-14."},
    )
    distribute = forms.BooleanField(
        label="E-mail it to the distribution list when it is ready", required=False
    )

    def __init__(self, *args, periods=(), versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.label) for p in periods]
        self.fields["version"].choices = [
            ("", "The newest"),
            *((v.number, f"Version {v.number}") for v in versions),
        ]


class ArchiveFilterForm(forms.Form):
    definition = forms.TypedChoiceField(
        label="Report", coerce=int, required=False, empty_value=None, choices=()
    )
    committee = forms.CharField(label="Committee", max_length=200, required=False)
    period = forms.CharField(
        label="Period", max_length=20, required=False, help_text="For example, 2026/27 Q1."
    )

    def __init__(self, *args, definitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definition"].choices = [
            ("", "Every report"),
            *((d.pk, d.name) for d in definitions),
        ]


class ScheduleForm(forms.Form):
    active = forms.BooleanField(label="Run this schedule", required=False)
    working_days = forms.IntegerField(
        label="Working days after each quarter end",
        min_value=0,
        max_value=60,
        help_text="Weekends and England and Wales bank holidays are not counted.",
    )
    committee = forms.CharField(label="Committee", max_length=200)
    roles = forms.MultipleChoiceField(
        label="Send to everyone with these roles",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.TypedMultipleChoiceField(
        label="And to these people",
        coerce=int,
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(p.pk, f"{p} ({p.email})") for p in people]


class DistributionSettingsForm(forms.Form):
    attachments_allowed = forms.BooleanField(
        label="Attach the pack to distribution e-mails",
        required=False,
        help_text="Off: e-mails carry only a link to the pack, which needs signing in.",
    )
    attachment_max_kb = forms.IntegerField(
        label="Largest attachment, in KB",
        min_value=1,
        max_value=20 * 1024,
        help_text="A larger pack is not attached; the e-mail says so and keeps the link.",
    )
