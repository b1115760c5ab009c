"""Golden thread with the keyboard only: create an action, record its progress, and find it
on the my-items home page (Chromium, real live server)."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page

from tests.browser.test_sign_in import sign_in_with_keyboard
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return {id: el.id, text: el.textContent.trim(), tag: el.tagName}; }"
    )


def tab_to(page: Page, *, id: str | None = None, text: str | None = None, limit: int = 80):
    """Press Tab until the element with this id (or exactly this text) has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if (id and now["id"] == id) or (text and now["text"] == text):
            return
    pytest.fail(f"{id or text!r} was not reachable with Tab")


def type_date(page: Page, iso: str) -> None:
    """Type a date into the focused <input type=date>, segment by segment in the order the
    browser's locale shows them (day/month/year or month/day/year)."""
    year, month, day = iso.split("-")
    order = page.evaluate(
        "() => new Intl.DateTimeFormat().formatToParts(new Date(2030, 11, 31))"
        ".map(p => p.type).filter(t => ['day', 'month', 'year'].includes(t))"
    )
    for part in order:
        page.keyboard.type({"day": day, "month": month, "year": year}[part])


@pytest.fixture
def keyboard_scene(session_organisations, django_db_blocker):
    """A manager and their action plan in Alpha, committed so the live server sees them."""
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.planning.models import ActionPlan

    alpha = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        manager = user_create(
            email=f"keys-{tag}@alpha.example",
            full_name=f"Kim Keys {tag}",
            roles=["manager"],
            password=PASSWORD,
        )
        plan = ActionPlan.objects.create(code=f"KB{tag}", title="Keyboard plan", owner=manager)
    return {"alpha": alpha, "manager": manager, "plan": plan, "tag": tag}


def test_an_action_is_created_updated_and_found_at_home_with_the_keyboard_only(
    page, live_url, keyboard_scene
):
    base = live_url(keyboard_scene["alpha"])
    manager, plan, tag = keyboard_scene["manager"], keyboard_scene["plan"], keyboard_scene["tag"]
    code, title = f"ACT{tag}".upper(), "Fix the leaking roof"

    sign_in_with_keyboard(page, base, manager.email, PASSWORD)
    assert page.url == f"{base}/"

    # The main navigation's Actions link, then "New action"
    tab_to(page, text="Actions")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, text="New action")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "New action"

    # Fill the form: choose the plan and the assignee by typing, skip what keeps its default
    tab_to(page, id="id_plan")
    page.keyboard.type(f"{plan.code} ")
    assert page.locator("#id_plan").input_value() == str(plan.pk)
    page.keyboard.press("Tab")
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    page.keyboard.type(title)
    tab_to(page, id="id_assigned_to")
    page.keyboard.type(manager.full_name)
    assert page.locator("#id_assigned_to").input_value() == str(manager.pk)
    tab_to(page, id="id_due_date")
    type_date(page, "2031-03-31")
    assert page.locator("#id_due_date").input_value() == "2031-03-31"
    tab_to(page, text="Create the action")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The action's page confirms it; record an update from the "Record an update" link
    assert page.locator("h1").inner_text() == f"{code} {title}"
    assert f"Action {code} created." in page.locator(".messages").inner_text()
    tab_to(page, text="Record an update")
    page.keyboard.press("Enter")
    tab_to(page, id="id_progress")
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    tab_to(page, id="id_note")
    page.keyboard.type("Scaffolding is up")
    tab_to(page, text="Save update")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"Update recorded for {code}." in page.locator(".messages").inner_text()

    # Home: back up to the Home link in the header and open it
    tab_to(page, text="Home")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/"
    row = page.locator("table", has_text="Actions assigned to me").locator("tr", has_text=code)
    assert row.count() == 1
    cells = row.inner_text()
    assert title in cells and "40%" in cells and "31 Mar 2031" in cells
