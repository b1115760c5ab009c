"""The fictional organisations and people of the demo.

Kept apart from the seed so that `make demo` can print the sign-ins without a database query.
All names and ONS codes are invented; the codes use the right prefix for the body's type
(E10 county, E07 district, E23 police force area, E54 integrated care board) with serial
numbers in the 9xx range, which no real body uses.

Plain strings rather than the model enums, so that the demo supervisor can import this without
Django set up; the seed validates every value through the services as it creates things.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
        "county",
        "E10000901",
        "south_east",
    ),
    DemoOrganisation(
        "ashby-vale",
        "Ashby Vale District Council",
        "district",
        "E07000901",
        "south_east",
        parent_slug="wealdshire",
    ),
    DemoOrganisation(
        "brookmere",
        "Brookmere Borough Council",
        "district",
        "E07000902",
        "south_east",
        parent_slug="wealdshire",
    ),
    DemoOrganisation(
        "carrow-heath",
        "Carrow Heath District Council",
        "district",
        "E07000903",
        "south_east",
        parent_slug="wealdshire",
    ),
    DemoOrganisation(
        "wealdshire-police",
        "Wealdshire Police",
        "police",
        "E23000901",
        "south_east",
    ),
    DemoOrganisation(
        "wealdshire-icb",
        "Wealdshire Integrated Care Board",
        "health",
        "E54000901",
        "south_east",
    ),
)

# The first person is the organisation's first administrator, created by provisioning
# (which also makes them a performance officer); everyone else is added by the seed.
DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "admin",
        "Alex Morgan",
        ("org_admin", "performance_officer"),
    ),
    DemoPerson("performance", "Priya Shah", ("performance_officer",)),
    DemoPerson("data", "Dan Okafor", ("data_provider",)),
    DemoPerson("verifier", "Vera Lindqvist", ("verifier",)),
    DemoPerson("manager", "Maya Collins", ("manager",)),
    DemoPerson("councillor", "Cllr Colin Hart", ("councillor",)),
    DemoPerson("auditor", "Aisha Rahman", ("auditor",), access_for_days=365),
    DemoPerson("liaison", "Pat Quinn", ("partner_liaison",)),
)

# Platform staff live in the public schema and sign in on the bare platform host.
HELPDESK_EMAIL = "helpdesk@goldenthread.example"
HELPDESK_NAME = "Hana Desk"
