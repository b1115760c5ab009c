"""Search across PIs, plans, actions, risks and strategy nodes by code and words.

Plain case-insensitive containment (`icontains`), every word of the query required in the
code, title or description. No PostgreSQL full-text: codes like "NI 192" or "ACT-0042" must
match on fragments, which stemming would not do, and each organisation's tables are small
enough (thousands of rows) for a scan per kind. One query per kind, each capped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from goldenthread.platform.indicators.models import Indicator

from ..models import Action, ActionPlan, Risk, StrategyNode

PER_KIND = 25
MAX_WORDS = 8


@dataclass
class SearchResults:
    query: str
    indicators: list
    plans: list
    actions: list
    risks: list
    nodes: list

    @property
    def total(self) -> int:
        return sum(
            len(items)
            for items in (self.indicators, self.plans, self.actions, self.risks, self.nodes)
        )


def _matching(words: list[str], fields: tuple[str, ...]) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def search(*, query: str, limit: int = PER_KIND) -> SearchResults:
    words = [word for word in (query or "").split() if word][:MAX_WORDS]
    if not words:
        return SearchResults(query="", indicators=[], plans=[], actions=[], risks=[], nodes=[])
    text = ("code", "title", "description")

    def find(model, fields=text, related=()):
        return list(
            model.objects.select_related(*related)
            .filter(_matching(words, fields))
            .order_by("code")[:limit]
        )

    return SearchResults(
        query=" ".join(words),
        indicators=find(Indicator, ("code", "title", "definition")),
        plans=find(ActionPlan),
        actions=find(Action, related=("plan",)),
        risks=find(Risk, related=("register",)),
        nodes=find(StrategyNode),
    )
