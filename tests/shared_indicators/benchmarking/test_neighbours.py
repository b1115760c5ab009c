"""`goldenthread benchmarking import-neighbours FILE` and the nearest-neighbours group."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from goldenthread.platform.core.periods import parse_period
from goldenthread.shared_indicators.benchmarking import selectors
from goldenthread.shared_indicators.benchmarking.models import NearestNeighbour
from tests.shared_indicators.benchmarking.helpers import (
    make_club,
    make_indicator,
    make_org,
    publish,
)

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str):
    path = tmp_path / "neighbours.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_good_file_replaces_the_lists_it_names(tmp_path, capsys):
    a, b, c, d = (make_org() for _ in range(4))
    NearestNeighbour.objects.create(organisation=a, neighbour=d, position=1)
    path = write(
        tmp_path,
        f"organisation,neighbour,position\n{a.slug},{c.slug},2\n{a.slug},{b.slug},1\n"
        f"{b.slug},{a.slug},1\n",
    )
    call_command("benchmarking", "import-neighbours", path)
    assert "Imported 3 nearest neighbours for 2 organisations" in capsys.readouterr().out
    assert list(
        NearestNeighbour.objects.filter(organisation=a).values_list("neighbour", "position")
    ) == [(b.id, 1), (c.id, 2)]


def test_ons_codes_name_organisations_and_positions_default_to_file_order(tmp_path):
    a = make_org(ons_code="E07000901")
    b, c = make_org(), make_org()
    call_command(
        "benchmarking",
        "import-neighbours",
        write(tmp_path, f"organisation,neighbour\nE07000901,{c.slug}\nE07000901,{b.slug}\n"),
    )
    assert list(
        NearestNeighbour.objects.filter(organisation=a).values_list("neighbour", "position")
    ) == [(c.id, 1), (b.id, 2)]


def test_a_bad_file_is_refused_with_every_row_problem_and_nothing_written(tmp_path, capsys):
    a, b = make_org(), make_org()
    NearestNeighbour.objects.create(organisation=a, neighbour=b, position=1)
    path = write(
        tmp_path,
        "organisation,neighbour,position\n"
        f"{a.slug},{b.slug},1\n"
        f"{a.slug},nowhere,2\n"
        f"{a.slug},{a.slug},3\n"
        f"{a.slug},{b.slug},x\n"
        f",{b.slug},1\n",
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("benchmarking", "import-neighbours", path)
    errors = capsys.readouterr().err
    assert "Row 3: no organisation has the slug or ONS code 'nowhere'" in errors
    assert "Row 4: an organisation cannot be its own neighbour" in errors
    assert "Row 5: the position must be a whole number from 1, not 'x'" in errors
    assert "Row 5: this neighbour is already listed on row 2" in errors
    assert "Row 6: the organisation is blank" in errors
    assert list(
        NearestNeighbour.objects.filter(organisation=a).values_list("neighbour", flat=True)
    ) == [b.id]


def test_a_file_without_the_columns_is_refused(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("benchmarking", "import-neighbours", write(tmp_path, "org,nbr\na,b\n"))
    assert "no 'organisation' column" in capsys.readouterr().err


def test_the_nearest_neighbours_group_compares_with_them_only():
    indicator = make_indicator()
    orgs = [make_org(f"Member {i}") for i in range(12)]
    club = make_club(orgs[0], orgs[1:], indicator, anonymised=False)
    for i, org in enumerate(orgs):
        publish(org, indicator, "2024/25 Q1", 10 + i)
    for position, neighbour in enumerate(orgs[1:6], start=1):
        NearestNeighbour.objects.create(
            organisation=orgs[0], neighbour=neighbour, position=position
        )
    view = selectors.comparison_for(
        reader=orgs[0],
        reader_user=None,
        interface="page",
        club=club,
        indicator_code=indicator.code,
        periods=[parse_period("2024/25 Q1")],
        today=parse_period("2025/26 Q1").start,
        group_key="nearest_neighbours",
    )
    group = view.comparison.group.periods[0]
    assert [entry.label for entry in group.entries] == [f"Member {i}" for i in (5, 4, 3, 2, 1, 0)]
    assert group.you.rank == 6
