"""The notification settings form: one choice of delivery per kind."""

from __future__ import annotations

from django import forms

from ..domain.choices import Delivery, Kind


class PreferencesForm(forms.Form):
    def __init__(self, *args, initial_choices: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=(initial_choices or {}).get(kind.value, Delivery.IMMEDIATE),
            )
