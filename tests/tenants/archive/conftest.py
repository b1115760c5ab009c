"""Demo-like content in an organisation, and archive folders of the test's own."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context


@pytest.fixture
def archive_dirs(settings, tmp_path):
    settings.ARCHIVE_DIR = tmp_path / "archives"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def seed_demo_content(organisation) -> None:
    """The demo seed's performance and planning content (PIs, values, targets, strategy,
    actions, risks, with their audit trails, all made through the services), its people,
    and an evidence file."""
    from django.core.files.base import ContentFile

    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.devtools.catalogue_seed import seed_national_catalogue
    from goldenthread.platform.devtools.demo_data import CATALOGUE_SAMPLE, DEMO_PEOPLE
    from goldenthread.platform.devtools.seeding.common import Tally, cast_for
    from goldenthread.platform.devtools.seeding.performance import DISTRICT_PIS, seed_performance
    from goldenthread.platform.devtools.seeding.planning import seed_planning
    from goldenthread.platform.indicators.models import Indicator
    from goldenthread.platform.planning.models import EvidenceDocument

    seed_national_catalogue(CATALOGUE_SAMPLE)
    with schema_context(organisation.schema_name):
        for person in DEMO_PEOPLE:
            email = person.email(organisation.slug)
            if not User.objects.filter(email=email).exists():
                user_create(email=email, full_name=person.full_name, roles=list(person.roles))
        cast = cast_for(organisation.slug)
        seed_performance(cast=cast, specs=DISTRICT_PIS, rank=0, tally=Tally())
        seed_planning(cast=cast, tally=Tally())
        EvidenceDocument.objects.create(
            file=ContentFile(b"%PDF-1.4 evidence of the count\n", name="waste audit.pdf"),
            original_name="waste audit.pdf",
            content_type="application/pdf",
            size=31,
            indicator=Indicator.objects.order_by("pk").first(),
        )
