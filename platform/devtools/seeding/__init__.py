"""Demo content for `demo_seed`: performance, planning, a partnership and a benchmarking club.

Every record is made through the apps' own services, so the seed doubles as an integration
check of them; each seeder creates only what is missing, so re-running changes nothing.
"""

from __future__ import annotations

import time

from django_tenants.utils import schema_context

from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.tenants.models import Organisation

from .benchmarking import seed_club
from .common import Tally, cast_for
from .partnerships import CODES as PARTNERSHIP_CODES
from .partnerships import seed_partnership
from .performance import DISTRICT_PIS, SAFETY_PIS, seed_performance
from .planning import seed_planning

COUNTY = "wealdshire"
DISTRICTS = ("ashby-vale", "brookmere", "carrow-heath")
POLICE = "wealdshire-police"


def _needed_codes() -> set[str]:
    return {spec.code for spec in (*DISTRICT_PIS, *SAFETY_PIS) if spec.adopted}


def seed_content() -> tuple[list[str], bool]:
    """Seed the demo content into the demo organisations; returns summary lines and whether
    anything was created."""
    missing = _needed_codes() - set(
        CatalogueIndicator.objects.filter(code__in=_needed_codes()).values_list("code", flat=True)
    )
    if missing:
        return [f"content: skipped, catalogue lacks {', '.join(sorted(missing))}"], False
    started = time.monotonic()
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=(COUNTY, *DISTRICTS, POLICE))}
    performance, planning, shared = Tally(), Tally(), Tally()
    for rank, slug in enumerate((*DISTRICTS, COUNTY, POLICE)):
        with schema_context(orgs[slug].schema_name):
            cast = cast_for(slug)
            specs = DISTRICT_PIS if slug in DISTRICTS else SAFETY_PIS
            seed_performance(cast=cast, specs=specs, rank=rank % 3, tally=performance)
            if slug != POLICE:
                seed_planning(cast=cast, tally=planning)
    districts = [orgs[slug] for slug in DISTRICTS]
    seed_partnership(lead=orgs[COUNTY], members=[*districts, orgs[POLICE]], tally=shared)
    seed_club(county=orgs[COUNTY], districts=districts, tally=shared)
    changed = performance.changed or planning.changed or shared.changed
    lines = [
        performance.line("performance"),
        planning.line("planning"),
        shared.line("partnership and benchmarking"),
        f"content: took {time.monotonic() - started:.1f} s",
    ]
    return lines, changed


__all__ = ["PARTNERSHIP_CODES", "seed_content"]
