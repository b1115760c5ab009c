"""The refusal matrix covers every REST write: each POST, PUT, PATCH and DELETE the URLconf
serves under /api/v1/ has its four refusal cases in an area's `WRITES` (a new write without
them fails here), and no case names a write that no longer exists."""

from __future__ import annotations

from tests.partnerships.test_api_write_refusals import WRITES as PARTNERSHIPS
from tests.platform.reporting.test_api_write_refusals import WRITES as REPORTING
from tests.platform.test_api_write_refusals import WRITES as PLATFORM
from tests.refusals import rest_writes
from tests.tenants.archive.test_api_write_refusals import WRITES as ARCHIVE
from tests.tenants.support.test_api_write_refusals import WRITES as SUPPORT


def test_every_rest_write_has_its_refusal_cases_and_every_case_a_write():
    served = rest_writes()
    covered = {*PLATFORM, *PARTNERSHIPS, *REPORTING, *ARCHIVE, *SUPPORT}
    assert sorted(served - covered) == [], "REST writes without refusal cases"
    assert sorted(covered - served) == [], "refusal cases for writes that do not exist"
    assert len(served) >= 50
