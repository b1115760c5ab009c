"""The likelihood x impact matrix: scores, named bands and their colours.

An organisation chooses a 4x4 or 5x5 matrix, names each likelihood and impact level, and splits
the scores (likelihood x impact, 1 to size squared) into bands. Bands must cover every score
once, in order, with a name and a colour; the name is always shown, so a rating is never
conveyed by colour alone. Text on a band's colour is black or white, whichever contrasts more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

ALLOWED_SIZES = (4, 5)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

DEFAULT_LIKELIHOOD_LABELS = {
    4: ["Unlikely", "Possible", "Likely", "Very likely"],
    5: ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
}
DEFAULT_IMPACT_LABELS = {
    4: ["Minor", "Moderate", "Major", "Critical"],
    5: ["Negligible", "Minor", "Moderate", "Major", "Severe"],
}
DEFAULT_BANDS = {
    4: [
        {"name": "Low", "min": 1, "max": 3, "colour": "#00703c"},
        {"name": "Medium", "min": 4, "max": 6, "colour": "#ffdd00"},
        {"name": "High", "min": 7, "max": 11, "colour": "#f47738"},
        {"name": "Very high", "min": 12, "max": 16, "colour": "#d4351c"},
    ],
    5: [
        {"name": "Low", "min": 1, "max": 4, "colour": "#00703c"},
        {"name": "Medium", "min": 5, "max": 9, "colour": "#ffdd00"},
        {"name": "High", "min": 10, "max": 16, "colour": "#f47738"},
        {"name": "Very high", "min": 17, "max": 25, "colour": "#d4351c"},
    ],
}


class MatrixError(ValueError):
    """The matrix as configured cannot be used; the message says why, for the user."""


class Direction(StrEnum):
    """Direction of travel of a risk's current score since its previous review."""

    NEW = "new"
    IMPROVING = "improving"
    STABLE = "stable"
    WORSENING = "worsening"


DIRECTION_PRESENTATION = {
    Direction.NEW: ("\u2605", "New"),
    Direction.IMPROVING: ("\u2193", "Improving (score down)"),
    Direction.STABLE: ("\u2192", "Stable"),
    Direction.WORSENING: ("\u2191", "Worsening (score up)"),
}


def direction_of_travel(*, previous_score: int | None, score: int) -> Direction:
    if previous_score is None:
        return Direction.NEW
    if score < previous_score:
        return Direction.IMPROVING
    if score > previous_score:
        return Direction.WORSENING
    return Direction.STABLE


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def readable_text_colour(background: str) -> str:
    """Black or white, whichever has the higher contrast ratio on `background`."""
    lum = _luminance(background)
    on_black = (lum + 0.05) / 0.05
    on_white = 1.05 / (lum + 0.05)
    return "#000000" if on_black >= on_white else "#ffffff"


@dataclass(frozen=True)
class RiskBand:
    name: str
    min_score: int
    max_score: int
    colour: str

    @property
    def text_colour(self) -> str:
        return readable_text_colour(self.colour)

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


@dataclass(frozen=True)
class RiskMatrix:
    size: int
    likelihood_labels: tuple[str, ...]
    impact_labels: tuple[str, ...]
    bands: tuple[RiskBand, ...]

    @property
    def high_risk_score(self) -> int:
        """The lowest current score that exception views and the scorecard call a high risk:
        the bottom of the second-highest band on a matrix of four or more bands ("High" and
        "Very high" by default), of the highest band otherwise."""
        bands = sorted(self.bands, key=lambda band: band.min_score)
        return (bands[-2] if len(bands) >= 4 else bands[-1]).min_score

    def band_for(self, score: int) -> RiskBand:
        for band in self.bands:
            if band.min_score <= score <= band.max_score:
                return band
        raise MatrixError(f"The score {score} is outside the matrix (1 to {self.size**2}).")

    def check_level(self, value: int, *, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise MatrixError(f"The {what} must be a whole number from 1 to {self.size}.")
        if not 1 <= value <= self.size:
            raise MatrixError(
                f"The {what} must be from 1 to {self.size} on this {self.size}x{self.size} "
                f"matrix, not {value}."
            )
        return value

    def score(self, *, likelihood: int, impact: int) -> int:
        return self.check_level(likelihood, what="likelihood") * self.check_level(
            impact, what="impact"
        )


def build_matrix(
    *, size: int, likelihood_labels: list[str], impact_labels: list[str], bands: list[dict]
) -> RiskMatrix:
    """A checked matrix; raises MatrixError naming the first problem found."""
    if size not in ALLOWED_SIZES:
        raise MatrixError(f"The matrix must be 4x4 or 5x5, not {size}x{size}.")
    for what, labels in (("likelihood", likelihood_labels), ("impact", impact_labels)):
        if len(labels) != size or any(not str(label).strip() for label in labels):
            raise MatrixError(f"Give {size} {what} labels, one for each level, none blank.")
    parsed: list[RiskBand] = []
    for index, raw in enumerate(bands, start=1):
        try:
            band = RiskBand(
                name=str(raw["name"]).strip(),
                min_score=int(raw["min"]),
                max_score=int(raw["max"]),
                colour=str(raw["colour"]).strip(),
            )
        except (KeyError, TypeError, ValueError):
            raise MatrixError(
                f"Band {index} needs a name, a minimum and maximum score and a colour."
            ) from None
        if not band.name:
            raise MatrixError(f"Band {index} needs a name: colour alone does not say the rating.")
        if not HEX_COLOUR.match(band.colour):
            raise MatrixError(f"Band '{band.name}' needs a colour like #d4351c.")
        if band.min_score > band.max_score:
            raise MatrixError(f"Band '{band.name}' starts above where it ends.")
        parsed.append(band)
    parsed.sort(key=lambda band: band.min_score)
    expected = 1
    for band in parsed:
        if band.min_score != expected:
            raise MatrixError(
                f"The bands must cover every score from 1 to {size * size} once; "
                f"band '{band.name}' starts at {band.min_score}, expected {expected}."
            )
        expected = band.max_score + 1
    if expected != size * size + 1:
        raise MatrixError(
            f"The bands must cover every score from 1 to {size * size}; they stop at "
            f"{expected - 1}."
        )
    if len({band.name.lower() for band in parsed}) != len(parsed):
        raise MatrixError("Each band needs its own name.")
    return RiskMatrix(
        size=size,
        likelihood_labels=tuple(likelihood_labels),
        impact_labels=tuple(impact_labels),
        bands=tuple(parsed),
    )


def default_matrix(size: int = 5) -> RiskMatrix:
    return build_matrix(
        size=size,
        likelihood_labels=DEFAULT_LIKELIHOOD_LABELS[size],
        impact_labels=DEFAULT_IMPACT_LABELS[size],
        bands=DEFAULT_BANDS[size],
    )
