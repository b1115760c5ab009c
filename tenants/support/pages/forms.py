"""Forms of the support pages (tenant host) and of the helpdesk console."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from goldenthread.tenants.models import Organisation

from ..domain.choices import (
    BREAK_GLASS_MAX_HOURS,
    GRANT_MAX_DAYS,
    AnnouncementKind,
    RequestKind,
    RequestStatus,
)

DURATIONS = [
    ("2", "2 hours"),
    ("8", "8 hours"),
    ("24", "1 day"),
    ("72", "3 days"),
    ("168", "7 days"),
    (str(GRANT_MAX_DAYS * 24), f"{GRANT_MAX_DAYS} days"),
]


class GrantForm(forms.Form):
    staff = forms.TypedChoiceField(label="Helpdesk staff member", coerce=int)
    duration = forms.ChoiceField(label="For how long", choices=DURATIONS, initial="24")
    allow_write = forms.BooleanField(
        label="Also allow changes (otherwise the access is read only)", required=False
    )
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=500, widget=forms.Textarea
    )

    def __init__(self, *args, staff_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "Choose a person"), *staff_choices]

    def ends_at(self):
        return timezone.now() + timedelta(hours=int(self.cleaned_data["duration"]))


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?", choices=RequestKind.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label="Subject", max_length=150)
    description = forms.CharField(
        label="Describe the problem or the improvement",
        max_length=5000,
        widget=forms.Textarea,
    )
    page = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)


class CommentForm(forms.Form):
    body = forms.CharField(label="Your message", max_length=5000, widget=forms.Textarea)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=RequestStatus.choices)
    body = forms.CharField(
        label="Reply to the requester (optional when only the status changes)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )


class BreakGlassForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.exclude(schema_name="public").order_by("name"),
        empty_label="Choose an organisation",
    )
    reason = forms.CharField(
        label="Why is emergency access needed? (the organisation's administrators read this)",
        widget=forms.Textarea,
        max_length=2000,
    )
    hours = forms.TypedChoiceField(
        label="For how long",
        coerce=int,
        choices=[
            (h, f"{h} hour{'s' if h > 1 else ''}") for h in range(1, BREAK_GLASS_MAX_HOURS + 1)
        ],
    )
    allow_write = forms.BooleanField(label="Changes are needed (not only reading)", required=False)


class AnnouncementForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=AnnouncementKind.choices)
    title = forms.CharField(label="Title", max_length=120)
    body = forms.CharField(
        label="Text (optional)", required=False, max_length=1000, widget=forms.Textarea
    )
    organisation = forms.ModelChoiceField(
        label="Shown to",
        queryset=Organisation.objects.exclude(schema_name="public").order_by("name"),
        required=False,
        empty_label="Every organisation",
    )
    starts_at = forms.DateTimeField(
        label="Starts (date and time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label="Ends (date and time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    dismissible = forms.BooleanField(label="People may dismiss it", required=False, initial=True)


class RequestFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *RequestKind.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All statuses"), *RequestStatus.choices]
    )
