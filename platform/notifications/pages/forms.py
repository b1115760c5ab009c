"""The notification settings form: one choice of delivery per kind."""

from __future__ import annotations

from django import forms

from ..domain.choices import ADMINISTRATOR_KINDS, Delivery, Kind


class PreferencesForm(forms.Form):
    def __init__(
        self,
        *args,
        initial_choices: dict[str, str] | None = None,
        administrator: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            if kind in ADMINISTRATOR_KINDS and not administrator:
                continue
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=(initial_choices or {}).get(kind.value, Delivery.IMMEDIATE),
            )
