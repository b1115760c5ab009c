"""Every performance page renders for the people who use it."""

import re

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


def test_every_icon_on_a_page_is_drawn_by_that_pages_sprite(org_a, people, pi, as_user):
    # Badges refer to their icon's shape with <use href="#icon-…">; the shapes are drawn once
    # per page, by the base layout's sprite. A page whose badges pointed at nothing would show
    # words without shapes.
    with schema_context(org_a.schema_name):
        approved = enter(people, pi, "2024/25 Q1", "52", approve=True)
        enter(people, pi, "2024/25 Q2", "47", submit=True, commentary="Bins late")
        enter(people, pi, "2024/25 Q3", "60")
    client = as_user(people.officer)
    for url in [
        "/indicators/",
        "/indicators/grid/?frequency=quarterly&year=2024/25",
        "/indicators/approvals/",
        "/indicators/report/?period=2024/25 Q3",
        f"/indicators/{pi.pk}/",
        f"/indicators/{pi.pk}/enter/?period=2024/25 Q3",
        f"/indicators/values/{approved.pk}/reopen/",
    ]:
        html = client.get(url).content.decode()
        used = set(re.findall(r'<use href="#([\w-]+)"></use>', html))
        drawn = re.findall(r'<symbol id="([\w-]+)"', html)
        assert used, f"{url} shows no badges"
        assert html.count('<svg class="icon-sprite"') == 1 and len(drawn) == len(set(drawn))
        assert used <= set(drawn), (url, used - set(drawn))
