"""The demo seed: what it creates, that a second run changes nothing, and that it signs in."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.devtools.demo_data import (
    DEMO_ORGANISATIONS,
    DEMO_PASSWORD,
    HELPDESK_EMAIL,
)
from goldenthread.platform.devtools.seed import demo_seed
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.tenants.models import Organisation

DEMO_SLUGS = [spec.slug for spec in DEMO_ORGANISATIONS]


@pytest.fixture
def catalogue_csv(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "code,title,unit,polarity,frequency\n"
        "DEMO 1,Residual waste per household,kg per household,lower,quarterly\n"
        "DEMO 2,Graffiti sites below standard,percentage,lower,three surveys a year\n"
    )
    return path


def snapshot() -> dict:
    """Everything the seed writes, as plain values, to compare two runs."""
    organisations = list(
        Organisation.objects.filter(slug__in=DEMO_SLUGS)
        .order_by("slug")
        .values("id", "slug", "name", "type", "ons_code", "region", "parent_county_id")
    )
    users = {}
    for organisation in Organisation.objects.filter(slug__in=DEMO_SLUGS):
        with schema_context(organisation.schema_name):
            users[organisation.slug] = list(
                User.objects.order_by("email").values_list(
                    "id", "email", "roles", "password", "access_expires_at"
                )
            )
    with schema_context("public"):
        users["public"] = list(
            User.objects.filter(email=HELPDESK_EMAIL).values_list("id", "email", "password")
        )
    catalogue = list(
        CatalogueIndicator.objects.filter(code__startswith="DEMO ").values_list(
            "id", "code", "version"
        )
    )
    return {"organisations": organisations, "users": users, "catalogue": catalogue}


def test_seed_creates_the_organisations_their_users_and_the_helpdesk_user(
    db, catalogue_csv, client_for
):
    # Given a database without the demo organisations
    assert not Organisation.objects.filter(slug__in=DEMO_SLUGS).exists()

    # When the demo is seeded
    report = demo_seed(catalogue_path=catalogue_csv)

    # Then a county, three districts in it, a police force and a health body exist
    assert sorted(report.organisations_created) == sorted(DEMO_SLUGS)
    by_slug = {o.slug: o for o in Organisation.objects.filter(slug__in=DEMO_SLUGS)}
    county = by_slug["wealdshire"]
    assert county.type == "county" and county.ons_code.startswith("E10")
    districts = [o for o in by_slug.values() if o.type == "district"]
    assert sorted(d.slug for d in districts) == ["ashby-vale", "brookmere", "carrow-heath"]
    for district in districts:
        assert district.parent_county_id == county.id
        assert district.ons_code.startswith("E07")
    assert by_slug["wealdshire-police"].type == "police"
    assert by_slug["wealdshire-icb"].type == "health"
    assert {o.region for o in by_slug.values()} == {"south_east"}
    assert county.get_primary_domain().domain == "wealdshire.localhost"

    # and every organisation has one user per role, all with the demo password
    for organisation in by_slug.values():
        with schema_context(organisation.schema_name):
            users = list(User.objects.all())
            for role in Role.values:
                assert [u for u in users if role in u.roles], f"{organisation.slug}: no {role}"
            assert len(users) == len(Role.values)
            assert all(u.check_password(DEMO_PASSWORD) for u in users)
            # only the auditor's access ends, a year ahead
            expiring = [u for u in users if u.access_expires_at is not None]
            assert [u.email for u in expiring] == [f"auditor@{organisation.slug}.example"]
            expected = timezone.now() + timedelta(days=365)
            assert abs(expiring[0].access_expires_at - expected) < timedelta(minutes=5)

    # and the helpdesk user is platform staff in the public schema
    with schema_context("public"):
        helpdesk = User.objects.get(email=HELPDESK_EMAIL)
        assert helpdesk.is_staff and helpdesk.check_password(DEMO_PASSWORD)
    # and the catalogue sample is loaded
    assert set(
        CatalogueIndicator.objects.filter(code__startswith="DEMO ").values_list("code", "frequency")
    ) == {("DEMO 1", "quarterly"), ("DEMO 2", "three_times_a_year")}

    # and a demo user signs in on their own host, but not on another organisation's
    credentials = {"username": "verifier@ashby-vale.example", "password": DEMO_PASSWORD}
    assert (
        client_for(by_slug["ashby-vale"]).post("/accounts/sign-in/", credentials).status_code == 302
    )
    refused = client_for(by_slug["brookmere"]).post("/accounts/sign-in/", credentials)
    assert refused.status_code == 200
    assert "not right" in refused.content.decode()


def test_seeding_again_changes_nothing_duplicates_nothing_and_keeps_changed_passwords(
    db, catalogue_csv
):
    # Given a demo seeded by the command
    first_output, second_output = StringIO(), StringIO()
    call_command("demo_seed", "--catalogue", str(catalogue_csv), stdout=first_output)
    first = snapshot()
    assert "organisations: 6 created" in first_output.getvalue()
    assert "catalogue.csv: 2 created" in first_output.getvalue()

    # When it is seeded again
    call_command("demo_seed", "--catalogue", str(catalogue_csv), stdout=second_output)

    # Then nothing was created or changed, and the command says so
    assert snapshot() == first
    assert len(first["organisations"]) == len(DEMO_SLUGS)
    assert len(first["catalogue"]) == 2
    assert "organisations: 0 created, 6 already present" in second_output.getvalue()
    assert "0 created, 0 updated (0 with a new version), 2 unchanged" in second_output.getvalue()
    assert "nothing to do" in second_output.getvalue()

    # and a password someone changed in the demo survives a further run
    brookmere = Organisation.objects.get(slug="brookmere")
    with schema_context(brookmere.schema_name):
        manager = User.objects.get(email="manager@brookmere.example")
        manager.set_password("a-new-password-of-mine")
        manager.save(update_fields=["password"])
    report = demo_seed(catalogue_path=catalogue_csv.parent / "absent.csv")
    assert not report.changed_anything
    # (a missing catalogue file is reported, not fatal)
    assert report.catalogue.startswith("catalogue: skipped") and "absent.csv" in report.catalogue
    with schema_context(brookmere.schema_name):
        manager.refresh_from_db()
        assert manager.check_password("a-new-password-of-mine")


def test_a_bad_catalogue_row_names_the_row_and_the_seed_writes_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,title,unit,polarity,frequency\n"
        "DEMO 1,Fine,number,higher,annual\n"
        "DEMO 2,Broken,number,sideways,annual\n"
    )

    with pytest.raises(DomainError) as refused:
        demo_seed(catalogue_path=bad)
    assert "Row 3" in str(refused.value) and "polarity" in str(refused.value)

    # Nothing at all was written, not even what the seed did before reading the file.
    assert not CatalogueIndicator.objects.filter(code__startswith="DEMO ").exists()
    assert not Organisation.objects.filter(slug__in=DEMO_SLUGS).exists()
    with schema_context("public"):
        assert not User.objects.filter(email=HELPDESK_EMAIL).exists()
