"""Every performance page renders for the people who use it."""

from django_tenants.utils import schema_context

from tests.fixtures.accessibility import assert_form_markup
from tests.fixtures.html import parse

from .conftest import enter


def test_every_page_renders_for_an_officer_and_the_entry_pages_for_a_provider(
    org_a, people, pi, as_user
):
    with schema_context(org_a.schema_name):
        enter(people, pi, "2024/25 Q1", "52", approve=True)
        enter(people, pi, "2024/25 Q2", "47", submit=True, commentary="Bins late")
        enter(people, pi, "2024/25 Q3", "60")
    client = as_user(people.officer)
    for url in [
        "/indicators/",
        "/indicators/new/",
        "/indicators/adopt/",
        "/indicators/settings/",
        "/indicators/owe/",
        "/indicators/grid/?frequency=quarterly&year=2024/25",
        "/indicators/approvals/",
        "/indicators/report/?period=2024/25 Q3",
        f"/indicators/{pi.pk}/",
        f"/indicators/{pi.pk}/edit/",
        f"/indicators/{pi.pk}/targets/",
        f"/indicators/{pi.pk}/history/",
        f"/indicators/{pi.pk}/enter/?period=2024/25 Q3",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content.decode()[:3000])
        assert_form_markup(parse(response))
    client = as_user(people.provider)
    for url in ["/indicators/owe/", "/indicators/grid/?frequency=quarterly&year=2024/25"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content.decode()[:3000])
        assert_form_markup(parse(response))
