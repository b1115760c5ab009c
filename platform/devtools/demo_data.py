"""The fictional organisations and people of the demo.

Kept apart from the seed so that `make demo` can print the sign-ins without a database query.
All names and ONS codes are invented; the codes use the right prefix for the body's type
(E10 county, E07 district, E23 police force area, E54 integrated care board) with serial
numbers in the 9xx range, which no real body uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goldenthread.platform.accounts.models import Role
from goldenthread.tenants.models import OrganisationType, Region

# Shown once when the demo starts. Demo data only: never a real deployment.
DEMO_PASSWORD = "golden-thread-demo"  # noqa: S105

CATALOGUE_SAMPLE = Path(__file__).resolve().parent / "data" / "national_indicators_sample.csv"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    type: str
    ons_code: str
    region: str
    parent_slug: str | None = None


@dataclass(frozen=True)
class DemoPerson:
    """One demo user per role, in every organisation, as `<mailbox>@<slug>.example`."""

    mailbox: str
    full_name: str
    roles: tuple[str, ...]
    # Auditors get time-limited access; the seed sets it a year ahead.
    access_for_days: int | None = None

    def email(self, slug: str) -> str:
        return f"{self.mailbox}@{slug}.example"


DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "wealdshire",
        "Wealdshire County Council",
        OrganisationType.COUNTY,
        "E10000901",
        Region.SOUTH_EAST,
    ),
    DemoOrganisation(
        "ashby-vale",
        "Ashby Vale District Council",
        OrganisationType.DISTRICT,
        "E07000901",
        Region.SOUTH_EAST,
        parent_slug="wealdshire",
    ),
    DemoOrganisation(
        "brookmere",
        "Brookmere Borough Council",
        OrganisationType.DISTRICT,
        "E07000902",
        Region.SOUTH_EAST,
        parent_slug="wealdshire",
    ),
    DemoOrganisation(
        "carrow-heath",
        "Carrow Heath District Council",
        OrganisationType.DISTRICT,
        "E07000903",
        Region.SOUTH_EAST,
        parent_slug="wealdshire",
    ),
    DemoOrganisation(
        "wealdshire-police",
        "Wealdshire Police",
        OrganisationType.POLICE,
        "E23000901",
        Region.SOUTH_EAST,
    ),
    DemoOrganisation(
        "wealdshire-icb",
        "Wealdshire Integrated Care Board",
        OrganisationType.HEALTH,
        "E54000901",
        Region.SOUTH_EAST,
    ),
)

# The first person is the organisation's first administrator, created by provisioning
# (which also makes them a performance officer); everyone else is added by the seed.
DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "admin",
        "Alex Morgan",
        (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER),
    ),
    DemoPerson("performance", "Priya Shah", (Role.PERFORMANCE_OFFICER,)),
    DemoPerson("data", "Dan Okafor", (Role.DATA_PROVIDER,)),
    DemoPerson("verifier", "Vera Lindqvist", (Role.VERIFIER,)),
    DemoPerson("manager", "Maya Collins", (Role.MANAGER,)),
    DemoPerson("councillor", "Cllr Colin Hart", (Role.COUNCILLOR,)),
    DemoPerson("auditor", "Aisha Rahman", (Role.AUDITOR,), access_for_days=365),
    DemoPerson("liaison", "Pat Quinn", (Role.PARTNER_LIAISON,)),
)

# Platform staff live in the public schema and sign in on the bare platform host.
HELPDESK_EMAIL = "helpdesk@goldenthread.example"
HELPDESK_NAME = "Hana Desk"
