"""What a report definition says: which PIs (the scope), which of them (the exception filters),
which sections with what narrative, which layout, and the cover. Pure: `DefinitionSpec.parse`
checks plain data (a form's or an API's) and names each problem; `as_data()` is what a
version stores.

The council's rules:
- Scope: every active PI, or those linked to chosen priorities or themes of the strategy (and
  to anything beneath them: the golden thread), or those of chosen service areas, or a chosen
  set of PIs, or those carrying a tag.
- Exception filters keep only PIs that are off target, warning, missing, or red (off target)
  for each of the last N periods; with no filter every PI in scope is shown. Several filters
  keep a PI that meets any of them.
- Approved values only unless the definition says otherwise; then every figure not yet
  approved is marked, and so is the pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from goldenthread.platform.core.errors import DomainError

from .pack import ACTIONS, PIS, RISKS

# Scopes
ALL, PRIORITIES, SERVICE_AREAS, INDICATORS, TAG = "all", "priorities", "service_areas", "pis", "tag"
SCOPE_WORDS = {
    ALL: "Every active PI",
    PRIORITIES: "PIs linked to chosen priorities or themes",
    SERVICE_AREAS: "PIs of chosen service areas",
    INDICATORS: "A chosen set of PIs",
    TAG: "PIs with a tag",
}
# Exception filters
OFF_TARGET, WARNING, MISSING, RED_FOR_PERIODS = "off_target", "warning", "missing", "red_for"
FILTER_WORDS = {
    OFF_TARGET: "Off target",
    WARNING: "Warning: just off target",
    MISSING: "Missing a value",
    RED_FOR_PERIODS: "Off target for each of the last N periods",
}
MIN_RED_PERIODS, MAX_RED_PERIODS = 2, 8
# Layouts
COMMITTEE, CORPORATE_PRIORITIES, SUMMARY = "committee", "priorities", "summary"
LAYOUT_WORDS = {
    COMMITTEE: "Committee report",
    CORPORATE_PRIORITIES: "Corporate priorities",
    SUMMARY: "Summary",
}
LAYOUT_HINTS = {
    COMMITTEE: (
        "Value, target, status, the previous period with the short-term trend, the same period "
        "last year with the long-term trend, and the latest commentary."
    ),
    CORPORATE_PRIORITIES: (
        "Per priority: each quarter's value and target for the year so far, the annual target "
        "and last year's outturn."
    ),
    SUMMARY: "How many PIs are on target, warning, off target or missing, per section.",
}
# Optional PI columns (committee and corporate priorities layouts), as the quarterly report has.
COST, DATA_QUALITY, PERSISTENCE = "cost", "data_quality", "persistence"
EXTRA_COLUMN_WORDS = {
    COST: "Cost: the cost PI's figure and the unit cost beside each PI with a cost measure",
    DATA_QUALITY: "Data quality: each PI's data-quality score in words",
    PERSISTENCE: "Off target in a row: periods off target in a row, and SPC special cause",
}
SECTION_WORDS = {PIS: "Performance indicators", ACTIONS: "Actions", RISKS: "Risks"}
MAX_TEXT = 20_000
MAX_TITLE = 200


@dataclass(frozen=True)
class SectionSpec:
    kind: str
    title: str
    narrative: str = ""

    @property
    def key(self) -> str:
        return self.kind


@dataclass(frozen=True)
class DefinitionSpec:
    title: str
    layout: str = COMMITTEE
    scope: str = ALL
    strategy_node_ids: tuple[int, ...] = ()
    service_area_ids: tuple[int, ...] = ()
    indicator_ids: tuple[int, ...] = ()
    tag: str = ""
    filters: tuple[str, ...] = ()
    red_periods: int = 3
    sections: tuple[SectionSpec, ...] = (SectionSpec(PIS, SECTION_WORDS[PIS]),)
    approved_only: bool = True
    include_retired: bool = False
    charts: bool = False
    cost: bool = False
    data_quality: bool = False
    persistence: bool = False
    cover_subtitle: str = ""
    cover_text: str = ""

    @property
    def layout_words(self) -> str:
        return LAYOUT_WORDS[self.layout]

    @property
    def scope_words(self) -> str:
        return SCOPE_WORDS[self.scope]

    @property
    def filter_words(self) -> list[str]:
        return [
            FILTER_WORDS[name].replace("N", str(self.red_periods))
            if name == RED_FOR_PERIODS
            else FILTER_WORDS[name]
            for name in self.filters
        ]

    @property
    def extra_columns(self) -> tuple[str, ...]:
        """The optional PI columns chosen, in a fixed order."""
        return tuple(name for name in EXTRA_COLUMN_WORDS if getattr(self, name))

    @property
    def extra_column_words(self) -> list[str]:
        return [EXTRA_COLUMN_WORDS[name].split(":")[0] for name in self.extra_columns]

    def section(self, kind: str) -> SectionSpec | None:
        return next((section for section in self.sections if section.kind == kind), None)

    def as_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "layout": self.layout,
            "scope": self.scope,
            "strategy_node_ids": list(self.strategy_node_ids),
            "service_area_ids": list(self.service_area_ids),
            "indicator_ids": list(self.indicator_ids),
            "tag": self.tag,
            "filters": list(self.filters),
            "red_periods": self.red_periods,
            "sections": [
                {"kind": s.kind, "title": s.title, "narrative": s.narrative} for s in self.sections
            ],
            "approved_only": self.approved_only,
            "include_retired": self.include_retired,
            "charts": self.charts,
            "cost": self.cost,
            "data_quality": self.data_quality,
            "persistence": self.persistence,
            "cover_subtitle": self.cover_subtitle,
            "cover_text": self.cover_text,
        }

    @classmethod
    def parse(cls, data: dict[str, Any]) -> DefinitionSpec:
        """Check plain data; a DomainError names every problem (`extra["fields"]`: field name to
        message), so a form can show each beside its field."""
        problems: dict[str, str] = {}
        title = _text(data.get("title"), "title", problems, required=True, limit=MAX_TITLE)
        layout = _choice(data.get("layout", COMMITTEE), LAYOUT_WORDS, "layout", problems)
        scope = _choice(data.get("scope", ALL), SCOPE_WORDS, "scope", problems)
        node_ids = _ids(data.get("strategy_node_ids"), "strategy_node_ids", problems)
        area_ids = _ids(data.get("service_area_ids"), "service_area_ids", problems)
        indicator_ids = _ids(data.get("indicator_ids"), "indicator_ids", problems)
        tag = _text(data.get("tag"), "tag", problems, limit=50)
        needed = {
            PRIORITIES: ("strategy_node_ids", node_ids, "Choose at least one priority or theme."),
            SERVICE_AREAS: ("service_area_ids", area_ids, "Choose at least one service area."),
            INDICATORS: ("indicator_ids", indicator_ids, "Choose at least one PI."),
            TAG: ("tag", tag, "Enter the tag the PIs carry."),
        }
        if scope in needed:
            name, chosen, message = needed[scope]
            if not chosen and name not in problems:
                problems[name] = message
        filters = _filters(data.get("filters"), problems)
        red_periods = _red_periods(data.get("red_periods", 3), problems)
        sections = _sections(data.get("sections"), problems)
        if layout == CORPORATE_PRIORITIES and scope != PRIORITIES and "scope" not in problems:
            problems["scope"] = (
                "The corporate priorities layout groups PIs by priority: choose the priorities "
                "or themes to report."
            )
        cover_subtitle = _text(data.get("cover_subtitle"), "cover_subtitle", problems, limit=300)
        cover_text = _text(data.get("cover_text"), "cover_text", problems, limit=MAX_TEXT)
        if problems:
            raise DomainError(
                "The report definition has problems: " + " ".join(problems.values()),
                extra={"fields": problems},
            )
        return cls(
            title=title,
            layout=layout,
            scope=scope,
            strategy_node_ids=node_ids if scope == PRIORITIES else (),
            service_area_ids=area_ids if scope == SERVICE_AREAS else (),
            indicator_ids=indicator_ids if scope == INDICATORS else (),
            tag=tag if scope == TAG else "",
            filters=filters,
            red_periods=red_periods,
            sections=sections,
            approved_only=_flag(data.get("approved_only", True)),
            include_retired=_flag(data.get("include_retired", False)),
            charts=_flag(data.get("charts", False)),
            # Versions saved before these options read as without them.
            cost=_flag(data.get("cost", False)),
            data_quality=_flag(data.get("data_quality", False)),
            persistence=_flag(data.get("persistence", False)),
            cover_subtitle=cover_subtitle,
            cover_text=cover_text,
        )


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _text(
    value: Any, name: str, problems: dict, *, required: bool = False, limit: int = MAX_TEXT
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems[name] = f"The {name.replace('_', ' ')} must be text."
        return ""
    value = value.strip()
    if required and not value:
        problems[name] = f"Enter a {name.replace('_', ' ')}."
    elif len(value) > limit:
        problems[name] = f"The {name.replace('_', ' ')} must be {limit:,} characters or fewer."
    return value


def _choice(value: Any, words: dict[str, str], name: str, problems: dict) -> str:
    if value not in words:
        problems[name] = f"Choose a {name}: one of {', '.join(words.values()).lower()}."
        return next(iter(words))
    return value


def _ids(value: Any, name: str, problems: dict) -> tuple[int, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str | int):
        value = [value]
    found: list[int] = []
    for item in value:
        try:
            number = int(str(item).strip())
        except ValueError:
            problems[name] = f"{item!r} is not an id."
            return ()
        if number < 1:
            problems[name] = f"{item!r} is not an id."
            return ()
        if number not in found:
            found.append(number)
    return tuple(found)


def _filters(value: Any, problems: dict) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = [value]
    chosen = []
    for item in value:
        if item not in FILTER_WORDS:
            problems["filters"] = (
                f"{item!r} is not an exception filter; choose from {', '.join(FILTER_WORDS)}."
            )
            return ()
        if item not in chosen:
            chosen.append(item)
    # Kept in a fixed order, so two versions that say the same compare equal.
    return tuple(name for name in FILTER_WORDS if name in chosen)


def _red_periods(value: Any, problems: dict) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not MIN_RED_PERIODS <= number <= MAX_RED_PERIODS:
        problems["red_periods"] = (
            f"The number of periods off target must be a whole number from {MIN_RED_PERIODS} "
            f"to {MAX_RED_PERIODS}."
        )
        return 3
    return number


def _sections(value: Any, problems: dict) -> tuple[SectionSpec, ...]:
    if value in (None, "", []):
        problems["sections"] = "Choose at least one section: PIs, actions or risks."
        return ()
    sections: list[SectionSpec] = []
    for item in value:
        if isinstance(item, str):
            item = {"kind": item}
        if not isinstance(item, dict) or item.get("kind") not in SECTION_WORDS:
            problems["sections"] = "Each section is one of pis, actions or risks."
            return ()
        kind = item["kind"]
        if any(section.kind == kind for section in sections):
            problems["sections"] = f"The {SECTION_WORDS[kind].lower()} section is chosen twice."
            return ()
        title = _text(item.get("title"), f"section_{kind}_title", problems, limit=MAX_TITLE)
        narrative = _text(item.get("narrative"), f"section_{kind}_narrative", problems)
        sections.append(SectionSpec(kind, title or SECTION_WORDS[kind], narrative))
    order = list(SECTION_WORDS)
    return tuple(sorted(sections, key=lambda section: order.index(section.kind)))


def paragraphs(text: str) -> tuple[str, ...]:
    """Plain text split into paragraphs at blank lines (single line breaks kept as spaces)."""
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return tuple(block for block in blocks if block)
