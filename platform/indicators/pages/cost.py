"""The cost section of a PI page: its cost and unit cost beside its values, with the unit
cost's trend in words, and the performance officer's form to pair it with a cost measure."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.indicators.domain.cost import UNIT_COST_PLACES

from ..domain.choices import CostMeasure, UnitKind
from ..models import Indicator
from ..permissions import can_manage_indicators
from ..selectors.cost import indicator_cost
from ..services.cost import cost_pairing_clear, cost_pairing_set
from ..templatetags.indicators import pi_number
from .common import indicator_or_404

REFUSED = "Only performance officers and organisation administrators may pair a PI with a cost."


def _cost_candidates(indicator: Indicator) -> list[Indicator]:
    """Money PIs that could be this PI's cost: active, not itself, of the same periods."""
    return [
        pi
        for pi in Indicator.objects.filter(unit_kind=UnitKind.MONEY, is_active=True)
        .exclude(pk=indicator.pk)
        .only("id", "code", "title", "frequency", "year_basis")
        if pi.period_type == indicator.period_type
    ]


class CostPairingForm(forms.Form):
    cost_indicator = forms.ChoiceField(
        label="Cost PI",
        help_text="A PI measured in money, collected as often as this one.",
        error_messages={"required": "Choose the PI that holds what this one costs."},
    )
    measure = forms.ChoiceField(
        label="What the cost PI holds",
        choices=CostMeasure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the cost PI holds spend or a unit cost."},
    )

    def __init__(self, *args, candidates: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(pi.pk): pi for pi in candidates}
        self.fields["cost_indicator"].choices = [("", "Choose a PI"), *[
            (key, f"{pi.code} {pi.title}") for key, pi in self.candidates.items()
        ]]  # fmt: skip


def _money(value) -> str:
    return "" if value is None else f"£{value:,.{UNIT_COST_PLACES}f}"


def cost_context(request: HttpRequest, indicator: Indicator, form=None) -> dict:
    view = indicator_cost(indicator=indicator)
    manager = can_manage_indicators(request.user)
    if manager and form is None:
        initial = (
            {"cost_indicator": str(view.pairing.cost_indicator_id), "measure": view.pairing.measure}
            if view
            else {"measure": CostMeasure.SPEND}
        )
        form = CostPairingForm(candidates=_cost_candidates(indicator), initial=initial)
    rows = []
    if view is not None:
        cost_pi = view.pairing.cost_indicator
        rows = [
            {
                "period": period,
                "value": pi_number(point.value, indicator) if point.value is not None else "",
                "cost": pi_number(point.cost, cost_pi) if point.cost is not None else "",
                "unit_cost": _money(point.unit_cost),
            }
            for period, point in reversed(view.points)
        ]
    return {
        "cost": view,
        "cost_rows": rows,
        "cost_latest_unit": _money(view.latest.unit_cost) if view and view.latest else "",
        "cost_form": form if manager else None,
    }


@login_required
@require_POST
def cost_pairing_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Pair the PI with a cost measure ("pair"), or end its pairing ("unpair")."""
    from .detail import render_detail  # the PI page draws this section: imported late

    indicator = indicator_or_404(pk)
    refuse_unless(can_manage_indicators(request.user), REFUSED)
    if request.POST.get("action") == "unpair":
        cost_pairing_clear(actor=request.user, indicator=indicator)
        messages.success(request, f"{indicator.code} no longer has a cost measure.")
        return redirect(reverse("indicators:detail", kwargs={"pk": indicator.pk}) + "#cost-heading")
    form = CostPairingForm(request.POST, candidates=_cost_candidates(indicator))
    if form.is_valid():
        try:
            pairing = cost_pairing_set(
                actor=request.user,
                indicator=indicator,
                cost_indicator=form.candidates[form.cleaned_data["cost_indicator"]],
                measure=form.cleaned_data["measure"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request, f"{indicator.code}'s cost is now {pairing.cost_indicator.code}."
            )
            return redirect(
                reverse("indicators:detail", kwargs={"pk": indicator.pk}) + "#cost-heading"
            )
    return render_detail(request, indicator, status=400, cost_form=form)
