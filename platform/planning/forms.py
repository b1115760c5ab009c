"""Forms of the planning pages. They only parse input; services decide what is allowed."""

from __future__ import annotations

from django import forms

from .choices import ActionState, MonitoringZone


class ActionUpdateForm(forms.Form):
    progress = forms.IntegerField(
        label="Progress (%)", min_value=0, max_value=100, help_text="A whole number, 0 to 100."
    )
    state = forms.ChoiceField(label="State", choices=ActionState.choices)
    note = forms.CharField(
        label="What has happened since the last update", widget=forms.Textarea(attrs={"rows": 4})
    )


class EscalateForm(forms.Form):
    to_zone = forms.TypedChoiceField(
        label="Escalate to", coerce=int, choices=MonitoringZone.choices
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class RiskReviewForm(forms.Form):
    likelihood = forms.TypedChoiceField(label="Current likelihood", coerce=int, choices=())
    impact = forms.TypedChoiceField(label="Current impact", coerce=int, choices=())
    controls = forms.CharField(
        label="Controls in place", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(label="Review note", widget=forms.Textarea(attrs={"rows": 3}))
    next_review_date = forms.DateField(
        label="Next review date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["likelihood"].choices = [
            (i, f"{i} – {label}") for i, label in enumerate(matrix.likelihood_labels, start=1)
        ]
        self.fields["impact"].choices = [
            (i, f"{i} – {label}") for i, label in enumerate(matrix.impact_labels, start=1)
        ]


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="File", help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or image."
    )
    description = forms.CharField(label="Description (optional)", required=False, max_length=500)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search by code or words", required=False, max_length=200)
