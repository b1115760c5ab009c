"""Strategy pages: adding and editing nodes, linking PIs (with weights), actions and risks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.planning.models import StrategyIndicatorLink, StrategyNode
from tests.platform.planning.pages.support import (
    assert_problem,
    assert_refused,
    assert_sign_in_asked,
    text,
)


def node_data(**overrides) -> dict:
    data = {
        "level": "1",
        "parent": "",
        "code": "CP9",
        "title": "A greener borough",
        "description": "Cut carbon",
        "owner": "",
        "position": "3",
    }
    return {**data, **overrides}


def test_an_officer_adds_a_top_level_item(scene, people, as_user, alpha):
    # Given a performance officer on the new-item page
    client = as_user("officer")
    assert "Add to the strategy" in text(client.get("/planning/strategy/new/"))

    # When they send a top-level item owned by the manager
    response = client.post("/planning/strategy/new/", node_data(owner=str(people["manager"].pk)))

    # Then it is created as the service would, and they see its page
    alpha()
    node = StrategyNode.objects.get(code="CP9")
    assert response.status_code == 302 and response["Location"] == f"/planning/strategy/{node.pk}/"
    assert (node.level, node.parent, node.owner, node.position) == (1, None, people["manager"], 3)
    assert node.description == "Cut carbon"


def test_a_node_owner_adds_an_item_beneath_their_own(scene, people, as_user, alpha):
    # Given the staff member who owns service plan SP1
    client = as_user("staff")
    page = client.get(f"/planning/strategy/new/?parent={scene.child.pk}")
    assert page.status_code == 200
    assert f'<option value="{scene.child.pk}" selected>' in page.content.decode()

    # When they add a team plan beneath it
    response = client.post(
        f"/planning/strategy/new/?parent={scene.child.pk}",
        node_data(level="4", parent=str(scene.child.pk), code="TP1", title="Waste team"),
    )

    # Then it sits beneath SP1
    assert response.status_code == 302
    alpha()
    assert StrategyNode.objects.get(code="TP1").parent == scene.child


def test_a_node_owner_cannot_add_a_top_level_item(scene, as_user, alpha):
    # Given an owner of a node, not a configurer: the form asks where the item sits
    client = as_user("staff")
    assert "Choose the item it is part of" in text(client.get("/planning/strategy/new/"))

    # When they leave it at the top, or name a node they do not own
    blank = client.post("/planning/strategy/new/", node_data(code="TOP"))
    elsewhere = client.post(
        "/planning/strategy/new/", node_data(level="2", parent=str(scene.node.pk), code="TOP")
    )

    # Then neither is added
    assert_problem(blank, "Choose the item it is part of.")
    assert_problem(elsewhere, "Select a valid choice")
    alpha()
    assert not StrategyNode.objects.filter(code="TOP").exists()


def test_a_misplaced_or_duplicate_item_is_explained_and_nothing_is_added(scene, as_user, alpha):
    client = as_user("officer")

    wrong_level = client.post(
        "/planning/strategy/new/", node_data(level="1", parent=str(scene.node.pk))
    )
    assert_problem(wrong_level, "a child must be at a deeper level than its parent")

    duplicate = client.post("/planning/strategy/new/", node_data(code="cp1"))
    assert_problem(duplicate, "The code cp1 is already used")

    blank = client.post("/planning/strategy/new/", node_data(code="", title=""))
    assert_problem(blank, "Enter the code.", "Enter the title.")
    assert 'href="#id_code"' in blank.content.decode()

    alpha()
    assert not StrategyNode.objects.filter(code__in=["CP9", "cp1", ""]).exists()


def test_an_owner_edits_their_node_but_cannot_move_it(scene, people, as_user, alpha):
    # Given the owner of SP1, who is not a configurer
    client = as_user("staff")
    page = client.get(f"/planning/strategy/{scene.child.pk}/edit/")
    assert page.status_code == 200 and "Only a performance officer can move an item" in text(page)

    # When they retitle it and try to move it to the top (the parent box is disabled)
    response = client.post(
        f"/planning/strategy/{scene.child.pk}/edit/",
        node_data(level="2", parent="", code="SP1", title="Waste service plan"),
    )

    # Then the title changes and the node stays where it was
    assert response.status_code == 302
    alpha()
    node = StrategyNode.objects.get(pk=scene.child.pk)
    assert (node.title, node.parent_id) == ("Waste service plan", scene.node.pk)


def test_an_officer_moves_a_node_and_a_loop_is_refused(scene, people, build, as_user, alpha):
    client = as_user("officer")
    grandchild = build.node(level=3, parent=scene.child, code="GC1")

    loop = client.post(
        f"/planning/strategy/{scene.node.pk}/edit/",
        node_data(level="1", parent=str(grandchild.pk), code="CP1", title="Outcome"),
    )
    assert loop.status_code == 400

    moved = client.post(
        f"/planning/strategy/{grandchild.pk}/edit/",
        node_data(level="3", parent=str(scene.node.pk), code="GC1", title="Outcome"),
    )
    assert moved.status_code == 302
    alpha()
    assert StrategyNode.objects.get(pk=scene.node.pk).parent is None
    assert StrategyNode.objects.get(pk=grandchild.pk).parent_id == scene.node.pk


def test_deleting_a_node_with_children_is_refused_then_a_leaf_goes(scene, as_user, alpha):
    client = as_user("officer")
    refused = client.post(f"/planning/strategy/{scene.node.pk}/delete/", follow=True)
    assert "CP1 has child nodes" in text(refused)
    gone = client.post(f"/planning/strategy/{scene.child.pk}/delete/")
    assert gone.status_code == 302
    alpha()
    assert StrategyNode.objects.filter(pk=scene.node.pk).exists()
    assert not StrategyNode.objects.filter(pk=scene.child.pk).exists()


def test_links_are_added_reweighted_and_removed(scene, as_user, alpha):
    # Given the owner of CP1 on its links page
    client = as_user("officer")
    url = f"/planning/strategy/{scene.node.pk}/links/"
    assert client.get(url).status_code == 200

    # When they link a PI with a weight, then change the weight, then link an action and risk
    client.post(
        url, {"link": "indicator", "indicator-indicator": scene.pi.pk, "indicator-weight": "2"}
    )
    client.post(
        url, {"link": "indicator", "indicator-indicator": scene.pi.pk, "indicator-weight": "3.5"}
    )
    client.post(url, {"link": "action", "action-action": scene.action.pk})
    response = client.post(url, {"link": "risk", "risk-risk": scene.risk.pk}, follow=True)

    # Then all three are linked once, with the latest weight
    assert "RISK-A linked to CP1" in text(response)
    alpha()
    link = StrategyIndicatorLink.objects.get(node=scene.node)
    assert link.weight == Decimal("3.5")
    assert list(scene.node.actions.all()) == [scene.action]
    assert list(scene.node.risks.all()) == [scene.risk]

    # And unlinking the PI removes only it
    client.post(
        f"/planning/strategy/{scene.node.pk}/unlink/", {"kind": "indicator", "id": scene.pi.pk}
    )
    alpha()
    assert not StrategyIndicatorLink.objects.filter(node=scene.node).exists()
    assert scene.node.actions.count() == 1


def test_a_bad_link_is_explained_and_nothing_is_linked(scene, as_user, alpha):
    client = as_user("officer")
    url = f"/planning/strategy/{scene.node.pk}/links/"
    response = client.post(
        url, {"link": "indicator", "indicator-indicator": "", "indicator-weight": "-1"}
    )
    assert_problem(response, "Choose the pi.", "Ensure this value is greater than or equal to 0")
    alpha()
    assert not StrategyIndicatorLink.objects.filter(node=scene.node).exists()


def test_the_tree_and_node_pages_offer_new_and_edit_links_only_to_editors(scene, as_user):
    officer, staff2 = as_user("officer"), as_user("staff2")
    assert "New top-level item" in text(officer.get("/planning/strategy/"))
    assert "New top-level item" not in text(staff2.get("/planning/strategy/"))
    node_page = f"/planning/strategy/{scene.node.pk}/"
    assert "Edit CP1" in text(officer.get(node_page))
    assert "Add an item beneath CP1" in text(officer.get(node_page))
    assert "Edit CP1" not in text(staff2.get(node_page))


@pytest.mark.parametrize("who", ["councillor", "auditor", "provider", "staff2"])
def test_people_who_may_not_edit_a_node_are_refused(scene, as_user, alpha, who):
    client = as_user(who)
    node = scene.node
    for url in (
        "/planning/strategy/new/",
        f"/planning/strategy/new/?parent={node.pk}",
        f"/planning/strategy/{node.pk}/edit/",
        f"/planning/strategy/{node.pk}/links/",
    ):
        assert_refused(client.get(url))
    assert_refused(client.post("/planning/strategy/new/", node_data()))
    assert_refused(
        client.post(f"/planning/strategy/{node.pk}/edit/", node_data(code="CP1", title="Hacked"))
    )
    assert_refused(
        client.post(
            f"/planning/strategy/{node.pk}/links/", {"link": "risk", "risk-risk": scene.risk.pk}
        )
    )
    assert_refused(client.post(f"/planning/strategy/{scene.child.pk}/delete/"))
    alpha()
    assert not StrategyNode.objects.filter(code="CP9").exists()
    assert StrategyNode.objects.get(pk=node.pk).title == "Outcome"
    assert StrategyNode.objects.filter(pk=scene.child.pk).exists()
    assert not node.risks.exists()


def test_another_organisations_ids_are_not_found(scene, beta_admin):
    node = scene.node
    for url in (
        f"/planning/strategy/new/?parent={node.pk}",
        f"/planning/strategy/{node.pk}/edit/",
        f"/planning/strategy/{node.pk}/links/",
    ):
        assert_refused(beta_admin.get(url), 404)
    assert_refused(
        beta_admin.post(f"/planning/strategy/{node.pk}/edit/", node_data(code="CP1")), 404
    )


def test_anonymous_visitors_are_asked_to_sign_in(scene, client_for, org_a, alpha):
    client = client_for(org_a)
    assert_sign_in_asked(client.get("/planning/strategy/new/"))
    assert_sign_in_asked(client.post("/planning/strategy/new/", node_data()))
    assert_sign_in_asked(client.post(f"/planning/strategy/{scene.child.pk}/delete/"))
    alpha()
    assert not StrategyNode.objects.filter(code="CP9").exists()
