"""The archive's one REST write (asking for an export), refused to anonymous callers, to
another organisation and to a role without the right (a performance officer), and done for
an administrator; every refusal leaves every schema as it was (`tests/refusals.py`). Listed
in the matrix of every REST write (`tests/test_rest_writes_matrix.py`)."""

from __future__ import annotations

from tests.platform.test_api_write_refusals import untouched_organisation, world  # noqa: F401
from tests.refusals import Call, Write, check_the_four_refusals

WRITES = {
    ("POST", "api/v1/archive/exports/"): Write(
        "org_admin",
        "performance_officer",
        lambda w: Call("/api/v1/archive/exports/", None, False),
        202,
    ),
}


def test_asking_for_an_export_is_refused_to_all_but_an_administrator(world):  # noqa: F811
    check_the_four_refusals(world, "POST", WRITES[("POST", "api/v1/archive/exports/")])
