"""Planning settings pages: strategy level names, the risk matrix, the action tolerance and
the digest; configurers only."""

from __future__ import annotations

import pytest

from goldenthread.platform.planning.domain.risk_matrix import DEFAULT_BANDS
from goldenthread.platform.planning.models import PlanningSettings
from tests.platform.planning.pages.support import (
    assert_problem,
    assert_refused,
    assert_sign_in_asked,
    text,
)

MATRIX = "/planning/settings/risk-matrix/"
LEVELS = "/planning/settings/levels/"
DIGEST = "/planning/settings/digest/"


def matrix_data(size: int = 4, bands=None, **overrides) -> dict:
    """A complete matrix form: labels for `size` levels and the given bands (name, min, max,
    colour), other band rows blank."""
    data: dict = {"size": str(size)}
    for axis in ("likelihood", "impact"):
        for level in range(1, 6):
            data[f"{axis}_{level}"] = f"{axis[0].upper()}{level}" if level <= size else ""
    bands = bands or [("Low", 1, 4, "#00703c"), ("High", 5, size * size, "#d4351c")]
    for number in range(1, 7):
        band = bands[number - 1] if number <= len(bands) else ("", "", "", "")
        for part, value in zip(("name", "min", "max", "colour"), band, strict=True):
            data[f"band_{number}_{part}"] = str(value)
    return {**data, **overrides}


def test_an_officer_sees_the_settings_and_the_links_to_change_them(in_org, people, as_user):
    page = text(as_user("officer").get("/planning/settings/"))
    assert "Community strategy outcome" in page and "5 × 5" in page
    assert "Sent every 14 days" in page
    assert "Planning settings" in text(as_user("officer").get("/planning/strategy/"))
    assert "Risk matrix settings" in text(as_user("admin").get("/planning/risks/registers/"))


def test_an_officer_renames_the_strategy_levels(in_org, people, as_user):
    data = {f"level_{n}": "" for n in range(1, 11)}
    data.update(level_1="Ambition", level_2="Priority", level_3="Team plan")
    response = as_user("officer").post(LEVELS, data)
    assert response["Location"] == "/planning/settings/"
    in_org_settings = PlanningSettings.load()
    assert in_org_settings.strategy_level_names == ["Ambition", "Priority", "Team plan"]


def test_level_names_with_a_gap_or_too_few_for_the_tree_are_refused(
    scene, in_org, people, as_user, build
):
    client = as_user("officer")
    gap = {f"level_{n}": "" for n in range(1, 11)}
    gap.update(level_1="Ambition", level_3="Team plan")
    assert_problem(client.post(LEVELS, gap), "Name level 2, or move the names below it up")

    build.node(level=3, parent=scene.child, code="DEEP")
    too_few = {f"level_{n}": "" for n in range(1, 11)}
    too_few.update(level_1="Ambition", level_2="Priority")
    assert_problem(client.post(LEVELS, too_few), "Strategy nodes exist at level 3")
    assert len(PlanningSettings.load().strategy_level_names) == 5


def test_an_officer_sets_a_four_by_four_matrix_with_named_coloured_bands(in_org, people, as_user):
    bands = [("Green", 1, 3, "#00703c"), ("Amber", 4, 8, "#ffdd00"), ("Red", 9, 16, "#d4351c")]
    response = as_user("officer").post(MATRIX, matrix_data(4, bands))
    assert response.status_code == 302
    settings = PlanningSettings.load()
    assert settings.risk_matrix_size == 4
    assert settings.likelihood_labels == ["L1", "L2", "L3", "L4"]
    assert settings.impact_labels == ["I1", "I2", "I3", "I4"]
    assert [band["name"] for band in settings.risk_bands] == ["Green", "Amber", "Red"]
    assert settings.matrix.band_for(9).colour == "#d4351c"


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            [("Low", 1, 4, "#00703c"), ("High", 7, 16, "#d4351c")],
            "Every score from 1 to 16 must be in a band; scores 5 to 6 are in none.",
        ),
        (
            [("Low", 1, 4, "#00703c"), ("High", 5, 12, "#d4351c")],
            "Every score from 1 to 16 must be in a band; scores 13 to 16 are in none.",
        ),
        (
            [("Low", 1, 5, "#00703c"), ("High", 4, 16, "#d4351c")],
            "Each score must be in exactly one band; scores 4 to 5 are in more than one "
            "(score 4 is in Low and High).",
        ),
        (
            [("Low", 1, 4, "#00703c"), ("High", 5, 25, "#d4351c")],
            "Band 2 (High) ends at 25, but the highest score on a 4 × 4 matrix is 16.",
        ),
        (
            [("Low", 4, 1, "#00703c"), ("High", 5, 16, "#d4351c")],
            "Band 1 (Low) starts at 4, above where it ends (1).",
        ),
    ],
)
def test_bands_must_cover_every_score_exactly_once(in_org, people, as_user, bands, message):
    before = PlanningSettings.load().risk_bands
    response = as_user("officer").post(MATRIX, matrix_data(4, bands))
    assert_problem(response, message)
    assert PlanningSettings.load().risk_bands == before


def test_incomplete_matrix_rows_and_labels_name_each_problem(in_org, people, as_user):
    data = matrix_data(5, [("Low", 1, 10, "#00703c"), ("High", 11, 25, "red")])
    data.update(likelihood_5="", band_3_name="Extreme")
    response = as_user("officer").post(MATRIX, data)
    assert_problem(
        response,
        "Name likelihood level 5 of the 5 × 5 matrix.",
        "Enter the colour as # and six hex digits",
        "Band 3 needs a lowest score, or clear the whole row to remove it.",
    )
    assert 'href="#id_band_2_colour"' in response.content.decode()
    assert PlanningSettings.load().risk_matrix_size == 5


def test_the_standard_labels_and_bands_can_be_restored_for_a_size(in_org, people, as_user):
    client = as_user("officer")
    client.post(MATRIX, matrix_data(4))
    response = client.post(MATRIX, {**matrix_data(5), "use_defaults": "on", "band_1_name": ""})
    assert response.status_code == 302
    settings = PlanningSettings.load()
    assert settings.risk_matrix_size == 5 and settings.risk_bands == DEFAULT_BANDS[5]


def test_shrinking_the_matrix_below_scored_risks_is_refused(scene, in_org, people, as_user, build):
    build.risk(register=scene.register, likelihood=5, impact=5, code="BIG")
    response = as_user("officer").post(MATRIX, matrix_data(4))
    assert_problem(response, "risk(s) use levels above 4; rescore them")
    assert PlanningSettings.load().risk_matrix_size == 5


def test_an_officer_sets_the_digest_frequency_and_tolerance(in_org, people, as_user):
    response = as_user("officer").post(
        DIGEST,
        {"digest_enabled": "on", "digest_interval_days": "7", "action_tolerance_points": "5"},
    )
    assert response.status_code == 302
    settings = PlanningSettings.load()
    assert (settings.digest_enabled, settings.digest_interval_days) == (True, 7)
    assert settings.action_tolerance_points == 5

    as_user("officer").post(DIGEST, {"digest_interval_days": "7", "action_tolerance_points": "5"})
    assert PlanningSettings.load().digest_enabled is False


def test_a_bad_digest_frequency_is_explained_and_nothing_changes(in_org, people, as_user):
    response = as_user("officer").post(
        DIGEST, {"digest_enabled": "on", "digest_interval_days": "0", "action_tolerance_points": ""}
    )
    assert_problem(
        response,
        "Ensure this value is greater than or equal to 1.",
        "Enter the progress tolerance.",
    )
    assert PlanningSettings.load().digest_interval_days == 14


@pytest.mark.parametrize("who", ["manager", "councillor", "auditor", "provider"])
def test_only_configurers_change_settings(in_org, people, as_user, who):
    client = as_user(who)
    assert_refused(client.get("/planning/settings/"))
    for url, data in (
        (LEVELS, {"level_1": "Hacked"}),
        (MATRIX, matrix_data(4)),
        (DIGEST, {"digest_interval_days": "1", "action_tolerance_points": "0"}),
    ):
        assert_refused(client.get(url))
        assert_refused(client.post(url, data))
    settings = PlanningSettings.load()
    assert (settings.strategy_level_names[0], settings.risk_matrix_size) == (
        "Community strategy outcome",
        5,
    )
    assert settings.digest_interval_days == 14


def test_anonymous_visitors_are_asked_to_sign_in(in_org, client_for, org_a):
    client = client_for(org_a)
    assert_sign_in_asked(client.post(DIGEST, {"digest_interval_days": "1"}))
    assert_sign_in_asked(client.get(MATRIX))
    in_org_settings = PlanningSettings.load()
    assert in_org_settings.digest_interval_days == 14
