"""The catalogue pages: search, filters, pagination, detail with history, who may read them."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import user_create
from goldenthread.shared_indicators.models import CatalogueIndicator
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse
from tests.shared_indicators.helpers import csv_bytes, import_bytes, seed_indicators

pytestmark = pytest.mark.django_db


def public_user(*, is_staff: bool):
    with schema_context("public"):
        return user_create(
            email=f"{'staff' if is_staff else 'someone'}-{id(object())}@platform.example",
            full_name="Platform Person",
            roles=[],
            password="correct-horse-battery-staple",
            is_staff=is_staff,
        )


@pytest.fixture
def reader(org_a, make_user, client_for):
    member = make_user(org_a, roles=["councillor"])
    return client_for(org_a, user=member.user)


def codes_on(response) -> list[str]:
    """The codes in the results table's row headers, in order."""
    html = response.content.decode()
    return re.findall(r'<th scope="row"><a href="/catalogue/[^"]+/">([^<]+)</a></th>', html)


def mixed_catalogue(prefix: str) -> None:
    header = ["code", "title", "unit", "polarity", "frequency", "theme", "retired", "definition"]
    import_bytes(
        csv_bytes(
            [
                [
                    f"{prefix} 2",
                    "Obesity in primary school children",
                    "percentage",
                    "lower",
                    "annual",
                    f"{prefix} Health",
                    "no",
                    "Measured in year 6",
                ],
                [
                    f"{prefix} 14",
                    "Avoidable contact",
                    "percentage",
                    "lower",
                    "quarterly",
                    f"{prefix} Customers",
                    "no",
                    "",
                ],
                [
                    f"{prefix} 100",
                    "Primary school attainment",
                    "percentage",
                    "higher",
                    "annual",
                    f"{prefix} Children",
                    "no",
                    "",
                ],
                [
                    f"{prefix} 7",
                    "Old retired measure of contact",
                    "number",
                    "none",
                    "monthly",
                    f"{prefix} Customers",
                    "yes",
                    "",
                ],
            ],
            header,
        )
    )


def test_anonymous_visitors_are_sent_to_sign_in(org_a, client_for, prefix):
    mixed_catalogue(prefix)
    client = client_for(org_a)
    for url in ("/catalogue/", f"/catalogue/{quote(prefix)}%202/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize("which", ["alpha", "beta"])
def test_every_organisation_reads_the_same_catalogue(
    which, org_a, org_b, make_user, client_for, prefix
):
    mixed_catalogue(prefix)
    organisation = org_a if which == "alpha" else org_b
    member = make_user(organisation, roles=[])
    response = client_for(organisation, user=member.user).get("/catalogue/", {"q": prefix})
    assert response.status_code == 200
    # Natural code order (2, 14, 100) and retired left out by default
    assert codes_on(response) == [f"{prefix} 2", f"{prefix} 14", f"{prefix} 100"]


def test_search_matches_every_word_in_code_title_definition_or_theme(reader, prefix):
    mixed_catalogue(prefix)
    # Words from the title, in any order and case
    assert codes_on(reader.get("/catalogue/", {"q": f"{prefix} SCHOOL primary"})) == [
        f"{prefix} 2",
        f"{prefix} 100",
    ]
    # A word from the definition only
    assert codes_on(reader.get("/catalogue/", {"q": f"{prefix} year"})) == [f"{prefix} 2"]
    # An exact code comes first even when other codes contain it
    assert codes_on(reader.get("/catalogue/", {"q": f"{prefix} 14"}))[0] == f"{prefix} 14"
    # Nothing found says so
    response = reader.get("/catalogue/", {"q": f"{prefix} zebra"})
    assert codes_on(response) == []
    assert "No indicators match" in response.content.decode()


def test_filters_by_theme_frequency_and_polarity(reader, prefix):
    mixed_catalogue(prefix)
    assert codes_on(reader.get("/catalogue/", {"theme": f"{prefix} Customers"})) == [f"{prefix} 14"]
    assert codes_on(
        reader.get("/catalogue/", {"q": prefix, "frequency": "annual", "polarity": "higher"})
    ) == [f"{prefix} 100"]


def test_an_unknown_filter_value_is_reported_and_not_used(reader, prefix):
    mixed_catalogue(prefix)
    response = reader.get("/catalogue/", {"q": prefix, "polarity": "sideways"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were not used" in html
    assert "Select a valid choice" in html
    page = parse(response)
    (summary,) = summaries(page)
    assert summary_links(page, summary) == ["#id_polarity"] and "autofocus" in summary.attrs
    assert_form_markup(page)
    assert len(codes_on(response)) == 3


def test_retired_indicators_are_shown_clearly_when_included(reader, prefix):
    mixed_catalogue(prefix)
    response = reader.get("/catalogue/", {"q": prefix, "include_retired": "on"})
    assert codes_on(response) == [f"{prefix} 2", f"{prefix} 7", f"{prefix} 14", f"{prefix} 100"]
    html = response.content.decode()
    retired_row = re.search(rf'<tr class="catalogue-retired">.*?{prefix} 7.*?</tr>', html, re.S)
    assert retired_row and ">Retired</strong>" in retired_row.group(0)


def test_results_are_paginated_and_keep_the_search(reader, prefix):
    seed_indicators(prefix, 30, theme=f"{prefix} Paged")
    first = reader.get("/catalogue/", {"theme": f"{prefix} Paged"})
    html = first.content.decode()
    assert len(codes_on(first)) == 25
    assert "Showing 1–25 of 30 indicators" in html
    assert f'href="?theme={prefix}+Paged&amp;page=2"' in html
    assert 'aria-label="Catalogue pages"' in html

    second = reader.get("/catalogue/", {"theme": f"{prefix} Paged", "page": 2})
    assert codes_on(second) == [f"{prefix} {n}" for n in range(26, 31)]
    assert (
        'aria-current="page"><span class="visually-hidden">Page </span>2' in second.content.decode()
    )
    # A page past the end shows the last page rather than an error
    assert codes_on(
        reader.get("/catalogue/", {"theme": f"{prefix} Paged", "page": 99})
    ) == codes_on(second)


def test_the_table_is_accessible_markup(reader, prefix):
    mixed_catalogue(prefix)
    html = reader.get("/catalogue/", {"q": prefix}).content.decode()
    assert "<caption" in html and '<th scope="col">Code</th>' in html
    assert 'role="search"' in html
    for field in ("id_q", "id_theme", "id_frequency", "id_polarity", "id_include_retired"):
        assert f'for="{field}"' in html and f'id="{field}"' in html


def test_the_detail_page_shows_the_definition_and_its_history(reader, prefix):
    # Given an indicator whose title changed once
    header = ["code", "title", "unit", "polarity", "frequency", "definition"]
    import_bytes(
        csv_bytes([[f"{prefix} 2", "Old title", "percentage", "lower", "annual", "How"]], header)
    )
    import_bytes(
        csv_bytes([[f"{prefix} 2", "New title", "percentage", "lower", "annual", "How"]], header),
        name="v2.csv",
    )

    response = reader.get(f"/catalogue/{quote(prefix)}%202/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "New title" in html and "Lower is better" in html and "Annual" in html
    history = html[html.index('id="version-history"') :]
    rows = re.findall(r'<th scope="row">(\d+)', history)
    assert rows == ["2", "1"]
    assert "<td>Title</td>" in history and "First recorded" in history
    assert "Old title" in history and "v2.csv" in history
    # Each version's polarity and frequency in words, not their codes
    assert "<td>Lower is better</td>" in history and "<td>Annual</td>" in history
    assert "<td>lower</td>" not in history and "<td>annual</td>" not in history


def test_the_detail_page_of_a_retired_indicator_says_so(reader, prefix):
    mixed_catalogue(prefix)
    html = reader.get(f"/catalogue/{quote(prefix)}%207/").content.decode()
    assert "This indicator has been retired" in html


def test_an_unknown_code_is_not_found(reader, prefix):
    assert reader.get(f"/catalogue/{prefix}%20404/").status_code == 404


def test_hostile_text_is_escaped_on_the_pages(reader, prefix):
    header = ["code", "title", "unit", "polarity", "frequency", "definition"]
    import_bytes(
        csv_bytes(
            [
                [
                    f"{prefix} 1",
                    "<script>alert(1)</script>",
                    "=cmd|' /C calc'!A0",
                    "higher",
                    "annual",
                    "<img src=x onerror=alert(2)>",
                ]
            ],
            header,
        )
    )
    for url in ("/catalogue/?q=" + quote(prefix), f"/catalogue/{quote(prefix)}%201/"):
        html = reader.get(url).content.decode()
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html


def test_platform_staff_read_the_catalogue_on_the_public_host(client_for, prefix):
    mixed_catalogue(prefix)
    staff = client_for(None, user=public_user(is_staff=True))
    assert codes_on(staff.get("/catalogue/", {"q": prefix})) == [
        f"{prefix} 2",
        f"{prefix} 14",
        f"{prefix} 100",
    ]
    assert staff.get(f"/catalogue/{quote(prefix)}%2014/").status_code == 200


def test_a_public_account_that_is_not_staff_is_refused(client_for, prefix):
    mixed_catalogue(prefix)
    outsider = client_for(None, user=public_user(is_staff=False))
    assert outsider.get("/catalogue/").status_code == 403
    assert outsider.get(f"/catalogue/{quote(prefix)}%2014/").status_code == 403


def test_reading_changes_nothing(reader, prefix):
    mixed_catalogue(prefix)
    before = list(CatalogueIndicator.objects.filter(code__startswith=prefix).values())
    reader.get("/catalogue/", {"q": prefix})
    reader.get(f"/catalogue/{quote(prefix)}%202/")
    assert list(CatalogueIndicator.objects.filter(code__startswith=prefix).values()) == before
