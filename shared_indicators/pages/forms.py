from __future__ import annotations

from django import forms

from goldenthread.platform.core.choices import Frequency, Polarity


class CatalogueSearchForm(forms.Form):
    """The catalogue page's search and filters (GET). Invalid filters are reported, not used."""

    q = forms.CharField(label="Search by code or words", required=False, max_length=200)
    theme = forms.ChoiceField(label="Theme", required=False)
    frequency = forms.ChoiceField(
        label="Collection frequency",
        required=False,
        choices=[("", "Any frequency"), *Frequency.choices],
    )
    polarity = forms.ChoiceField(
        label="Polarity", required=False, choices=[("", "Any polarity"), *Polarity.choices]
    )
    include_retired = forms.BooleanField(label="Include retired indicators", required=False)

    def __init__(self, *args, themes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Any theme"), *((t, t) for t in themes)]

    def filters(self) -> dict:
        """The valid filters, ready for `catalogue_indicator_list`; invalid ones are dropped
        (and shown as errors on the form)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "search": cleaned.get("q") or "",
            "theme": cleaned.get("theme") or "",
            "frequency": cleaned.get("frequency") or "",
            "polarity": cleaned.get("polarity") or "",
            "include_retired": bool(cleaned.get("include_retired")),
        }
