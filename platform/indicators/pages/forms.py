"""Forms of the performance pages. They only shape input: the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.period_picker import (
    period_choices,
    period_field,
    period_picker,
)
from goldenthread.platform.core.periods import PeriodType
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status

from ..domain.choices import (
    OutOfRangePolicy,
    RollupRule,
    SubAreaKind,
    ToleranceKind,
    UnitKind,
    ValueState,
    YearBasis,
)
from ..domain.numbers import NumberNotUnderstood, parse_number, quoted
from ..models import PerformanceSettings, ServiceArea
from ..models.indicators import CATALOGUE_LOCKED_FIELDS
from ..services.indicators import LOCAL_FIELDS

NUMBER_ERRORS = {"invalid": "Enter a number, like 12 or 12.5."}


class NumberField(forms.DecimalField):
    """A number read by the one parser every door uses (`domain.numbers.parse_number`): a
    decimal comma or an ambiguous "1,234" is refused saying what to type."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except NumberNotUnderstood as error:
            message = self.error_messages["invalid"]
            if error.reason is not None:
                message = f"'{quoted(value)}' {error.reason}."
            raise forms.ValidationError(message, code="invalid") from None


def number_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return NumberField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=20,
        decimal_places=6,
        error_messages={
            **NUMBER_ERRORS,
            "max_decimal_places": "Use no more than 6 decimal places.",
            "max_digits": "That number is too long.",
            "max_whole_digits": "That number is too large.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def optional_choice(label: str, choices, empty: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=[("", empty), *choices], help_text=help_text
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class IndicatorFilterForm(forms.Form):
    """The PI list's search and filters (GET). Invalid filters are reported and not used."""

    q = forms.CharField(label="Search by code or title", required=False, max_length=200)
    service_area = forms.ModelChoiceField(
        label="Service area",
        required=False,
        queryset=ServiceArea.objects.none(),
        empty_label="Any service area",
    )
    status = optional_choice(
        "Latest status",
        [(status.value, STATUS_PRESENTATION[status].label) for status in Status],
        "Any status",
    )
    owner = UserChoiceField(
        label="Owner", required=False, queryset=User.objects.none(), empty_label="Anyone"
    )
    due = optional_choice("Due", [("late", "Late"), ("due_soon", "Due in the next 14 days")], "Any")
    include_retired = forms.BooleanField(label="Include retired indicators", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = ServiceArea.objects.all()
        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, owned_indicators__isnull=False
        ).distinct()

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters: dict[str, Any] = {
            "q": data.get("q") or "",
            "service_area": data["service_area"].pk if data.get("service_area") else None,
            "owner": data["owner"].pk if data.get("owner") else None,
            "status": data.get("status") or None,
            "due": data.get("due") or None,
        }
        if not data.get("include_retired"):
            filters["active"] = True
        return filters


class IndicatorForm(forms.Form):
    """A PI's fields. `mode` is "create" (a local PI), "adopt" (from the catalogue: the
    catalogue's fields are not asked) or "edit"; editing an adopted PI shows the catalogue's
    fields read-only (disabled fields ignore whatever is posted)."""

    catalogue_code = forms.ChoiceField(label="National catalogue indicator", choices=())
    code = forms.CharField(label="Code", max_length=32, help_text="Unique in your organisation.")
    title = forms.CharField(label="Title", max_length=500)
    definition = forms.CharField(
        label="Definition", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    calculation_notes = forms.CharField(
        label="How it is calculated", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    service_area = forms.ModelChoiceField(
        label="Service area",
        required=False,
        queryset=ServiceArea.objects.none(),
        empty_label="None",
    )
    tags = forms.CharField(
        label="Tags", required=False, help_text="Separate tags with commas.", max_length=1000
    )
    owner = UserChoiceField(
        label="Owner (accountable)",
        required=False,
        queryset=User.objects.none(),
        empty_label="Nobody yet",
    )
    verifier = UserChoiceField(
        label="Verifier",
        required=False,
        queryset=User.objects.none(),
        empty_label="Nobody yet: any verifier approves",
        help_text="Only people with the verifier role are listed. When one is named, only they "
        "approve this PI's values (a performance officer or administrator may cover).",
    )
    data_providers = UserMultipleChoiceField(
        label="Data providers",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    unit_kind = forms.ChoiceField(label="Unit", choices=UnitKind.choices)
    unit_label = forms.CharField(
        label="Unit words",
        required=False,
        max_length=120,
        help_text='Shown after values, e.g. "days" or "per 100,000 population".',
    )
    polarity = forms.ChoiceField(label="Polarity", choices=Polarity.choices)
    band_lower = number_field("Best band: from", help_text="Only for a PI best within a band.")
    band_upper = number_field("Best band: to")
    frequency = forms.ChoiceField(label="Collection frequency", choices=Frequency.choices)
    year_basis = forms.ChoiceField(
        label="Year (annual PIs)", choices=YearBasis.choices, initial=YearBasis.FINANCIAL_YEAR
    )
    decimal_places = forms.IntegerField(
        label="Decimal places",
        min_value=0,
        max_value=6,
        initial=1,
        error_messages={"invalid": "Enter a whole number from 0 to 6."},
    )
    is_calculated = forms.BooleanField(
        label="Calculated from a numerator and a denominator", required=False
    )
    numerator_label = forms.CharField(label="Numerator", required=False, max_length=200)
    denominator_label = forms.CharField(label="Denominator", required=False, max_length=200)
    factor = number_field(
        "Factor", help_text="Value = numerator ÷ denominator × factor (100 for a percentage)."
    )
    rollup_rule = optional_choice(
        "How periods combine into a quarter or year",
        RollupRule.choices,
        "The usual rule for the unit (counts add up, rates are averaged or recomputed)",
    )
    year_to_date = forms.BooleanField(label="Reported year to date", required=False)
    falls_back_to_annual_target = forms.BooleanField(
        label="A period without its own target takes its share of the annual target",
        required=False,
        help_text="An equal share for a count that adds up; the annual figure for a rate or "
        "average. Without this, a part year with no period targets has no year-to-date target.",
    )
    valid_minimum = number_field("Lowest valid value")
    valid_maximum = number_field("Highest valid value")
    whole_numbers = forms.BooleanField(label="Whole numbers only", required=False)
    out_of_range_policy = forms.ChoiceField(
        label="A value outside the valid range is", choices=OutOfRangePolicy.choices
    )
    tolerance_kind = optional_choice(
        "Tolerance", ToleranceKind.choices, "The organisation's default"
    )
    tolerance_amount = number_field(
        "Tolerance amount", help_text="Percent of the target, or an amount in the PI's unit."
    )
    commentary_required_when_off_target = forms.BooleanField(
        label="Commentary is required when off target", required=False, initial=True
    )
    due_day_of_following_month = forms.IntegerField(
        label="Due day of the month",
        required=False,
        min_value=1,
        max_value=28,
        help_text="Leave empty for the organisation's default.",
        error_messages={"invalid": "Enter a whole number from 1 to 28."},
    )
    due_lag_months = forms.IntegerField(
        label="Months after the period ends",
        required=False,
        min_value=0,
        max_value=12,
        help_text="Leave empty for the organisation's default.",
        error_messages={"invalid": "Enter a whole number from 0 to 12."},
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=1000,
        help_text="Kept in the PI's history.",
    )

    def __init__(self, *args, mode: str, adopted: bool = False, catalogue_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.adopted = adopted or mode == "adopt"
        users = User.objects.filter(is_active=True)
        for name in ("owner", "data_providers"):
            self.fields[name].queryset = users
        self.fields["verifier"].queryset = users.filter(roles__contains=[Role.VERIFIER])
        self.fields["service_area"].queryset = ServiceArea.objects.all()
        if mode == "adopt":
            self.fields["catalogue_code"].choices = [
                ("", "Choose an indicator"),
                *catalogue_choices,
            ]
            for name in CATALOGUE_LOCKED_FIELDS:
                del self.fields[name]
        else:
            del self.fields["catalogue_code"]
        if mode != "edit":
            del self.fields["reason"]
        if mode == "edit" and adopted:
            for name in CATALOGUE_LOCKED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].required = False
                self.fields[
                    name
                ].help_text = "From the national catalogue; it cannot be changed here."

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        tags = [tag.strip() for tag in raw.split(",") if tag.strip()]
        too_long = [tag for tag in tags if len(tag) > 50]
        if too_long:
            raise forms.ValidationError(f"A tag may be at most 50 characters: {too_long[0]}.")
        return list(dict.fromkeys(tags))

    def local_fields(self) -> dict[str, Any]:
        """The cleaned fields the services take as `LOCAL_FIELDS`, empty choices as None."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in LOCAL_FIELDS if name in self.fields}
        fields["data_providers"] = list(data.get("data_providers") or [])
        fields["tolerance_kind"] = data.get("tolerance_kind") or None
        if not fields.get("rollup_rule"):
            fields.pop("rollup_rule", None)
        if fields.get("factor") is None:
            fields.pop("factor", None)
        return fields

    def catalogue_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name)
            for name in CATALOGUE_LOCKED_FIELDS
            if name in self.fields and not self.fields[name].disabled
        }

    def fieldsets(self) -> list[tuple[str, list]]:
        groups = [
            ("Catalogue", ["catalogue_code"]),
            (
                "About the indicator",
                ["code", "title", "definition", "calculation_notes", "service_area", "tags"],
            ),
            ("People", ["owner", "verifier", "data_providers"]),
            (
                "What is measured",
                [
                    "unit_kind",
                    "unit_label",
                    "polarity",
                    "band_lower",
                    "band_upper",
                    "frequency",
                    "year_basis",
                    "decimal_places",
                ],
            ),
            (
                "Calculation and roll-up",
                [
                    "is_calculated",
                    "numerator_label",
                    "denominator_label",
                    "factor",
                    "rollup_rule",
                    "year_to_date",
                    "falls_back_to_annual_target",
                ],
            ),
            (
                "Valid values",
                ["valid_minimum", "valid_maximum", "whole_numbers", "out_of_range_policy"],
            ),
            (
                "Status and due dates",
                [
                    "tolerance_kind",
                    "tolerance_amount",
                    "commentary_required_when_off_target",
                    "due_day_of_following_month",
                    "due_lag_months",
                ],
            ),
            ("Why", ["reason"]),
        ]
        out = []
        for legend, names in groups:
            bound = [self[name] for name in names if name in self.fields]
            if bound:
                out.append((legend, bound))
        return out


def indicator_initial(indicator) -> dict[str, Any]:
    names = [*CATALOGUE_LOCKED_FIELDS, *LOCAL_FIELDS]
    initial = {name: getattr(indicator, name) for name in names if name != "data_providers"}
    initial["service_area"] = indicator.service_area_id
    initial["owner"] = indicator.owner_id
    initial["verifier"] = indicator.verifier_id
    initial["data_providers"] = [user.pk for user in indicator.data_providers.all()]
    initial["tags"] = ", ".join(indicator.tags or [])
    initial["tolerance_kind"] = indicator.tolerance_kind or ""
    return initial


class SubAreaChoice:
    """A form's optional choice of one of the PI's (unarchived) sub-areas."""

    def offer_sub_areas(self, sub_areas) -> None:
        self._sub_areas = {area.pk: area for area in sub_areas if area.archived_at is None}
        self.fields["sub_area"].choices = [
            ("", "The whole area"),
            *(
                (pk, f"{area.name} ({area.get_kind_display().lower()})")
                for pk, area in self._sub_areas.items()
            ),
        ]

    def chosen_sub_area(self):
        """The sub-area chosen (a SubArea), or None for the whole area."""
        chosen = self.cleaned_data.get("sub_area")
        return None if chosen is None else getattr(self, "_sub_areas", {}).get(chosen)


def sub_area_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Area or group",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "The whole area")],
    )


def target_period_choices(indicator) -> list:
    """The periods a PI's target can be set for, from the shared period picker: its own
    periods (the coming years first), then whole years for the annual target."""
    choices = period_choices(
        period_picker(type=indicator.period_type, years_ahead=2, blank="Choose a period")
    )
    year_type = PeriodType(indicator.year_basis)
    if indicator.period_type is not year_type:
        years = period_picker(type=year_type, years_ahead=2)
        whole = [(o.code, o.label) for group in years.groups for o in group.options]
        choices.append(("Whole years (the annual target)", whole))
    return choices


def year_choices(indicator) -> list:
    """The years a PI's annual target can be profiled for (the coming years first)."""
    years = period_picker(
        type=PeriodType(indicator.year_basis), years_ahead=2, blank="Choose a year"
    )
    return period_choices(years)


class TargetForm(SubAreaChoice, forms.Form):
    period = forms.CharField(label="Period", max_length=24)
    sub_area = sub_area_field()
    value = forms.CharField(label="Target", max_length=40)
    note = forms.CharField(label="Note", required=False, max_length=1000)
    reason = forms.CharField(label="Reason for the change", required=False, max_length=1000)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = period_field(target_period_choices(indicator))


class TargetProfileForm(SubAreaChoice, forms.Form):
    year = forms.CharField(label="Year", max_length=24)
    sub_area = sub_area_field()
    annual = forms.CharField(label="Annual target", max_length=40)
    method = forms.ChoiceField(
        label="Profile",
        choices=[
            ("flat", "Flat: each period gets its share of the year"),
            ("cumulative", "Cumulative: each period gets the running total to date"),
        ],
        initial="flat",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason for the change", required=False, max_length=1000)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = period_field(year_choices(indicator), label="Year")


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PerformanceSettings
        fields = [
            "tolerance_kind",
            "tolerance_amount",
            "due_day_of_following_month",
            "due_lag_months",
            "reminders_enabled",
        ]
        labels = {
            "tolerance_kind": "Default tolerance",
            "tolerance_amount": "Default tolerance amount",
            "due_day_of_following_month": "Values are due on this day of the month",
            "due_lag_months": "…this many months after the period ends",
            "reminders_enabled": "Send reminder e-mails",
        }
        help_texts = {
            "tolerance_amount": "Percent of the target, or an amount in each PI's unit. "
            "How far worse than target a value may be and still be a warning.",
            "due_day_of_following_month": "1 to 28. PIs may override it.",
            "due_lag_months": "0 to 12. With 1 and the 15th, Q1 (April–June) is due 15 July.",
        }
        error_messages = {
            "tolerance_amount": NUMBER_ERRORS,
            "due_day_of_following_month": {"invalid": "Enter a whole number from 1 to 28."},
            "due_lag_months": {"invalid": "Enter a whole number from 0 to 12."},
        }


class SubAreaForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=SubAreaKind.choices)
    name = forms.CharField(label="Name", max_length=200)
    code = forms.CharField(
        label="Short code", required=False, max_length=32, help_text="For example an ONS code."
    )


class IndicatorSubAreasForm(forms.Form):
    sub_areas = forms.TypedMultipleChoiceField(
        label="Areas and groups this indicator collects values for",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sub_areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_areas"].choices = [
            (area.pk, f"{area.name} ({area.get_kind_display().lower()})") for area in sub_areas
        ]


class ServiceAreaForm(forms.Form):
    name = forms.CharField(label="Service area name", max_length=200)
    code = forms.CharField(label="Short code", required=False, max_length=32)


class ValueEntryForm(SubAreaChoice, forms.Form):
    """One value for one PI and period. Numbers stay text here: the service parses them so
    that every interface gives the same message for "not a number"."""

    period = forms.CharField(label="Period", max_length=24)
    # Offered only for a PI that collects values by area or group (`offer_sub_areas`).
    sub_area = sub_area_field()
    value = forms.CharField(label="Value", required=False, max_length=40)
    numerator = forms.CharField(label="Numerator", required=False, max_length=40)
    denominator = forms.CharField(label="Denominator", required=False, max_length=40)
    state = forms.ChoiceField(
        label="What was recorded",
        choices=[
            (ValueState.ENTERED, "A value"),
            (ValueState.NOT_COLLECTED, "Not collected this period"),
            (ValueState.NOT_APPLICABLE, "Not applicable this period"),
        ],
        initial=ValueState.ENTERED,
        required=False,
    )
    confirm_out_of_range = forms.BooleanField(
        label="I confirm this value is right although it is outside the valid range or far "
        "from the previous period's",
        required=False,
    )
    out_of_range_note = forms.CharField(
        label="Why the value is right",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=1000,
        help_text="Only needed when correcting a value.",
    )
    # The version of the value the page showed (`services.values.value_version`): a save
    # made after someone else changed it is refused and shows theirs.
    version = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "period_code": data["period"].strip(),
            "value": data.get("value") or None,
            "numerator": data.get("numerator") or None,
            "denominator": data.get("denominator") or None,
            "state": data.get("state") or ValueState.ENTERED,
        }

    def show_version(self, version: str) -> None:
        """After a stale save: the form keeps what was typed but now answers to the version
        stored, so saving again replaces it deliberately."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = version


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason."},
    )


class CommentaryForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=())
    text = forms.CharField(
        label="Commentary",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the commentary."},
    )

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.label) for p in periods]


def _attributes(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html writes them: False leaves one out, True stands alone.
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A <select> written out in Python, in the markup of Django's own templates
    (django/forms/widgets/select.html and select_option.html) but without a template include
    per option: the report's list of periods has 30 and more, and their includes cost more
    than the rest of the report's form (bench/report.py). Grouped options are left to
    Django."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _, _ in groups):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{escape(option["value"])}"{_attributes(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for _, group, _ in groups
            for option in group
        )
        return mark_safe(  # noqa: S308 - every part is escaped above
            f'<select name="{conditional_escape(widget["name"])}"'
            f"{_attributes(widget['attrs'])}>{options}\n</select>"
        )


class ReportForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=(), widget=PlainSelect)
    # The service areas are those the page has read for the report (`service_areas`), so the
    # page reads them once.
    service_area = forms.TypedChoiceField(
        label="Service area", required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    approved_only = forms.BooleanField(label="Approved values only", required=False)
    year_columns = forms.BooleanField(
        label="Show the year to date, the annual target and last year's outturn", required=False
    )
    sub_areas = forms.BooleanField(
        label="Show values by area or group (wards, localities, groups)", required=False
    )
    forecast = forms.BooleanField(
        label="Show the year-end forecast (likely, uncertain or unlikely to meet the annual "
        "target)",
        required=False,
    )
    cost = forms.BooleanField(
        label="Show the cost beside performance (unit cost and its trend)", required=False
    )
    data_quality = forms.BooleanField(
        label="Show each PI's data-quality score (good, some concerns or poor)", required=False
    )
    persistence = forms.BooleanField(
        label="Show how many periods in a row each PI has been off target, and SPC concerns",
        required=False,
    )
    off_target_at_least = forms.IntegerField(
        label="Only PIs off target for at least this many periods in a row",
        required=False,
        min_value=1,
        max_value=99,
    )
    special_cause_concerning = forms.BooleanField(
        label="Only PIs whose SPC chart shows special cause concerning", required=False
    )

    def __init__(self, *args, periods=(), service_areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.label) for p in periods]
        self._service_areas = {area.pk: area for area in service_areas}
        self.fields["service_area"].choices = [
            ("", "All service areas"),
            *((area.pk, area.name) for area in service_areas),
        ]

    def clean_service_area(self):
        chosen = self.cleaned_data.get("service_area")
        return None if chosen is None else self._service_areas[chosen]
