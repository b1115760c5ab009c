"""Seeding the national catalogue for the demo.

`seed_national_catalogue` is the one call the demo seed makes. It stays a thin adapter so the
demo follows the catalogue importer wherever that lives; until the importer exists it loads
the sample CSV itself, adding indicators that are missing and leaving existing ones alone.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.errors import DomainError
from goldenthread.shared_indicators.models import CatalogueIndicator, CatalogueIndicatorVersion

SAMPLE_SOURCE = "National Indicator Set 2008-11 (demo sample)"

# The sample file spells frequencies as people do; the catalogue stores the vocabulary's codes.
_FREQUENCY_SPELLINGS = {
    "weekly": Frequency.WEEKLY,
    "monthly": Frequency.MONTHLY,
    "quarterly": Frequency.QUARTERLY,
    "three surveys a year": Frequency.THREE_TIMES_A_YEAR,
    "three times a year": Frequency.THREE_TIMES_A_YEAR,
    "half-yearly": Frequency.HALF_YEARLY,
    "half yearly": Frequency.HALF_YEARLY,
    "annual": Frequency.ANNUAL,
    "annually": Frequency.ANNUAL,
}


def seed_national_catalogue(path: Path) -> str:
    """Load the catalogue sample at `path`; returns a one-line summary for the console."""
    return _minimal_csv_seed(path)


@transaction.atomic
def _minimal_csv_seed(path: Path) -> str:
    rows = _read_rows(path)
    existing = set(
        CatalogueIndicator.objects.filter(code__in=[row["code"] for row in rows]).values_list(
            "code", flat=True
        )
    )
    created = 0
    for row in rows:
        if row["code"] in existing:
            continue
        indicator = CatalogueIndicator(source=SAMPLE_SOURCE, **row)
        indicator.full_clean()
        indicator.save()
        CatalogueIndicatorVersion.objects.create(
            indicator=indicator,
            version=indicator.version,
            definition_snapshot=row,
            source_file=path.name,
        )
        created += 1
    return f"catalogue: {created} indicators added, {len(rows) - created} already present"


def _read_rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        raw_rows = list(csv.DictReader(handle))
    rows = []
    for number, raw in enumerate(raw_rows, start=2):  # row 1 is the header
        frequency = _FREQUENCY_SPELLINGS.get(raw.get("frequency", "").strip().lower())
        polarity = raw.get("polarity", "").strip().lower()
        if not raw.get("code", "").strip():
            raise DomainError(f"{path.name} row {number}: the code is missing.")
        if polarity not in Polarity.values:
            raise DomainError(f"{path.name} row {number}: unknown polarity {polarity!r}.")
        if frequency is None:
            raise DomainError(
                f"{path.name} row {number}: unknown frequency {raw.get('frequency')!r}."
            )
        rows.append(
            {
                "code": raw["code"].strip(),
                "title": raw["title"].strip(),
                "unit": raw["unit"].strip(),
                "polarity": polarity,
                "frequency": str(frequency),
            }
        )
    return rows
