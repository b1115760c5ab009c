"""The SPC section of a PI page: the XmR chart (`core.charts.xmr_chart`), its variation and
assurance summaries in words with icons, and a table of the same figures."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from goldenthread.platform.core.charts import LineChart, xmr_chart
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.indicators.domain.spc import MINIMUM_POINTS, SummaryPresentation

from ..models import Indicator
from ..permissions import can_manage_indicators
from ..selectors.spc import SpcChart, indicator_spc
from ..services.spc import spc_baseline_clear, spc_baseline_set
from ..templatetags.icons import icon_svg
from ..templatetags.indicators import pi_number

MAX_POINTS = 36


def summary_badge(shown: SummaryPresentation) -> SafeString:
    return format_html(
        '<span class="badge spc-summary">{} <strong>{}</strong>: {}</span>',
        icon_svg(shown.icon),
        shown.label,
        shown.words,
    )


def _figure(value: float | None, indicator: Indicator) -> str:
    return "" if value is None else pi_number(Decimal(str(round(value, 6))), indicator)


def build_spc_chart(indicator: Indicator, spc: SpcChart) -> LineChart | None:
    result = spc.result
    if not result.enough_points:
        return None
    points = list(zip(spc.periods, result.points, strict=True))[-MAX_POINTS:]
    texts = [
        f"{period.label}: {_figure(point.value, indicator)}"
        + (f" – special cause: {'; '.join(point.rule_words)}" if point.rules else "")
        for period, point in points
    ]
    return xmr_chart(
        dom_id="spc-chart",
        title=f"{indicator.code}: SPC (XmR) chart",
        description=(
            f"{len(points)} values of {indicator.code} from {points[0][0].label} to "
            f"{points[-1][0].label}, with their mean {_figure(result.mean, indicator)} and "
            f"process limits {_figure(result.lower_limit, indicator)} to "
            f"{_figure(result.upper_limit, indicator)}. "
            f"{result.variation_presentation.label}; {result.assurance_presentation.label}. "
            "Special-cause points are diamonds. The same figures are in the table below."
        ),
        periods=[period.code for period, _ in points],
        values=[point.value for _, point in points],
        mean=result.mean,
        upper=result.upper_limit,
        lower=result.lower_limit,
        special=[point.special_cause for _, point in points],
        texts=texts,
        number=lambda number: pi_number(number, indicator),
    )


REFUSED = (
    "Only performance officers and organisation administrators may choose the periods SPC "
    "limits are calculated from."
)


class SpcBaselineForm(forms.Form):
    """The officer's baseline: a run of periods with values (at least the SPC minimum)."""

    first_period = forms.ChoiceField(label="First period of the baseline")
    last_period = forms.ChoiceField(label="Last period of the baseline")
    reason = forms.CharField(
        label="Reason",
        help_text="Why the limits should come from these periods, e.g. a change of process.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason for recalculating the limits."},
    )

    def __init__(self, *args, spc: SpcChart, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(period.code, period.label) for period in spc.periods]
        self.fields["first_period"].choices = choices
        self.fields["last_period"].choices = list(reversed(choices))


def _baseline_form(spc: SpcChart, user, form) -> SpcBaselineForm | None:
    if not can_manage_indicators(user) or not spc.result.enough_points:
        return None
    if form is not None:
        return form
    initial = {}
    if spc.baseline is not None:
        initial = {
            "first_period": spc.baseline.first_period_code,
            "last_period": spc.baseline.last_period_code,
        }
    return SpcBaselineForm(spc=spc, initial=initial)


def spc_context(indicator: Indicator, *, user=None, form=None) -> dict:
    spc = indicator_spc(indicator=indicator)
    result = spc.result
    return {
        "spc_baseline_form": _baseline_form(spc, user, form),
        "spc": spc,
        "spc_chart": build_spc_chart(indicator, spc),
        "spc_minimum": MINIMUM_POINTS,
        "spc_variation": summary_badge(result.variation_presentation),
        "spc_assurance": summary_badge(result.assurance_presentation),
        "spc_rows": [
            {
                "period": period,
                "value": _figure(point.value, indicator),
                "moving_range": _figure(point.moving_range, indicator),
                "rules": point.rule_words,
                "in_baseline": point.in_baseline,
            }
            for period, point in reversed(list(zip(spc.periods, result.points, strict=True)))
        ],
        "spc_mean": _figure(result.mean, indicator),
        "spc_upper": _figure(result.upper_limit, indicator),
        "spc_lower": _figure(result.lower_limit, indicator),
    }


def _back(indicator: Indicator) -> HttpResponse:
    return redirect(reverse("indicators:detail", kwargs={"pk": indicator.pk}) + "#spc-heading")


@login_required
@require_POST
def spc_baseline_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the SPC baseline ("set") or go back to limits from every value ("clear"); both
    recorded in the PI's audit trail by `services.spc`."""
    from .common import indicator_or_404
    from .detail import render_detail  # the PI page draws this section: imported late

    indicator = indicator_or_404(pk)
    refuse_unless(can_manage_indicators(request.user), REFUSED)
    if request.POST.get("action") == "clear":
        spc_baseline_clear(
            actor=request.user, indicator=indicator, reason=request.POST.get("reason", "")
        )
        messages.success(request, f"{indicator.code}'s SPC limits are calculated from every value.")
        return _back(indicator)
    form = SpcBaselineForm(request.POST, spc=indicator_spc(indicator=indicator))
    if form.is_valid():
        try:
            baseline = spc_baseline_set(
                actor=request.user,
                indicator=indicator,
                first_period_code=form.cleaned_data["first_period"],
                last_period_code=form.cleaned_data["last_period"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{indicator.code}'s SPC limits are calculated from "
                f"{baseline.first_period_code} to {baseline.last_period_code}.",
            )
            return _back(indicator)
    return render_detail(request, indicator, status=400, spc_baseline_form=form)
