"""Forms of the planning pages. They only parse input; services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator

from .choices import ActionSource, ActionState, MonitoringZone, Priority, RegisterKind, RiskState
from .models import Action, ActionPlan, Risk, RiskRegister, StrategyNode


class PlanningForm(forms.Form):
    """A form whose "required" errors name the field ("Enter the due date.", "Choose the
    action plan."), so the error summary reads on its own, out of the form's context."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.error_messages.get("required") != default:
                continue  # the field names its own message
            what = str(field.label or "").split(" (")[0].lower()
            choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
            verb = "Choose" if choosing else "Enter"
            field.error_messages["required"] = f"{verb} the {what}."


class ActionUpdateForm(PlanningForm):
    progress = forms.IntegerField(
        label="Progress (%)", min_value=0, max_value=100, help_text="A whole number, 0 to 100."
    )
    state = forms.ChoiceField(label="State", choices=ActionState.choices)
    note = forms.CharField(
        label="What has happened since the last update",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what has happened since the last update."},
    )


class EscalateForm(PlanningForm):
    to_zone = forms.TypedChoiceField(
        label="Escalate to",
        coerce=int,
        choices=MonitoringZone.choices,
        error_messages={"required": "Choose the zone to escalate to."},
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class RiskReviewForm(PlanningForm):
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


class EvidenceForm(PlanningForm):
    file = forms.FileField(
        label="File",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or image.",
        error_messages={"required": "Choose a file to upload."},
    )
    description = forms.CharField(label="Description (optional)", required=False, max_length=500)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search by code or words", required=False, max_length=200)


# --- Choosing people, PIs and planning items -----------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class ItemChoiceField(forms.ModelChoiceField):
    """Anything with a code and a title, shown as both so similar titles can be told apart."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.title}"


class ItemMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.title}"


def people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("full_name", "email")


def person_field(label: str, *, help_text: str = "") -> PersonChoiceField:
    return PersonChoiceField(
        label=label, queryset=people(), required=False, empty_label="Nobody", help_text=help_text
    )


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def text_area(label: str, *, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


MULTI_HINT = "Hold Ctrl (Cmd on a Mac) and use the arrow keys and Space to choose several."


def multi_items(label: str, queryset: QuerySet) -> ItemMultipleChoiceField:
    return ItemMultipleChoiceField(
        label=label,
        queryset=queryset,
        required=False,
        help_text=MULTI_HINT,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


def active_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(is_active=True).order_by("code")


def level_choices(matrix, which: str) -> list[tuple[int, str]]:
    labels = matrix.likelihood_labels if which == "likelihood" else matrix.impact_labels
    return [(i, f"{i} – {label}") for i, label in enumerate(labels, start=1)]


# --- Strategy -------------------------------------------------------------------------------


class StrategyNodeForm(PlanningForm):
    level = forms.TypedChoiceField(label="Level", coerce=int, choices=())
    parent = ItemChoiceField(
        label="Part of",
        queryset=StrategyNode.objects.none(),
        required=False,
        empty_label="Nothing: a top-level item",
        help_text="An item sits at a deeper level than the one it is part of.",
    )
    code = forms.CharField(label="Code", max_length=32, help_text="Unique, for example CP2.1.")
    title = forms.CharField(label="Title", max_length=300)
    description = text_area("Description")
    owner = person_field("Owner")
    position = forms.IntegerField(
        label="Position among its siblings",
        min_value=0,
        initial=0,
        help_text="Lower numbers are listed first.",
    )

    def __init__(self, *args, level_names, parents: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (i, f"{i} – {name}") for i, name in enumerate(level_names, start=1)
        ]
        self.fields["parent"].queryset = parents


class IndicatorLinkForm(PlanningForm):
    indicator = ItemChoiceField(
        label="PI", queryset=Indicator.objects.none(), empty_label="Choose a PI"
    )
    weight = forms.DecimalField(
        label="Weight (optional)",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text="Counts this PI more (or less) in the weighted score; leave blank for none. "
        "Linking a PI that is already linked changes its weight.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = active_indicators()


class ActionLinkForm(PlanningForm):
    action = ItemChoiceField(
        label="Action", queryset=Action.objects.none(), empty_label="Choose an action"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = Action.objects.exclude(state="cancelled").order_by("code")


class RiskLinkForm(PlanningForm):
    risk = ItemChoiceField(label="Risk", queryset=Risk.objects.none(), empty_label="Choose a risk")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = Risk.objects.filter(state="open").order_by("code")


# --- Action plans, actions and milestones -----------------------------------------------------


class ActionPlanForm(PlanningForm):
    code = forms.CharField(label="Code", max_length=32)
    title = forms.CharField(label="Title", max_length=300)
    description = text_area("Description")
    owner = person_field("Owner", help_text="Leave as Nobody to own it yourself.")
    strategy_node = ItemChoiceField(
        label="Delivers (strategy item)",
        queryset=StrategyNode.objects.none(),
        required=False,
        empty_label="Not linked to the strategy",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy_node"].queryset = StrategyNode.objects.order_by("level", "code")


class ActionPlanEditForm(ActionPlanForm):
    owner = person_field("Owner")
    is_active = forms.BooleanField(label="The plan is active", required=False)


class ActionForm(PlanningForm):
    """An action's details; `plan` and `monitoring_zone` are only chosen when it is created
    (later, a zone changes only by escalation, which keeps its history)."""

    plan = ItemChoiceField(
        label="Action plan", queryset=ActionPlan.objects.none(), empty_label="Choose a plan"
    )
    code = forms.CharField(label="Code", max_length=32)
    title = forms.CharField(label="Title", max_length=300)
    description = text_area("Description")
    assigned_to = person_field("Assigned to", help_text="Who does it and reports progress.")
    managed_by = person_field("Managed by")
    lead_councillor = person_field("Lead councillor")
    start_date = date_field("Start date")
    due_date = date_field("Due date")
    source = forms.ChoiceField(label="Source", choices=ActionSource.choices)
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices)
    monitoring_zone = forms.TypedChoiceField(
        label="Monitoring zone", coerce=int, choices=MonitoringZone.choices
    )
    indicators = multi_items("Linked PIs", Indicator.objects.none())

    def __init__(self, *args, plans: QuerySet | None = None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["plan"]
            del self.fields["monitoring_zone"]
        else:
            self.fields["plan"].queryset = plans
        self.fields["indicators"].queryset = active_indicators()


class MilestoneForm(PlanningForm):
    title = forms.CharField(label="Milestone", max_length=300)
    due_date = date_field("Due date")


class MilestoneEditForm(MilestoneForm):
    completed_on = date_field(
        "Completed on", required=False, help_text="Leave blank while it is not complete."
    )


# --- Risk registers and risks -----------------------------------------------------------------


class RiskRegisterForm(PlanningForm):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Type of register", choices=RegisterKind.choices)
    description = text_area("Description")
    owner = person_field("Owner", help_text="Leave as Nobody to own it yourself.")


class RiskRegisterEditForm(RiskRegisterForm):
    owner = person_field("Owner")


class RiskForm(PlanningForm):
    """A risk's details. The current likelihood and impact are entered when it is created;
    after that they change only through a review, which dates the change."""

    register = forms.ModelChoiceField(
        label="Register", queryset=RiskRegister.objects.none(), empty_label="Choose a register"
    )
    code = forms.CharField(label="Code", max_length=32)
    title = forms.CharField(label="Title", max_length=300)
    description = text_area("Description")
    causes = text_area("Causes")
    consequences = text_area("Consequences")
    owner = person_field("Owner", help_text="Leave as Nobody to own it yourself.")
    inherent_likelihood = forms.TypedChoiceField(
        label="Inherent likelihood (before controls)", coerce=int, choices=()
    )
    inherent_impact = forms.TypedChoiceField(
        label="Inherent impact (before controls)", coerce=int, choices=()
    )
    current_likelihood = forms.TypedChoiceField(label="Current likelihood", coerce=int, choices=())
    current_impact = forms.TypedChoiceField(label="Current impact", coerce=int, choices=())
    target_likelihood = forms.TypedChoiceField(label="Target likelihood", coerce=int, choices=())
    target_impact = forms.TypedChoiceField(label="Target impact", coerce=int, choices=())
    controls = text_area("Controls in place")
    review_date = date_field("Next review date")
    state = forms.ChoiceField(label="State", choices=RiskState.choices)
    mitigating_actions = multi_items("Mitigating actions", Action.objects.none())
    indicators = multi_items("Linked PIs", Indicator.objects.none())

    def __init__(self, *args, matrix, registers: QuerySet | None = None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name.endswith("_likelihood"):
                field.choices = level_choices(matrix, "likelihood")
            elif name.endswith("_impact"):
                field.choices = level_choices(matrix, "impact")
        if editing:
            for name in ("register", "current_likelihood", "current_impact"):
                del self.fields[name]
            self.fields["owner"].help_text = ""
        else:
            del self.fields["state"]
            self.fields["register"].queryset = registers
        self.fields["mitigating_actions"].queryset = Action.objects.exclude(
            state="cancelled"
        ).order_by("code")
        self.fields["indicators"].queryset = active_indicators()


# --- The organisation's planning settings -----------------------------------------------------

MAX_LEVELS = 10
MAX_BANDS = 6
BAND_PARTS = ("name", "min", "max", "colour")


class StrategyLevelsForm(PlanningForm):
    """One box per level, top first; blank boxes at the end are not levels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_LEVELS + 1):
            self.fields[f"level_{number}"] = forms.CharField(
                label=f"Level {number} name",
                max_length=100,
                required=number == 1,
            )

    def clean(self):
        data = super().clean()
        names = [(data.get(f"level_{n}") or "").strip() for n in range(1, MAX_LEVELS + 1)]
        while names and not names[-1]:
            names.pop()
        for number, name in enumerate(names, start=1):
            if not name:
                self.add_error(
                    f"level_{number}",
                    f"Name level {number}, or move the names below it up: levels cannot be "
                    "skipped.",
                )
        data["strategy_level_names"] = names
        return data


class ActionDigestSettingsForm(PlanningForm):
    digest_enabled = forms.BooleanField(
        label="E-mail managers a digest of their people's overdue actions", required=False
    )
    digest_interval_days = forms.IntegerField(
        label="Send the digest every (days)",
        min_value=1,
        max_value=90,
        help_text="From 1 to 90 days; 14 is fortnightly.",
    )
    action_tolerance_points = forms.IntegerField(
        label="Progress tolerance (percentage points)",
        min_value=0,
        max_value=100,
        help_text="How far an action's progress may lag the straight line from its start to "
        "its due date before it is shown as 'check progress'.",
    )


class RiskMatrixForm(PlanningForm):
    size = forms.TypedChoiceField(
        label="Matrix size",
        coerce=int,
        choices=[(4, "4 × 4"), (5, "5 × 5")],
    )
    use_defaults = forms.BooleanField(
        label="Replace the labels and bands below with the standard ones for this size",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for axis in ("likelihood", "impact"):
            for level in range(1, 6):
                self.fields[f"{axis}_{level}"] = forms.CharField(
                    label=f"{axis.title()} {level}",
                    max_length=60,
                    required=False,
                    help_text="Only used by a 5 × 5 matrix." if level == 5 else "",
                )
        for number in range(1, MAX_BANDS + 1):
            self.fields[f"band_{number}_name"] = forms.CharField(
                label=f"Band {number} name", max_length=60, required=False
            )
            self.fields[f"band_{number}_min"] = forms.IntegerField(
                label=f"Band {number} lowest score", min_value=1, max_value=25, required=False
            )
            self.fields[f"band_{number}_max"] = forms.IntegerField(
                label=f"Band {number} highest score", min_value=1, max_value=25, required=False
            )
            self.fields[f"band_{number}_colour"] = forms.RegexField(
                label=f"Band {number} colour",
                regex=r"^#[0-9a-fA-F]{6}$",
                required=False,
                help_text="A hex colour such as #d4351c.",
                error_messages={"invalid": "Enter the colour as # and six hex digits: #d4351c."},
            )

    @property
    def likelihood_fields(self) -> list:
        return [self[f"likelihood_{level}"] for level in range(1, 6)]

    @property
    def impact_fields(self) -> list:
        return [self[f"impact_{level}"] for level in range(1, 6)]

    def band_rows(self) -> list[dict]:
        return [
            {
                "number": number,
                **{part: self[f"band_{number}_{part}"] for part in BAND_PARTS},
            }
            for number in range(1, MAX_BANDS + 1)
        ]

    @classmethod
    def initial_from(cls, settings) -> dict:
        initial: dict = {"size": settings.risk_matrix_size}
        for axis, labels in (
            ("likelihood", settings.likelihood_labels),
            ("impact", settings.impact_labels),
        ):
            for level, label in enumerate(labels, start=1):
                initial[f"{axis}_{level}"] = label
        for number, band in enumerate(settings.risk_bands, start=1):
            for part in ("name", "min", "max", "colour"):
                initial[f"band_{number}_{part}"] = band.get(part)
        return initial

    def clean(self):
        data = super().clean()
        size = data.get("size")
        if size is None or data.get("use_defaults"):
            return data
        for axis in ("likelihood", "impact"):
            labels = [(data.get(f"{axis}_{level}") or "").strip() for level in range(1, 6)]
            for level in range(1, size + 1):
                if not labels[level - 1]:
                    message = f"Name {axis} level {level} of the {size} × {size} matrix."
                    self.add_error(f"{axis}_{level}", message)
            data[f"{axis}_labels"] = labels[:size]
        data["risk_bands"] = self._bands(data, size)
        return data

    def _bands(self, data: dict, size: int) -> list[dict]:
        bands = []
        for number in range(1, MAX_BANDS + 1):
            parts = {part: data.get(f"band_{number}_{part}") for part in ("name", "min", "max")}
            parts["colour"] = data.get(f"band_{number}_colour")
            filled = [part for part, value in parts.items() if value not in (None, "")]
            invalid = [part for part in BAND_PARTS if f"band_{number}_{part}" in self.errors]
            if not filled and not invalid:
                continue
            for part, value in parts.items():
                if value in (None, "") and part not in invalid:
                    what = {"min": "lowest score", "max": "highest score"}.get(part, part)
                    self.add_error(
                        f"band_{number}_{part}",
                        f"Band {number} needs a {what}, or clear the whole row to remove it.",
                    )
            if len(filled) == 4:
                bands.append({**parts, "name": parts["name"].strip(), "number": number})
        if self.errors:
            return []
        for message in band_coverage_problems(bands, size):
            self.add_error(None, message)
        return [{key: band[key] for key in ("name", "min", "max", "colour")} for band in bands]


def band_coverage_problems(bands: list[dict], size: int) -> list[str]:
    """Each score from 1 to size² must be in exactly one band: name the scores that are in
    none or in more than one, and the bands involved, so the fix is obvious."""
    if not bands:
        return ["Add at least one band: every score needs a named rating."]
    top = size * size
    problems = []
    for band in bands:
        if band["min"] > band["max"]:
            problems.append(
                f"Band {band['number']} ({band['name']}) starts at {band['min']}, above where "
                f"it ends ({band['max']})."
            )
        elif band["max"] > top:
            problems.append(
                f"Band {band['number']} ({band['name']}) ends at {band['max']}, but the highest "
                f"score on a {size} × {size} matrix is {top}."
            )
    if problems:
        return problems
    holders: dict[int, list[str]] = {score: [] for score in range(1, top + 1)}
    for band in bands:
        for score in range(band["min"], band["max"] + 1):
            holders[score].append(band["name"])
    missing = [score for score, names in holders.items() if not names]
    doubled = {score: names for score, names in holders.items() if len(names) > 1}
    if missing:
        problems.append(
            f"Every score from 1 to {top} must be in a band; {_scores(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} in none."
        )
    if doubled:
        score, names = next(iter(doubled.items()))
        problems.append(
            f"Each score must be in exactly one band; {_scores(list(doubled))} "
            f"{'is' if len(doubled) == 1 else 'are'} in more than one (score {score} is in "
            f"{' and '.join(names)})."
        )
    return problems


def _scores(scores: list[int]) -> str:
    """'score 5', 'scores 5 to 7', 'scores 3, 9 to 10'."""
    runs: list[str] = []
    start = previous = scores[0]
    for score in [*scores[1:], None]:
        if score is not None and score == previous + 1:
            previous = score
            continue
        runs.append(str(start) if start == previous else f"{start} to {previous}")
        if score is not None:
            start = previous = score
    label = "score" if len(scores) == 1 else "scores"
    return f"{label} {', '.join(runs)}"
