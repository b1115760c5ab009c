"""The risk matrix: bands must cover every score once, with names and colours."""

from decimal import Decimal

import pytest

from goldenthread.platform.planning.domain.risk_matrix import (
    DEFAULT_BANDS,
    Direction,
    MatrixError,
    build_matrix,
    default_matrix,
    direction_of_travel,
    readable_text_colour,
)
from goldenthread.platform.planning.domain.scores import weighted_basket_score


@pytest.mark.parametrize("size", [4, 5])
def test_default_matrices_cover_every_score(size):
    matrix = default_matrix(size)
    for score in range(1, size * size + 1):
        assert matrix.band_for(score).name


def test_scores_at_band_edges_fall_in_the_right_band():
    matrix = default_matrix(5)
    assert matrix.band_for(4).name == "Low"
    assert matrix.band_for(5).name == "Medium"
    assert matrix.band_for(16).name == "High"
    assert matrix.band_for(17).name == "Very high"


def test_levels_outside_the_matrix_are_refused_with_the_range():
    matrix = default_matrix(4)
    with pytest.raises(MatrixError, match="from 1 to 4"):
        matrix.score(likelihood=5, impact=1)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([{"name": "All", "min": 1, "max": 24, "colour": "#000000"}], "stop at 24"),
        (
            [
                {"name": "Low", "min": 1, "max": 10, "colour": "#00703c"},
                {"name": "High", "min": 12, "max": 25, "colour": "#d4351c"},
            ],
            "starts at 12, expected 11",
        ),
        ([{"name": "", "min": 1, "max": 25, "colour": "#000000"}], "needs a name"),
        ([{"name": "All", "min": 1, "max": 25, "colour": "red"}], "colour like"),
    ],
)
def test_bad_bands_are_refused_with_the_reason(bands, message):
    with pytest.raises(MatrixError, match=message):
        build_matrix(
            size=5,
            likelihood_labels=list("abcde"),
            impact_labels=list("abcde"),
            bands=bands,
        )


def test_a_3x3_matrix_is_refused():
    with pytest.raises(MatrixError, match="4x4 or 5x5"):
        build_matrix(size=3, likelihood_labels=[], impact_labels=[], bands=DEFAULT_BANDS[5])


def test_text_on_a_band_colour_is_the_more_readable_of_black_and_white():
    assert readable_text_colour("#ffdd00") == "#000000"
    assert readable_text_colour("#00703c") == "#ffffff"


def test_direction_of_travel():
    assert direction_of_travel(previous_score=None, score=9) == Direction.NEW
    assert direction_of_travel(previous_score=12, score=9) == Direction.IMPROVING
    assert direction_of_travel(previous_score=9, score=9) == Direction.STABLE
    assert direction_of_travel(previous_score=6, score=9) == Direction.WORSENING


def test_weighted_basket_ignores_unweighted_and_unassessable_pis():
    items = [
        ("on_target", Decimal(3)),
        ("off_target", Decimal(1)),
        ("warning", None),  # no weight
        ("missing", Decimal(5)),  # nothing to assess
    ]
    assert weighted_basket_score(items) == Decimal("75.0")


def test_weighted_basket_with_nothing_weighted_has_no_score():
    assert weighted_basket_score([("on_target", None)]) is None
