"""Frozen packs: freezing stores the pack as it was (definition version, period, as-at, who,
when, committee); later corrections change neither the stored pack nor its downloads; a frozen
pack cannot be changed or deleted; the comparison with the previous pack names what changed,
with the summary's counts; failures are kept in words."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied
from goldenthread.platform.indicators.models import IndicatorValue
from goldenthread.platform.reporting.domain.comparison import compare_packs
from goldenthread.platform.reporting.domain.pack import Pack
from goldenthread.platform.reporting.models import FrozenPack, PackRun, RunStatus
from goldenthread.platform.reporting.selectors import frozen_pack_compare
from goldenthread.platform.reporting.services import (
    definition_create,
    definition_update,
    frozen_pack_render,
    pack_freeze,
    pack_run_execute,
)
from tests.factories import IndicatorFactory, IndicatorValueFactory, TargetFactory

Q1, Q2 = "2024/25 Q1", "2024/25 Q2"


def pi(code, values: dict[str, str], target="50"):
    indicator = IndicatorFactory(code=code, title=f"PI {code}")
    for period, value in values.items():
        IndicatorValueFactory(
            indicator=indicator, period=period, value=Decimal(value), workflow_status="approved"
        )
        TargetFactory(indicator=indicator, period=period, value=Decimal(target))
    return indicator


def freeze(user, definition, period=Q2, committee="Cabinet", **kwargs) -> FrozenPack:
    run = pack_freeze(
        user=user,
        definition=definition,
        period=period,
        committee=committee,
        meeting_date=date(2024, 11, 20),
        **kwargs,
    )
    run = pack_run_execute(run_id=run.pk)
    assert run.status == RunStatus.DONE, run.error
    return run.frozen_pack


def cell_text(pack: Pack, code: str, column: str) -> str:
    section = pack.sections[0]
    row = next(r for r in section.rows if r.key == code)
    index = [c.key for c in section.columns].index(column)
    return row.cells[index].text


@pytest.fixture
def definition(in_alpha, people, definition_data):
    return definition_create(user=people.officer, data=definition_data())


def test_freezing_stores_the_pack_with_who_when_and_the_definition_version(definition, people):
    pi("F1", {Q2: "60"})
    frozen = freeze(people.officer, definition)

    assert frozen.definition_version == 1
    assert (frozen.period_code, frozen.committee) == (Q2, "Cabinet")
    assert frozen.meeting_date == date(2024, 11, 20)
    assert frozen.frozen_by == people.officer and frozen.frozen_by_name == "Olive Officer"
    pack = Pack.from_json(frozen.pack)
    assert pack.as_at == frozen.as_at and pack.definition_version == 1
    assert cell_text(pack, "F1", "value") == "60.0%"


def test_a_later_correction_changes_neither_the_frozen_pack_nor_its_downloads(definition, people):
    indicator = pi("F2", {Q2: "60"})
    frozen = freeze(people.officer, definition)
    stored = json.dumps(frozen.pack, sort_keys=True)
    html_before = frozen_pack_render(frozen_pack=frozen, fmt="html").content
    json_before = frozen_pack_render(frozen_pack=frozen, fmt="json").content

    IndicatorValue.objects.filter(indicator=indicator).update(value=Decimal("12"))
    definition_update(
        user=people.officer,
        definition=definition,
        data={"title": "Renamed", "sections": [{"kind": "pis"}]},
    )

    again = FrozenPack.objects.get(pk=frozen.pk)
    assert json.dumps(again.pack, sort_keys=True) == stored
    assert frozen_pack_render(frozen_pack=again, fmt="html").content == html_before
    assert frozen_pack_render(frozen_pack=again, fmt="json").content == json_before
    assert b"60.0%" in html_before
    # A new freeze reads the corrected figure, under the new version.
    newer = freeze(people.officer, definition)
    assert cell_text(Pack.from_json(newer.pack), "F2", "value") == "12.0%"
    assert newer.definition_version == 2 and newer.previous_id == frozen.pk


def test_a_frozen_pack_cannot_be_changed_or_deleted(definition, people):
    pi("F3", {Q2: "60"})
    frozen = freeze(people.officer, definition)
    frozen.committee = "Somebody else"
    with pytest.raises(Conflict):
        frozen.save()
    with pytest.raises(Conflict):
        frozen.delete()
    assert FrozenPack.objects.get(pk=frozen.pk).committee == "Cabinet"


def test_the_comparison_with_the_previous_pack_names_each_change_and_the_counts(definition, people):
    pi("C1", {Q1: "60", Q2: "40"})  # on target -> off target
    pi("C2", {Q1: "70", Q2: "70"})  # unchanged value, but the period's target is its own
    first = freeze(people.officer, definition, period=Q1)
    pi("C3", {Q2: "55"})  # new in the second pack
    second = freeze(people.officer, definition, period=Q2)

    other, comparison = frozen_pack_compare(frozen_pack=second)
    assert other.pk == first.pk
    (section,) = comparison.sections
    changed = {row.key: row for row in section.changed}
    assert changed["C1"].status_before == "on_target"
    assert changed["C1"].status_after == "off_target"
    value = next(c for c in changed["C1"].cells if c.column == "value")
    assert (value.before, value.after) == ("60.0%", "40.0%")
    assert [row.key for row in section.added] == ["C3"]
    assert section.removed == ()
    assert comparison.overall_before.on_target == 2
    assert comparison.overall_after.on_target == 2 and comparison.overall_after.off_target == 1
    assert comparison.overall_change.off_target == 1
    # The second pack's own summary carries the change since the first.
    summary = Pack.from_json(second.pack).summary
    assert summary.overall_change is not None and summary.overall_change.off_target == 1
    # Pure and symmetric: the way back removes C3.
    back = compare_packs(Pack.from_json(second.pack), Pack.from_json(first.pack))
    assert [r.key for r in back.sections[0].removed] == ["C3"]


def test_the_first_pack_has_nothing_to_compare_with(definition, people):
    frozen = freeze(people.officer, definition)
    assert frozen_pack_compare(frozen_pack=frozen) == (None, None)


@pytest.mark.parametrize("role", ["councillor", "manager", "auditor", "provider"])
def test_only_officers_and_administrators_freeze(definition, people, role):
    with pytest.raises(PermissionDenied):
        pack_freeze(
            user=getattr(people, role),
            definition=definition,
            period=Q2,
            committee="Cabinet",
            meeting_date=date(2024, 11, 20),
        )
    assert not PackRun.objects.exists() and not FrozenPack.objects.exists()


def test_bad_input_is_named(definition, people):
    with pytest.raises(DomainError) as error:
        pack_freeze(
            user=people.admin, definition=definition, period=Q2, committee=" ", meeting_date="31/02"
        )
    assert set(error.value.extra["fields"]) == {"committee", "meeting_date"}
    with pytest.raises(DomainError) as error:
        pack_freeze(
            user=people.admin,
            definition=definition,
            period="Quarter 9",
            committee="Cabinet",
            meeting_date=date(2024, 1, 1),
        )
    assert error.value.code == "invalid_period"
    assert not PackRun.objects.exists()


def test_a_failed_run_says_why_in_words_and_freezes_nothing(definition, people, monkeypatch):
    from goldenthread.platform.reporting.services import freezing

    def broken(**_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(freezing, "pack_build", broken)
    run = pack_freeze(
        user=people.officer,
        definition=definition,
        period=Q2,
        committee="Cabinet",
        meeting_date=date(2024, 11, 20),
    )
    run = pack_run_execute(run_id=run.pk)
    assert run.status == RunStatus.FAILED
    assert "could not be generated" in run.error and "database" not in run.error
    assert not FrozenPack.objects.exists()
    # Running it again does not retry a failed run behind the user's back.
    assert pack_run_execute(run_id=run.pk).status == RunStatus.FAILED


def test_slow_outputs_are_drawn_once_by_the_worker_and_served_as_stored(
    definition, people, monkeypatch
):
    """PDF and Word are drawn while freezing (in the worker) by the one `outputs.render` and
    stored with the pack; a download serves the stored file without drawing again, and the
    quick formats are drawn by that same `render` from the stored JSON. The spy only counts
    the calls and hands them to the real renderer."""
    from goldenthread.platform.reporting.services import freezing, frozen_outputs
    from goldenthread.platform.reporting.services.outputs import render

    drawn = []

    def spy(pack, fmt, **kwargs):
        drawn.append(fmt)
        return render(pack, fmt, **kwargs)

    monkeypatch.setattr(freezing, "render", spy)
    monkeypatch.setattr(frozen_outputs, "render", spy)
    pi("F9", {Q2: "60"})
    frozen = freeze(people.officer, definition)
    assert sorted(drawn) == ["docx", "pdf"]
    assert sorted(frozen.files.values_list("format", flat=True)) == ["docx", "pdf"]

    rendered = frozen_pack_render(frozen_pack=frozen, fmt="pdf")
    assert rendered.content == bytes(frozen.files.get(format="pdf").content)
    assert rendered.content.startswith(b"%PDF")
    assert rendered.content_type == "application/pdf" and rendered.filename.endswith(".pdf")
    assert sorted(drawn) == ["docx", "pdf"]  # not drawn again
    for fmt in ("xlsx", "csv", "html", "json"):
        assert frozen_pack_render(frozen_pack=frozen, fmt=fmt).filename.endswith(f".{fmt}")
    assert sorted(drawn) == ["csv", "docx", "html", "json", "pdf", "xlsx"]
    stored = frozen.files.get(format="pdf")
    with pytest.raises(Conflict):
        stored.save()
