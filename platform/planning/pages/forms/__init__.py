"""Forms of the planning pages. They only parse input; services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator

from ...domain.choices import (
    ActionSource,
    ActionState,
    MonitoringZone,
    Priority,
    RegisterKind,
    RiskState,
)
from ...models import Action, ActionPlan, Risk, RiskRegister, StrategyNode


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
