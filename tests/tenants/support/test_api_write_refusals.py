"""Every REST write of support, refused to anonymous callers, to another organisation and
(where some role lacks the right) to a role without it, and done for the allowed role; every
refusal leaves every schema as it was (`tests/refusals.py`). Listed in the matrix of every
REST write (`tests/test_rest_writes_matrix.py`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.platform.test_api_write_refusals import untouched_organisation, world  # noqa: F401
from tests.refusals import Call, World, Write, check_the_four_refusals

ADMIN, OFFICER, MANAGER = "org_admin", "performance_officer", "manager"
SUP = "api/v1/support/"


def _staff_id(w: World) -> int:
    from goldenthread.platform.accounts.models import User

    if "staff" not in w.context:
        with schema_context("public"):
            w.context["staff"] = User.objects.create_user(
                "refusals-staff@goldenthread.example",
                None,
                full_name="Refusal Staff",
                is_staff=True,
            ).pk
    return w.context["staff"]


def _grant(w: World):
    from goldenthread.tenants.support.services.access import grant_create

    return grant_create(
        actor=w.user(ADMIN),
        organisation=w.home,
        staff_id=_staff_id(w),
        ends_at=timezone.now() + timedelta(hours=2),
    )


def _suggestion_of_the_other(w: World):
    from goldenthread.tenants.support.models import SupportRequest

    return SupportRequest.objects.create(
        organisation=w.other,
        kind="suggestion",
        subject="Dark mode",
        description="Please",
        requester_id=1,
        requester_name="Someone",
        requester_email="someone@other.example",
    )


WRITES = {
    ("POST", f"{SUP}access/"): Write(
        ADMIN,
        OFFICER,
        lambda w: Call(
            f"/{SUP}access/",
            {
                "staff_id": _staff_id(w),
                "ends_at": (timezone.now() + timedelta(hours=2)).isoformat(),
            },
            False,
        ),
        201,
    ),
    ("POST", f"{SUP}access/<int:pk>/revoke/"): Write(
        ADMIN, OFFICER, lambda w: Call(f"/{SUP}access/{_grant(w).pk}/revoke/")
    ),
    # Every signed-in person raises their own requests: no role lacks the right.
    ("POST", f"{SUP}requests/"): Write(
        MANAGER,
        None,
        lambda w: Call(
            f"/{SUP}requests/",
            {"kind": "support", "subject": "Help", "description": "Stuck"},
            False,
        ),
        201,
    ),
    # A vote is on ANOTHER organisation's suggestion, so it names no object of this one.
    ("POST", f"{SUP}suggestions/<int:pk>/vote/"): Write(
        MANAGER,
        None,
        lambda w: Call(f"/{SUP}suggestions/{_suggestion_of_the_other(w).pk}/vote/", None, False),
    ),
}


@pytest.mark.parametrize(
    ("method", "route"), sorted(WRITES), ids=[" ".join(w) for w in sorted(WRITES)]
)
def test_a_support_write_is_refused_to_all_but_the_allowed_role(world, method, route):  # noqa: F811
    check_the_four_refusals(world, method, WRITES[(method, route)])
