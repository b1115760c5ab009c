"""Every REST write of the performance core and the golden thread, refused to anonymous
callers, to another organisation (its key here; our object on its host), to a role without
the right, and done for the allowed role (see `tests/refusals.py`)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.refusals import Call, World, Write, check_the_four_refusals

_numbers = itertools.count(1)

OFFICER, PROVIDER, VERIFIER = "performance_officer", "data_provider", "verifier"
ADMIN, COUNCILLOR, MANAGER = "org_admin", "councillor", "manager"
IND, PLN = "api/v1/indicators/", "api/v1/planning/"
USR = "api/v1/accounts/users/"


def unique(prefix: str) -> str:
    return f"{prefix} {next(_numbers):04d}"


# --- the performance core ---------------------------------------------------------------------


def pi(world: World, **fields):
    from goldenthread.platform.indicators.services.indicators import indicator_create

    defaults = {
        "title": "Refusals PI",
        "unit_kind": "number",
        "polarity": "higher",
        "frequency": "quarterly",
        "data_providers": [world.user(PROVIDER)],
    }
    return indicator_create(actor=world.user(OFFICER), code=unique("RF"), **{**defaults, **fields})


def value(world: World, *, submit: bool = False, approve: bool = False):
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_approve, value_submit

    row = value_enter(
        actor=world.user(PROVIDER), indicator=pi(world), period_code="2024/25 Q1", value=7
    )
    if submit or approve:
        row = value_submit(actor=world.user(PROVIDER), value=row)
    if approve:
        row = value_approve(actor=world.user(VERIFIER), value=row)
    return row


def catalogue_entry(code: str):
    from goldenthread.shared_indicators.models import CatalogueIndicator

    with schema_context("public"):
        return CatalogueIndicator.objects.create(
            code=code,
            title="Catalogued",
            definition="A national indicator.",
            unit="number",
            polarity="higher",
            frequency="quarterly",
            decimal_places=0,
        )


def adopted_with_a_newer_version(world: World):
    from goldenthread.platform.indicators.services.indicators import indicator_adopt

    entry = catalogue_entry(unique("NI"))
    adopted = indicator_adopt(actor=world.user(OFFICER), catalogue_code=entry.code)
    with schema_context("public"):
        entry.title, entry.version = "Catalogued anew", 2
        entry.save()
    return adopted


def retired(world: World):
    from goldenthread.platform.indicators.services.indicators import indicator_retire

    return indicator_retire(actor=world.user(OFFICER), indicator=pi(world), reason="Done")


def target(world: World):
    from goldenthread.platform.indicators.services.targets import target_set

    return target_set(
        actor=world.user(OFFICER), indicator=pi(world), period_code="2024/25 Q1", value=5
    )


def new_pi_body() -> dict:
    return {
        "code": unique("NEW"),
        "title": "Created",
        "unit_kind": "number",
        "polarity": "higher",
        "frequency": "quarterly",
    }


def sub_area(world: World):
    from goldenthread.platform.indicators.services.indicators import sub_area_create

    return sub_area_create(actor=world.user(OFFICER), kind="ward", name=unique("Ward"))


def _adopt(world: World) -> Call:
    return Call(f"/{IND}adopt/", {"catalogue_code": catalogue_entry(unique("NI")).code}, False)


def _accept(world: World) -> Call:
    return Call(f"/{IND}{adopted_with_a_newer_version(world).pk}/accept-catalogue-version/", {})


def _delete_target(world: World) -> Call:
    row = target(world)
    return Call(f"/{IND}{row.indicator_id}/targets/{row.pk}/")


def _bulk(world: World) -> Call:
    item = {"indicator_id": pi(world).pk, "period": "2024/25 Q1", "value": "3"}
    return Call(f"/{IND}values/bulk/", {"items": [item]}, names_an_object=False)


def spc_pi(world: World):
    """A PI with 15 quarterly values (the fewest an SPC chart and its baseline take)."""
    from goldenthread.platform.indicators.services.values import value_enter

    row = pi(world)
    for n, number in enumerate([10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 12, 11, 13]):
        year = 2019 + n // 4
        value_enter(
            actor=world.user(PROVIDER),
            indicator=row,
            period_code=f"{year}/{(year + 1) % 100:02d} Q{n % 4 + 1}",
            value=number,
        )
    return row


def _spc_baseline(world: World) -> Call:
    body = {"first_period": "2019/20 Q1", "last_period": "2022/23 Q3", "reason": "New process"}
    return Call(f"/{IND}{spc_pi(world).pk}/spc/baseline/", body)


def _cost_pair(world: World) -> Call:
    spend = pi(world, unit_kind="money", polarity="lower")
    return Call(f"/{IND}{pi(world).pk}/cost/", {"cost_indicator": spend.pk, "measure": "spend"})


def _cost_unpair(world: World) -> Call:
    from goldenthread.platform.indicators.services.cost import cost_pairing_set

    row = pi(world)
    spend = pi(world, unit_kind="money", polarity="lower")
    cost_pairing_set(
        actor=world.user(OFFICER), indicator=row, cost_indicator=spend, measure="spend"
    )
    return Call(f"/{IND}{row.pk}/cost/")


def _spc_clear(world: World) -> Call:
    from goldenthread.platform.indicators.services.spc import spc_baseline_set

    row = spc_pi(world)
    spc_baseline_set(
        actor=world.user(OFFICER),
        indicator=row,
        first_period_code="2019/20 Q1",
        last_period_code="2022/23 Q3",
        reason="New process",
    )
    return Call(f"/{IND}{row.pk}/spc/baseline/", {"reason": "Settled"})


INDICATORS = {
    ("POST", f"{IND}<int:pk>/spc/baseline/"): Write(OFFICER, PROVIDER, _spc_baseline),
    ("PUT", f"{IND}<int:pk>/cost/"): Write(OFFICER, PROVIDER, _cost_pair),
    ("DELETE", f"{IND}<int:pk>/cost/"): Write(OFFICER, PROVIDER, _cost_unpair),
    ("DELETE", f"{IND}<int:pk>/spc/baseline/"): Write(OFFICER, PROVIDER, _spc_clear),
    ("POST", IND): Write(OFFICER, PROVIDER, lambda w: Call(f"/{IND}", new_pi_body(), False), 201),
    ("POST", f"{IND}adopt/"): Write(OFFICER, PROVIDER, _adopt, 201),
    ("PATCH", f"{IND}<int:pk>/"): Write(
        OFFICER, PROVIDER, lambda w: Call(f"/{IND}{pi(w).pk}/", {"title": "Changed"})
    ),
    ("DELETE", f"{IND}<int:pk>/"): Write(
        OFFICER, PROVIDER, lambda w: Call(f"/{IND}{pi(w).pk}/"), 204
    ),
    ("POST", f"{IND}<int:pk>/retire/"): Write(
        OFFICER, PROVIDER, lambda w: Call(f"/{IND}{pi(w).pk}/retire/", {"reason": "Old"})
    ),
    ("POST", f"{IND}<int:pk>/reactivate/"): Write(
        OFFICER, PROVIDER, lambda w: Call(f"/{IND}{retired(w).pk}/reactivate/", {"reason": "Back"})
    ),
    ("POST", f"{IND}<int:pk>/accept-catalogue-version/"): Write(OFFICER, PROVIDER, _accept),
    ("PUT", f"{IND}<int:pk>/baseline/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}{pi(w).pk}/baseline/", {"period": "2023/24 Q4", "value": "4"}),
    ),
    ("POST", f"{IND}<int:pk>/commentary/"): Write(
        PROVIDER,
        COUNCILLOR,
        lambda w: Call(f"/{IND}{pi(w).pk}/commentary/", {"period": "2024/25 Q1", "text": "Why"}),
        201,
    ),
    ("POST", f"{IND}<int:pk>/targets/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}{pi(w).pk}/targets/", {"period": "2024/25 Q1", "value": "5"}),
        201,
    ),
    ("DELETE", f"{IND}<int:pk>/targets/<int:target_pk>/"): Write(
        OFFICER, PROVIDER, _delete_target, 204
    ),
    ("POST", f"{IND}<int:pk>/targets/profile/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}{pi(w).pk}/targets/profile/", {"year": "2024/25", "annual": "80"}),
        201,
    ),
    ("POST", f"{IND}<int:pk>/values/"): Write(
        PROVIDER,
        COUNCILLOR,
        lambda w: Call(f"/{IND}{pi(w).pk}/values/", {"period": "2024/25 Q1", "value": "5"}),
        201,
    ),
    ("POST", f"{IND}values/bulk/"): Write(PROVIDER, COUNCILLOR, _bulk),
    ("POST", f"{IND}values/<int:pk>/submit/"): Write(
        PROVIDER, COUNCILLOR, lambda w: Call(f"/{IND}values/{value(w).pk}/submit/", {})
    ),
    ("POST", f"{IND}values/<int:pk>/approve/"): Write(
        VERIFIER,
        COUNCILLOR,
        lambda w: Call(f"/{IND}values/{value(w, submit=True).pk}/approve/", {}),
    ),
    ("POST", f"{IND}values/<int:pk>/send-back/"): Write(
        VERIFIER,
        COUNCILLOR,
        lambda w: Call(
            f"/{IND}values/{value(w, submit=True).pk}/send-back/", {"reason": "Check the sum"}
        ),
    ),
    ("POST", f"{IND}values/bulk-approve/"): Write(
        VERIFIER,
        COUNCILLOR,
        lambda w: Call(f"/{IND}values/bulk-approve/", {"ids": [value(w, submit=True).pk]}, False),
    ),
    ("POST", f"{IND}values/bulk-send-back/"): Write(
        VERIFIER,
        PROVIDER,
        lambda w: Call(
            f"/{IND}values/bulk-send-back/",
            {"ids": [value(w, submit=True).pk], "reason": "Check the sum"},
            False,
        ),
    ),
    ("POST", f"{IND}values/<int:pk>/reopen/"): Write(
        OFFICER,
        VERIFIER,
        lambda w: Call(f"/{IND}values/{value(w, approve=True).pk}/reopen/", {"reason": "Restated"}),
    ),
    ("POST", f"{IND}service-areas/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}service-areas/", {"name": unique("Area")}, False),
        201,
    ),
    ("POST", f"{IND}sub-areas/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}sub-areas/", {"kind": "ward", "name": unique("Ward")}, False),
        201,
    ),
    ("PATCH", f"{IND}sub-areas/<int:pk>/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}sub-areas/{sub_area(w).pk}/", {"name": unique("Renamed")}),
    ),
    ("PUT", f"{IND}<int:pk>/sub-areas/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}{pi(w).pk}/sub-areas/", {"sub_area_ids": [sub_area(w).pk]}),
    ),
    ("PATCH", f"{IND}settings/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{IND}settings/", {"reminder_days_before_due": 9}, False),
    ),
}


# --- the golden thread ------------------------------------------------------------------------


def build():
    from tests.platform.planning.support import Build

    return Build()


def node(world: World):
    return build().node(owner=world.user(MANAGER))


def action(world: World):
    return build().action(assigned_to=world.user(MANAGER))


def risk(world: World):
    return build().risk(owner=world.user(MANAGER))


def _today(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _new_action(world: World) -> Call:
    body = {
        "plan": build().plan().pk,
        "code": unique("A"),
        "title": "Act",
        "start_date": _today(),
        "due_date": _today(30),
    }
    return Call(f"/{PLN}actions/", body, names_an_object=False)


def _new_risk(world: World) -> Call:
    body = {
        "register": build().register().pk,
        "code": unique("R"),
        "title": "Risk",
        "inherent_likelihood": 4,
        "inherent_impact": 4,
        "current_likelihood": 3,
        "current_impact": 3,
        "target_likelihood": 1,
        "target_impact": 1,
        "review_date": _today(30),
    }
    return Call(f"/{PLN}risks/", body, names_an_object=False)


def _change_risk(world: World) -> Call:
    row = risk(world)
    body = {
        "code": row.code,
        "title": "Renamed risk",
        "inherent_likelihood": 5,
        "inherent_impact": 5,
        "target_likelihood": 1,
        "target_impact": 1,
        "review_date": _today(30),
    }
    return Call(f"/{PLN}risks/{row.pk}/", body)


def _upload(world: World) -> Call:
    return Call(
        f"/{PLN}evidence/",
        {"action": action(world).pk},
        names_an_object=False,
        files={"file": ("minutes.txt", b"Agreed")},
    )


def _delete_evidence(world: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from goldenthread.platform.planning.services.evidence import evidence_upload

    document = evidence_upload(
        actor=world.user(ADMIN),
        upload=SimpleUploadedFile("minutes.txt", b"Agreed"),
        description="",
        action=action(world),
    )
    return Call(f"/{PLN}evidence/{document.pk}/")


def _link(world: World) -> Call:
    return Call(f"/{PLN}strategy/nodes/{node(world).pk}/links/", {"action": action(world).pk})


def _unlink(world: World) -> Call:
    from goldenthread.platform.planning.services.strategy import strategy_link

    linked, done = node(world), action(world)
    strategy_link(actor=world.user(ADMIN), node=linked, action=done)
    return Call(f"/{PLN}strategy/nodes/{linked.pk}/links/", {"action": done.pk})


def _milestone(world: World) -> Call:
    from goldenthread.platform.planning.models import Milestone

    row = Milestone.objects.create(action=action(world), title="Step", due_date=_today(5))
    return Call(f"/{PLN}milestones/{row.pk}/", {"completed_on": _today()})


PLANNING = {
    ("POST", f"{PLN}plans/"): Write(
        ADMIN,
        COUNCILLOR,
        lambda w: Call(f"/{PLN}plans/", {"code": unique("P"), "title": "Plan"}, False),
        201,
    ),
    ("PATCH", f"{PLN}plans/<int:pk>/"): Write(
        ADMIN, COUNCILLOR, lambda w: Call(f"/{PLN}plans/{build().plan().pk}/", {"title": "Renamed"})
    ),
    ("POST", f"{PLN}actions/"): Write(ADMIN, COUNCILLOR, _new_action, 201),
    ("PATCH", f"{PLN}actions/<int:pk>/"): Write(
        ADMIN, COUNCILLOR, lambda w: Call(f"/{PLN}actions/{action(w).pk}/", {"title": "Renamed"})
    ),
    ("POST", f"{PLN}actions/<int:pk>/updates/"): Write(
        MANAGER,
        COUNCILLOR,
        lambda w: Call(f"/{PLN}actions/{action(w).pk}/updates/", {"note": "On it", "progress": 20}),
        201,
    ),
    ("POST", f"{PLN}actions/<int:pk>/escalations/"): Write(
        ADMIN,
        COUNCILLOR,
        lambda w: Call(
            f"/{PLN}actions/{action(w).pk}/escalations/", {"to_zone": 3, "reason": "Stuck"}
        ),
        201,
    ),
    ("POST", f"{PLN}actions/<int:pk>/milestones/"): Write(
        ADMIN,
        COUNCILLOR,
        lambda w: Call(
            f"/{PLN}actions/{action(w).pk}/milestones/", {"title": "Step", "due_date": _today(5)}
        ),
        201,
    ),
    ("PATCH", f"{PLN}milestones/<int:pk>/"): Write(ADMIN, COUNCILLOR, _milestone),
    ("POST", f"{PLN}evidence/"): Write(ADMIN, COUNCILLOR, _upload, 201),
    ("DELETE", f"{PLN}evidence/<int:pk>/"): Write(ADMIN, COUNCILLOR, _delete_evidence, 204),
    ("POST", f"{PLN}risk-registers/"): Write(
        ADMIN,
        COUNCILLOR,
        lambda w: Call(
            f"/{PLN}risk-registers/", {"name": unique("Register"), "kind": "strategic"}, False
        ),
        201,
    ),
    ("POST", f"{PLN}risks/"): Write(ADMIN, COUNCILLOR, _new_risk, 201),
    ("PATCH", f"{PLN}risks/<int:pk>/"): Write(ADMIN, COUNCILLOR, _change_risk),
    ("POST", f"{PLN}risks/<int:pk>/reviews/"): Write(
        MANAGER,
        COUNCILLOR,
        lambda w: Call(
            f"/{PLN}risks/{risk(w).pk}/reviews/",
            {"likelihood": 2, "impact": 2, "note": "Better", "next_review_date": _today(60)},
        ),
        201,
    ),
    ("PATCH", f"{PLN}settings/"): Write(
        ADMIN, MANAGER, lambda w: Call(f"/{PLN}settings/", {"action_tolerance_points": 13}, False)
    ),
    ("POST", f"{PLN}strategy/nodes/"): Write(
        ADMIN,
        COUNCILLOR,
        lambda w: Call(
            f"/{PLN}strategy/nodes/", {"code": unique("N"), "title": "Ambition", "level": 1}, False
        ),
        201,
    ),
    ("PATCH", f"{PLN}strategy/nodes/<int:pk>/"): Write(
        ADMIN, COUNCILLOR, lambda w: Call(f"/{PLN}strategy/nodes/{node(w).pk}/", {"title": "New"})
    ),
    ("DELETE", f"{PLN}strategy/nodes/<int:pk>/"): Write(
        ADMIN, COUNCILLOR, lambda w: Call(f"/{PLN}strategy/nodes/{node(w).pk}/"), 204
    ),
    ("POST", f"{PLN}strategy/nodes/<int:pk>/links/"): Write(ADMIN, COUNCILLOR, _link, 204),
    ("DELETE", f"{PLN}strategy/nodes/<int:pk>/links/"): Write(ADMIN, COUNCILLOR, _unlink, 204),
}


# --- the public performance pages' decisions --------------------------------------------------


def proposal(world: World, *, approved: bool = False):
    from goldenthread.platform.planning.services.public import (
        publication_approve,
        publication_propose,
    )

    row = publication_propose(actor=world.user(OFFICER), indicator=pi(world))
    if approved:
        row = publication_approve(actor=world.user(ADMIN), publication=row)
    return row


def pre_election(world: World):
    from goldenthread.platform.planning.services.public import pre_election_create

    start = timezone.now() + timedelta(days=30)
    return pre_election_create(
        actor=world.user(ADMIN),
        name="Elections",
        starts_at=start,
        ends_at=start + timedelta(days=9),
    )


PUBLIC = {
    ("POST", f"{PLN}publications/"): Write(
        OFFICER,
        PROVIDER,
        lambda w: Call(f"/{PLN}publications/", {"indicator": pi(w).pk}, False),
        201,
    ),
    ("POST", f"{PLN}publications/<int:pk>/approve/"): Write(
        ADMIN, COUNCILLOR, lambda w: Call(f"/{PLN}publications/{proposal(w).pk}/approve/", {})
    ),
    ("POST", f"{PLN}publications/<int:pk>/reject/"): Write(
        ADMIN,
        PROVIDER,
        lambda w: Call(f"/{PLN}publications/{proposal(w).pk}/reject/", {"reason": "Not yet"}),
    ),
    ("POST", f"{PLN}publications/<int:pk>/withdraw/"): Write(
        OFFICER,
        COUNCILLOR,
        lambda w: Call(
            f"/{PLN}publications/{proposal(w, approved=True).pk}/withdraw/", {"reason": "Wrong"}
        ),
    ),
    ("POST", f"{PLN}pre-election-periods/"): Write(
        ADMIN,
        OFFICER,
        lambda w: Call(
            f"/{PLN}pre-election-periods/",
            {
                "name": "Elections",
                "starts_at": (timezone.now() + timedelta(days=40)).isoformat(),
                "ends_at": (timezone.now() + timedelta(days=50)).isoformat(),
            },
            False,
        ),
        201,
    ),
    ("DELETE", f"{PLN}pre-election-periods/<int:pk>/"): Write(
        ADMIN, OFFICER, lambda w: Call(f"/{PLN}pre-election-periods/{pre_election(w).pk}/"), 204
    ),
}

# --- user administration ------------------------------------------------------------------


def person(world: World, **fields):
    """A user of the home organisation for an administrator to change, with an id no user of
    the other organisation has (ids are per schema, and the other organisation's caller is a
    user there too), so that naming it on the other host is a 404."""
    from goldenthread.platform.accounts.models import User

    world.other_key()
    with schema_context(world.other.schema_name):
        taken = max(User.objects.values_list("pk", flat=True))
    while True:
        user = world.make_user(world.home, roles=[VERIFIER], **fields).user
        if user.pk > taken:
            return user


def deactivated(world: World):
    from goldenthread.platform.accounts.services.users import user_deactivate

    return user_deactivate(actor=world.user(ADMIN), user=person(world))


def user_import(world: World):
    """A checked spreadsheet import: kept by the web's step, checked by the worker's."""
    from tests.platform.accounts.user_imports import checked_import

    content = f"name,email,roles\nNew Person,{unique('new').replace(' ', '')}@x.example,\n"
    return checked_import(actor=world.user(ADMIN), file_name="p.csv", content=content.encode())


def enrolled_person(world: World):
    """A user with MFA set up (an authenticator app and a recovery code), to be reset."""
    from goldenthread.platform.accounts.models import RecoveryCode, TotpDevice

    user = person(world)
    TotpDevice.objects.create(user=user, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now())
    RecoveryCode.objects.create(user=user, code_hash="0" * 64)
    return user


ACCOUNTS = {
    ("POST", USR): Write(
        ADMIN,
        OFFICER,
        lambda w: Call(
            f"/{USR}",
            {"email": f"{unique('inv').replace(' ', '')}@x.example", "full_name": "N", "roles": []},
            False,
        ),
        201,
    ),
    ("PATCH", f"{USR}<int:pk>/"): Write(
        ADMIN, OFFICER, lambda w: Call(f"/{USR}{person(w).pk}/", {"roles": [ADMIN]})
    ),
    ("POST", f"{USR}<int:pk>/deactivate/"): Write(
        ADMIN, OFFICER, lambda w: Call(f"/{USR}{person(w).pk}/deactivate/")
    ),
    ("POST", f"{USR}<int:pk>/reactivate/"): Write(
        ADMIN, OFFICER, lambda w: Call(f"/{USR}{deactivated(w).pk}/reactivate/")
    ),
    ("POST", f"{USR}<int:pk>/mfa-reset/"): Write(
        ADMIN, OFFICER, lambda w: Call(f"/{USR}{enrolled_person(w).pk}/mfa-reset/")
    ),
    ("PATCH", "api/v1/accounts/security-settings/"): Write(
        ADMIN,
        OFFICER,
        lambda w: Call(
            "/api/v1/accounts/security-settings/",
            {"idle_timeout_minutes": 45, "mfa_required_for_everyone": True},
            False,
        ),
    ),
    ("POST", f"{USR}imports/"): Write(
        ADMIN,
        OFFICER,
        lambda w: Call(
            f"/{USR}imports/",
            names_an_object=False,
            files={"file": ("p.csv", b"name,email,roles\nA,a-refusals@x.example,\n")},
        ),
        202,  # kept for the worker to check
    ),
    ("POST", f"{USR}imports/<int:pk>/commit/"): Write(
        ADMIN, OFFICER, lambda w: Call(f"/{USR}imports/{user_import(w).pk}/commit/")
    ),
    # Turning just-in-time creation on changes the SSO row (created on first change).
    ("PATCH", "api/v1/accounts/sso/"): Write(
        ADMIN,
        OFFICER,
        lambda w: Call("/api/v1/accounts/sso/", {"jit_enabled": True}, False),
    ),
}

# --- notifications: each person's own ------------------------------------------------------

NTF = "api/v1/notifications/"


def notification(world: World, role: str = PROVIDER):
    from goldenthread.platform.notifications.models import Notification
    from goldenthread.platform.notifications.services.notify import Event, notify

    key = unique("refusals")
    event = Event(kind="value_approved", key=key, title="Approved")
    notify(event=event, recipients=[world.user(role)])
    return Notification.objects.get(event_key=key)


def unread_notification(world: World) -> Call:
    notification(world)  # so that marking all read changes something
    return Call(f"/{NTF}read-all/", names_an_object=False)


NOTIFICATIONS = {
    # Another person's notification is not found (404), like one that does not exist.
    ("POST", f"{NTF}<int:pk>/read/"): Write(
        PROVIDER,
        VERIFIER,
        lambda w: Call(f"/{NTF}{notification(w).pk}/read/"),
        refused_status=404,
    ),
    # Every signed-in person marks their own: no role lacks the right.
    ("POST", f"{NTF}read-all/"): Write(
        PROVIDER,
        None,
        unread_notification,
    ),
    ("PUT", f"{NTF}settings/"): Write(
        PROVIDER,
        None,
        lambda w: Call(f"/{NTF}settings/", {"value_approved": "off"}, False),
    ),
}

WRITES = {**INDICATORS, **PLANNING, **PUBLIC, **ACCOUNTS, **NOTIFICATIONS}


@pytest.fixture(scope="session")
def untouched_organisation(django_db_setup, django_db_blocker):
    """The "other" organisation: one no other test writes to, so that none of its rows can
    share an id with the object a case names (ids are per schema)."""
    from goldenthread.tenants.models import Organisation
    from tests.factories import provision_organisation

    with django_db_blocker.unblock():
        existing = Organisation.objects.filter(slug="refusals-other").first()
        return existing or provision_organisation(
            slug="refusals-other", name="Refusals Other Council"
        )


@pytest.fixture
def world(org_a, untouched_organisation, make_user) -> World:
    from goldenthread.platform.indicators.models import PerformanceSettings
    from goldenthread.platform.planning.models import PlanningSettings

    org_b = untouched_organisation
    # The settings rows are made on first use, by any request that reads them, refused or not.
    for organisation in (org_a, org_b):
        with schema_context(organisation.schema_name):
            PlanningSettings.load()
            PerformanceSettings.load()
    return World(home=org_a, other=org_b, make_user=make_user)


@pytest.mark.parametrize(
    ("method", "route"), sorted(WRITES), ids=[" ".join(w) for w in sorted(WRITES)]
)
def test_a_rest_write_is_refused_to_all_but_the_allowed_role(world, method, route):
    check_the_four_refusals(world, method, WRITES[(method, route)])
