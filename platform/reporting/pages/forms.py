"""The report definition form and the period picker."""

from __future__ import annotations

from typing import Any

from django import forms

from goldenthread.platform.core.errors import DomainError

from ..domain.definitions import (
    FILTER_WORDS,
    LAYOUT_HINTS,
    LAYOUT_WORDS,
    MAX_RED_PERIODS,
    MIN_RED_PERIODS,
    SCOPE_WORDS,
    SECTION_WORDS,
    DefinitionSpec,
)

SECTION_KINDS = tuple(SECTION_WORDS)


class DefinitionForm(forms.Form):
    """Every part of a definition on one page. The choices (priorities, service areas, PIs)
    are the organisation's, given by the page."""

    title = forms.CharField(label="Title", max_length=200, help_text="Printed on the cover.")
    name = forms.CharField(
        label="Name in the list of reports",
        max_length=200,
        required=False,
        help_text="Leave empty to use the title.",
    )
    layout = forms.ChoiceField(
        label="Layout",
        choices=[(code, f"{words}: {LAYOUT_HINTS[code]}") for code, words in LAYOUT_WORDS.items()],
        widget=forms.RadioSelect,
        initial="committee",
    )
    scope = forms.ChoiceField(
        label="Which PIs",
        choices=list(SCOPE_WORDS.items()),
        widget=forms.RadioSelect,
        initial="all",
    )
    strategy_node_ids = forms.TypedMultipleChoiceField(
        label="Priorities and themes",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For PIs linked to chosen priorities or themes: each brings the PIs linked to "
        "it and to everything beneath it.",
    )
    service_area_ids = forms.TypedMultipleChoiceField(
        label="Service areas",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For PIs of chosen service areas.",
    )
    indicator_ids = forms.TypedMultipleChoiceField(
        label="PIs",
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="For a chosen set of PIs (hold Ctrl or Cmd to choose several).",
    )
    tag = forms.CharField(
        label="Tag", max_length=50, required=False, help_text="For PIs with a tag."
    )
    filters = forms.MultipleChoiceField(
        label="Exceptions only",
        choices=list(FILTER_WORDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Show only PIs meeting any chosen filter; none chosen shows every PI.",
    )
    red_periods = forms.IntegerField(
        label="Number of periods for “off target for each of the last N periods”",
        min_value=MIN_RED_PERIODS,
        max_value=MAX_RED_PERIODS,
        initial=3,
        widget=forms.NumberInput(attrs={"class": "input-short"}),
    )
    sections = forms.MultipleChoiceField(
        label="Sections",
        choices=list(SECTION_WORDS.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=["pis"],
    )
    approved_only = forms.BooleanField(
        label="Approved values only",
        required=False,
        initial=True,
        help_text="Otherwise values not yet approved are shown, each marked, and the pack says "
        "it includes unapproved values.",
    )
    charts = forms.BooleanField(
        label="Charts of each PI's quarters (corporate priorities layout)", required=False
    )
    include_retired = forms.BooleanField(label="Include retired PIs", required=False)
    # Optional PI columns, as the quarterly report has (committee and priorities layouts).
    cost = forms.BooleanField(
        label="Show the cost beside each PI",
        required=False,
        help_text="The cost PI's figure for the period and the unit cost, for PIs with a cost "
        "measure (committee and corporate priorities layouts).",
    )
    data_quality = forms.BooleanField(
        label="Show each PI's data-quality score",
        required=False,
        help_text="In words, with the checks that failed.",
    )
    persistence = forms.BooleanField(
        label="Show how many periods in a row each PI has been off target",
        required=False,
        help_text="With “special cause concerning” where its SPC chart says so, as of the "
        "period's end.",
    )
    cover_subtitle = forms.CharField(
        label="Cover subtitle",
        max_length=300,
        required=False,
        help_text="For example the committee and its date.",
    )
    cover_text = forms.CharField(
        label="Cover text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Leave a blank line between paragraphs.",
    )
    note = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="Kept with this version.",
    )

    def __init__(self, *args, nodes=(), areas=(), indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy_node_ids"].choices = [
            (node.pk, f"{node.level_name}: {node.code} {node.title}") for node in nodes
        ]
        self.fields["service_area_ids"].choices = [(area.pk, area.name) for area in areas]
        self.fields["indicator_ids"].choices = [
            (pi.pk, f"{pi.code} {pi.title}") for pi in indicators
        ]
        # Each section's own title and narrative, after the sections' boxes.
        for kind in SECTION_KINDS:
            words = SECTION_WORDS[kind]
            self.fields[f"section_{kind}_title"] = forms.CharField(
                label=f"{words}: section title",
                max_length=200,
                required=False,
                help_text=f"“{words}” if left empty.",
            )
            self.fields[f"section_{kind}_narrative"] = forms.CharField(
                label=f"{words}: narrative",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="The officer's commentary printed at the start of the section.",
            )

    def clean(self) -> dict[str, Any]:
        # The definition's own rules too, so every problem shows at once beside its field.
        cleaned = super().clean()
        try:
            DefinitionSpec.parse(self._data_from(cleaned))
        except DomainError as error:
            for name, message in error.extra.get("fields", {}).items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def definition_data(self) -> dict[str, Any]:
        return self._data_from(self.cleaned_data)

    @staticmethod
    def _data_from(cleaned: dict[str, Any]) -> dict[str, Any]:
        data = dict(cleaned)
        chosen = data.pop("sections", None) or []
        data["sections"] = [
            {
                "kind": kind,
                "title": data.get(f"section_{kind}_title", ""),
                "narrative": data.get(f"section_{kind}_narrative", ""),
            }
            for kind in SECTION_KINDS
            if kind in chosen
        ]
        for kind in SECTION_KINDS:
            data.pop(f"section_{kind}_title", None)
            data.pop(f"section_{kind}_narrative", None)
        data.pop("note", None)
        return data

    @staticmethod
    def initial_of(spec: DefinitionSpec, name: str) -> dict[str, Any]:
        data = spec.as_data()
        initial = {key: value for key, value in data.items() if key != "sections"}
        initial["name"] = name if name != spec.title else ""
        initial["sections"] = [section["kind"] for section in data["sections"]]
        for section in data["sections"]:
            initial[f"section_{section['kind']}_title"] = section["title"]
            initial[f"section_{section['kind']}_narrative"] = section["narrative"]
        return initial


class PeriodForm(forms.Form):
    """The period a pack is previewed for, chosen from a list (never typed)."""

    period = forms.ChoiceField(label="Period", choices=())
    version = forms.TypedChoiceField(
        label="Version", coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, *args, periods=(), versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(period.code, period.label) for period in periods]
        self.fields["version"].choices = [
            ("", "The newest"),
            *((version.number, f"Version {version.number}") for version in versions),
        ]
