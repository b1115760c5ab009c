"""Forms of the console's data pages."""

from __future__ import annotations

from django import forms


class HelpdeskExportForm(forms.Form):
    reason = forms.CharField(
        label="Whose request does this export answer?",
        help_text="For example the ticket number and the person at the organisation who asked.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RestoreInPlaceForm(forms.Form):
    confirmation = forms.CharField(
        label="Type the organisation's slug to confirm",
        help_text="Everything the organisation changed since this backup will be lost "
        "(a safety backup of its data as it is now is taken first).",
        max_length=42,
    )
