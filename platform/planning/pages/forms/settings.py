"""Forms of the planning settings pages: strategy level names, the action tolerance and
digest, and the risk matrix with its score bands."""

from __future__ import annotations

from django import forms

from . import PlanningForm

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
