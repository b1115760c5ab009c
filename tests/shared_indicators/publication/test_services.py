"""publish_value, withdraw_basis and the read log, called directly (no worker)."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.platform.core.errors import DomainError
from goldenthread.shared_indicators.publication.domain.bases import (
    READER_WITHHELD,
    register_reader_disclosure,
    unregister_reader_disclosure,
)
from goldenthread.shared_indicators.publication.models import (
    CrossOrganisationRead,
    PublicationGrant,
    PublishedValue,
)
from goldenthread.shared_indicators.publication.selectors import (
    granted_fields,
    reads_of,
    restatement_history,
    visible_values,
)
from goldenthread.shared_indicators.publication.services import (
    log_cross_organisation_reads,
    publish_value,
    record_read,
    withdraw_basis,
)
from goldenthread.tenants.models import Organisation

from .helpers import agreement, consent, make_snapshot

pytestmark = pytest.mark.django_db


def rows_of(organisation, code="NI 195"):
    return PublishedValue.objects.filter(organisation=organisation, indicator_code=code)


def grant_keys(row):
    return {(g.basis_type, g.basis_id, tuple(sorted(g.fields))) for g in row.grants.all()}


def test_nothing_is_stored_without_an_active_basis(org_a, bases):
    # given no provider covers NI 195 for Alpha
    # when it is published
    result = publish_value(organisation=org_a, snapshot=make_snapshot())
    # then nothing is stored, and the provider was asked about Alpha's NI 195
    assert result is None
    assert not rows_of(org_a).exists()
    assert bases.calls == [(org_a.pk, "NI 195")]


def test_another_organisations_basis_does_not_publish(org_a, org_b, bases):
    bases.cover(org_b, "NI 195", agreement())
    assert publish_value(organisation=org_a, snapshot=make_snapshot()) is None
    assert not rows_of(org_a).exists()


def test_a_value_is_published_with_its_provenance_and_one_grant(org_a, bases):
    basis = agreement("values")
    bases.cover(org_a, "NI 195", basis)
    snapshot = make_snapshot(source_value_id=42)

    row = publish_value(organisation=org_a, snapshot=snapshot)

    row.refresh_from_db()
    assert (row.organisation, row.indicator_code, row.period_code) == (
        org_a,
        "NI 195",
        "2024/25 Q1",
    )
    assert (row.period_type, row.period_start, row.period_end) == (
        "quarter",
        date(2024, 4, 1),
        date(2024, 6, 30),
    )
    assert row.value == Decimal("12.5") and row.value_state == "entered"
    assert (row.source_value_id, row.approved_by_name, row.approved_at) == (
        42,
        "Vera Verifier",
        snapshot.approved_at,
    )
    assert row.published_at is not None
    assert (row.revision, row.is_current, row.superseded_at) == (1, True, None)
    assert grant_keys(row) == {("agreement", basis.id, ("values",))}


def test_commentary_and_target_are_stored_only_when_some_basis_grants_them(org_a, bases):
    bases.cover(org_a, "NI 195", agreement("values"))
    plain = publish_value(organisation=org_a, snapshot=make_snapshot())
    assert (plain.commentary, plain.target) == ("", None)

    bases.cover(org_a, "NI 196", agreement("values"), consent("values", "commentary"))
    with_commentary = publish_value(
        organisation=org_a, snapshot=make_snapshot(indicator_code="NI 196")
    )
    assert with_commentary.commentary == "Litter rose after the festival."
    assert with_commentary.target is None

    bases.cover(org_a, "NI 197", agreement("values", "targets"))
    with_target = publish_value(organisation=org_a, snapshot=make_snapshot(indicator_code="NI 197"))
    assert (with_target.commentary, with_target.target) == ("", Decimal("10"))


def test_breakdowns_are_stored_only_under_bases_granting_them(org_a, bases):
    values_only = agreement("values")
    with_breakdowns = consent("values", "breakdowns")
    ward = {"sub_area_kind": "ward", "sub_area_name": "Castle"}

    bases.cover(org_a, "NI 195", values_only)
    assert publish_value(organisation=org_a, snapshot=make_snapshot(**ward)) is None
    assert not rows_of(org_a).exists()

    bases.cover(org_a, "NI 195", with_breakdowns)
    row = publish_value(organisation=org_a, snapshot=make_snapshot(**ward))
    assert (row.sub_area_kind, row.sub_area_name) == ("ward", "Castle")
    # The values-only agreement does not see the ward figure.
    assert grant_keys(row) == {("club_consent", with_breakdowns.id, ("breakdowns", "values"))}


def test_publishing_identical_data_again_is_idempotent(org_a, bases):
    basis = agreement("values", "commentary")
    bases.cover(org_a, "NI 195", basis)
    first = publish_value(organisation=org_a, snapshot=make_snapshot())
    # Stored with six decimal places; the same number written differently is the same figure.
    again = publish_value(organisation=org_a, snapshot=make_snapshot(value=Decimal("12.500")))

    assert again.pk == first.pk and again.revision == 1
    assert rows_of(org_a).count() == 1
    assert PublicationGrant.objects.filter(published_value=first).count() == 1


def test_a_descriptive_change_updates_the_row_without_a_restatement(org_a, bases):
    bases.cover(org_a, "NI 195", agreement())
    first = publish_value(organisation=org_a, snapshot=make_snapshot())
    renamed = publish_value(
        organisation=org_a, snapshot=make_snapshot(indicator_title="Cleanliness (NI 195)")
    )
    assert renamed.pk == first.pk and renamed.revision == 1
    first.refresh_from_db()
    assert first.indicator_title == "Cleanliness (NI 195)"


def test_a_different_figure_is_a_restatement_that_keeps_history(org_a, bases):
    basis = agreement("values", "commentary")
    bases.cover(org_a, "NI 195", basis)
    original = publish_value(organisation=org_a, snapshot=make_snapshot(source_value_id=5))

    corrected = publish_value(
        organisation=org_a,
        snapshot=make_snapshot(
            value=Decimal("11.0"), commentary="Corrected count.", source_value_id=5
        ),
    )

    original.refresh_from_db()
    assert corrected.pk != original.pk
    assert (original.is_current, original.revision) == (False, 1)
    assert original.superseded_at is not None and original.superseded_at >= original.published_at
    assert original.value == Decimal("12.5")  # not overwritten
    assert (corrected.is_current, corrected.revision, corrected.value) == (True, 2, Decimal("11"))
    assert corrected.commentary == "Corrected count."
    assert restatement_history(published_value=corrected) == [original, corrected]
    # Only the correction is visible as current; the history stays visible under its grant.
    assert list(visible_values(basis_type="agreement", basis_ids=[basis.id])) == [corrected]
    assert set(
        visible_values(basis_type="agreement", basis_ids=[basis.id], include_history=True)
    ) == {original, corrected}


def test_a_changed_commentary_alone_is_a_restatement(org_a, bases):
    bases.cover(org_a, "NI 195", agreement("values", "commentary"))
    publish_value(organisation=org_a, snapshot=make_snapshot())
    restated = publish_value(organisation=org_a, snapshot=make_snapshot(commentary="Revised."))
    assert restated.revision == 2
    assert rows_of(org_a).filter(is_current=True).get() == restated


def test_grants_follow_the_active_bases(org_a, bases):
    first, second = agreement("values"), consent("values")
    bases.cover(org_a, "NI 195", first)
    row = publish_value(organisation=org_a, snapshot=make_snapshot())

    bases.cover(org_a, "NI 195", second)
    publish_value(organisation=org_a, snapshot=make_snapshot())
    assert grant_keys(row) == {
        ("agreement", first.id, ("values",)),
        ("club_consent", second.id, ("values",)),
    }

    bases.end(first)
    publish_value(organisation=org_a, snapshot=make_snapshot())
    assert grant_keys(row) == {("club_consent", second.id, ("values",))}


def test_when_no_basis_is_left_the_current_row_is_withdrawn(org_a, bases):
    basis = agreement()
    bases.cover(org_a, "NI 195", basis)
    row = publish_value(organisation=org_a, snapshot=make_snapshot())

    bases.end(basis)
    assert publish_value(organisation=org_a, snapshot=make_snapshot()) is None

    assert not row.grants.exists()
    assert not visible_values(basis_type="agreement", basis_ids=[basis.id]).exists()


def test_withdrawing_a_basis_keeps_other_bases_grants(org_a, bases):
    revoked, kept = agreement("values"), consent("values")
    bases.cover(org_a, "NI 195", revoked, kept)
    bases.cover(org_a, "NI 196", revoked)
    shared = publish_value(organisation=org_a, snapshot=make_snapshot())
    only_revoked = publish_value(
        organisation=org_a, snapshot=make_snapshot(indicator_code="NI 196")
    )

    removed = withdraw_basis(basis_type="agreement", basis_id=revoked.id, delete_orphans=False)

    assert removed == 2
    assert not visible_values(basis_type="agreement", basis_ids=[revoked.id]).exists()
    assert list(visible_values(basis_type="club_consent", basis_ids=[kept.id])) == [shared]
    # The orphan stays (retention says keep) but nobody can see it.
    assert PublishedValue.objects.filter(pk=only_revoked.pk).exists()
    assert not only_revoked.grants.exists()


def test_withdrawing_a_basis_deletes_orphans_when_asked(org_a, bases):
    revoked, kept = agreement("values"), consent("values")
    bases.cover(org_a, "NI 195", revoked, kept)
    bases.cover(org_a, "NI 196", revoked)
    shared = publish_value(organisation=org_a, snapshot=make_snapshot())
    first = publish_value(organisation=org_a, snapshot=make_snapshot(indicator_code="NI 196"))
    restated = publish_value(
        organisation=org_a, snapshot=make_snapshot(indicator_code="NI 196", value=Decimal("1"))
    )

    removed = withdraw_basis(basis_type="agreement", basis_id=revoked.id, delete_orphans=True)

    assert removed == 3
    assert not PublishedValue.objects.filter(pk__in=[first.pk, restated.pk]).exists()
    assert PublishedValue.objects.filter(pk=shared.pk).exists()
    assert grant_keys(shared) == {("club_consent", kept.id, ("values",))}


def test_withdrawing_a_basis_of_another_type_with_the_same_id_changes_nothing(org_a, bases):
    basis = agreement()
    bases.cover(org_a, "NI 195", basis)
    row = publish_value(organisation=org_a, snapshot=make_snapshot())
    assert withdraw_basis(basis_type="club_consent", basis_id=basis.id, delete_orphans=True) == 0
    assert row.grants.count() == 1


def test_withdrawing_an_unknown_basis_type_is_refused():
    with pytest.raises(DomainError, match="Unknown basis type 'contract'"):
        withdraw_basis(basis_type="contract", basis_id=1, delete_orphans=True)


def test_a_withdrawn_value_republished_keeps_its_revision_numbering(org_a, bases):
    basis = agreement()
    bases.cover(org_a, "NI 195", basis)
    publish_value(organisation=org_a, snapshot=make_snapshot())
    withdraw_basis(basis_type="agreement", basis_id=basis.id, delete_orphans=True)
    assert not rows_of(org_a).exists()

    again = publish_value(organisation=org_a, snapshot=make_snapshot())
    assert again.revision == 1 and again.is_current


def test_cross_organisation_reads_are_logged_per_owner(org_a, org_b, make_user, bases):
    basis = agreement("values", label="Wealdshire LSP agreement v2")
    bases.cover(org_a, "NI 195", basis)
    bases.cover(org_b, "NI 195", basis)
    a_q1 = publish_value(organisation=org_a, snapshot=make_snapshot())
    a_q2 = publish_value(
        organisation=org_a,
        snapshot=make_snapshot(period_code="2024/25 Q2", period_start=date(2024, 7, 1)),
    )
    own = publish_value(organisation=org_b, snapshot=make_snapshot())
    reader = make_user(org_b, roles=["manager"]).user

    logged = log_cross_organisation_reads(
        reader_organisation=org_b,
        reader_user=reader,
        values=[a_q1, a_q2, own],
        basis=basis,
        interface="graphql",
    )

    (row,) = logged
    row = CrossOrganisationRead.objects.get(pk=row.pk)
    # Beta reading its own value is not a cross-organisation read.
    assert (row.reader_organisation, row.reader_user, row.owner_ids, row.basis_ids) == (
        org_b,
        reader.email,
        [org_a.pk],
        [basis.id],
    )
    assert (row.basis_type, row.basis_label, row.interface) == (
        "agreement",
        "Wealdshire LSP agreement v2",
        "graphql",
    )
    what = {"indicators": [{"code": "NI 195", "periods": ["2024/25 Q1", "2024/25 Q2"]}]}
    assert row.what == what and row.what_by_owner == {}
    assert row.read_at is not None
    (seen,) = reads_of(owner_organisation_id=org_a.pk, basis_id=basis.id)
    assert (seen.id, seen.reader_organisation, seen.reader_user, seen.basis_id, seen.what) == (
        row.pk,
        org_b,
        reader.email,
        basis.id,
        what,
    )
    assert (seen.basis_label, seen.get_interface_display()) == (
        "Wealdshire LSP agreement v2",
        "GraphQL API",
    )
    assert not reads_of(owner_organisation_id=org_b.pk, basis_id=basis.id).exists()
    assert not reads_of(owner_organisation_id=org_a.pk, basis_id=basis.id + 1).exists()


def test_reading_only_your_own_values_logs_nothing(org_a, bases):
    basis = agreement()
    bases.cover(org_a, "NI 195", basis)
    own = publish_value(organisation=org_a, snapshot=make_snapshot())
    assert (
        log_cross_organisation_reads(
            reader_organisation=org_a,
            reader_user="a@alpha.example",
            values=[own],
            basis=basis,
            interface="page",
        )
        == []
    )
    assert not reads_of(owner_organisation_id=org_a.pk, basis_id=basis.id).exists()


def test_a_read_through_an_unknown_interface_is_refused(org_a, org_b, bases):
    basis = agreement()
    bases.cover(org_a, "NI 195", basis)
    value = publish_value(organisation=org_a, snapshot=make_snapshot())
    with pytest.raises(DomainError, match="Unknown interface 'soap'"):
        log_cross_organisation_reads(
            reader_organisation=org_b,
            reader_user="x@beta.example",
            values=[value],
            basis=basis,
            interface="soap",
        )
    assert not reads_of(owner_organisation_id=org_a.pk).exists()


def test_granted_fields_reports_what_each_basis_allows(org_a, bases):
    partnership, club = agreement("values", "commentary"), consent("values")
    bases.cover(org_a, "NI 195", partnership, club)
    row = publish_value(organisation=org_a, snapshot=make_snapshot())
    assert granted_fields(row, partnership) == {"values", "commentary"}
    assert granted_fields(row, ("club_consent", club.id)) == {"values"}
    assert granted_fields(row, ("agreement", club.id)) == frozenset()


def test_reads_can_be_logged_under_each_owners_own_basis(org_a, org_b, bases):
    # given two owners whose values are visible under two different consents
    alpha_consent, beta_consent = consent(), consent()
    bases.cover(org_a, "NI 195", alpha_consent)
    bases.cover(org_b, "NI 195", beta_consent)
    alpha = publish_value(organisation=org_a, snapshot=make_snapshot())
    beta = publish_value(organisation=org_b, snapshot=make_snapshot())
    reader = Organisation.objects.create(schema_name="reader_x", slug="reader-x", name="X")

    # when one reader's read of both is logged with a basis per owner
    logged = log_cross_organisation_reads(
        reader_organisation=reader,
        reader_user="r@x.example",
        values=[alpha, beta],
        bases_by_owner={org_a.pk: alpha_consent, org_b.pk: beta_consent},
        interface="graphql",
    )

    # then each owner sees its read under its own basis (the reader withheld: these consents
    # are no club's, so the club-consent disclosure cannot say the reader may be named)
    for owner, basis in ((org_a, alpha_consent), (org_b, beta_consent)):
        (seen,) = reads_of(owner_organisation_id=owner.pk)
        assert (seen.reader_organisation, seen.reader_name, seen.basis_id, seen.basis_label) == (
            None,
            READER_WITHHELD,
            basis.id,
            basis.label,
        )
    # (two labels, so two rows: a row has one label)
    assert sorted(row.owner_ids for row in logged) == [[org_a.pk], [org_b.pk]]


def test_a_read_of_an_owner_without_a_basis_is_refused_and_nothing_is_logged(org_a, org_b, bases):
    basis = consent()
    bases.cover(org_a, "NI 195", basis)
    bases.cover(org_b, "NI 195", basis)
    alpha = publish_value(organisation=org_a, snapshot=make_snapshot())
    beta = publish_value(organisation=org_b, snapshot=make_snapshot())
    reader = Organisation.objects.create(schema_name="reader_y", slug="reader-y", name="Y")
    with pytest.raises(DomainError, match="No basis given"):
        log_cross_organisation_reads(
            reader_organisation=reader,
            reader_user="r@y.example",
            values=[alpha, beta],
            bases_by_owner={org_a.pk: basis},
            interface="graphql",
        )
    assert not CrossOrganisationRead.objects.filter(reader_organisation=reader).exists()


def test_one_row_names_every_owner_and_each_owner_sees_only_its_own_part(org_a, org_b):
    # given a club-like read of many owners, each under its own consent, one of whom had
    # fewer periods read than the others
    owners = [
        Organisation.objects.create(schema_name=f"owner_{i}", slug=f"owner-{i}", name=f"O {i}")
        for i in range(40)
    ]
    full = {"indicators": [{"code": "NI 195", "periods": ["2024/25 Q1", "2024/25 Q2"]}]}
    partial = {"indicators": [{"code": "NI 195", "periods": ["2024/25 Q2"]}]}
    what = [full] * 39 + [partial]

    # when it is recorded
    with CaptureQueriesContext(connection) as captured:
        row = record_read(
            reader_organisation=org_a,
            reader_user="reader@alpha.example",
            interface="graphql",
            basis_type="club_consent",
            basis_label="Club consent",
            owner_ids=[owner.pk for owner in owners],
            basis_ids=[1000 + i for i in range(40)],
            what_of_owner=what,
        )

    # then it is one INSERT of one row, whose parts are kept apart only where they differ
    statements = [q["sql"] for q in captured if not q["sql"].startswith("SET search_path")]
    assert [sql.split()[0] for sql in statements] == ["INSERT"]
    assert row.what == full
    assert row.what_by_owner == {str(owners[-1].pk): partial}
    # each owner sees its own basis and what was read of it, and nobody else's
    (first,) = reads_of(owner_organisation_id=owners[0].pk)
    (last,) = reads_of(owner_organisation_id=owners[-1].pk)
    assert (first.basis_id, first.what) == (1000, full)
    assert (last.basis_id, last.what) == (1039, partial)
    # nothing in what an owner sees is about the other owners: no field for them, and its
    # own basis and part only (checked above)
    assert {field.name for field in dataclasses.fields(first)} == {
        "id",
        "reader_organisation",
        "reader_name",
        "reader_user",
        "basis_type",
        "basis_id",
        "basis_label",
        "what",
        "interface",
        "read_at",
    }
    assert not reads_of(owner_organisation_id=org_b.pk).exists()
    assert len(reads_of(owner_organisation_id=owners[5].pk, basis_type="club_consent")) == 1
    assert not reads_of(owner_organisation_id=owners[5].pk, basis_type="agreement").exists()


def test_a_basis_types_reader_disclosure_decides_whether_the_owner_is_told_who_read(org_a, org_b):
    basis = agreement("values")
    reader = Organisation.objects.create(schema_name="reader_z", slug="reader-z", name="Z")
    row = record_read(
        reader_organisation=reader,
        reader_user="r@z.example",
        interface="page",
        basis_type="agreement",
        basis_label=basis.label,
        owner_ids=[org_a.pk, org_b.pk],
        basis_ids=[basis.id, basis.id + 1],
        what_of_owner=[{"indicators": []}] * 2,
    )
    # Without a disclosure (agreements), the reader is named.
    (seen,) = reads_of(owner_organisation_id=org_a.pk)
    assert (seen.reader_organisation, seen.reader_name, seen.reader_user) == (
        reader,
        "Z",
        "r@z.example",
    )
    # With one, it decides per basis; a basis it does not answer for is withheld.
    asked = []

    def disclosure(basis_ids):
        asked.append(basis_ids)
        return {basis.id: "a party to the test"}

    register_reader_disclosure("agreement", disclosure)
    try:
        (seen_a,) = reads_of(owner_organisation_id=org_a.pk)
        (seen_b,) = reads_of(owner_organisation_id=org_b.pk)
    finally:
        unregister_reader_disclosure("agreement")
    assert (seen_a.id, seen_b.id) == (row.pk, row.pk)
    assert (seen_a.reader_organisation, seen_a.reader_name, seen_a.reader_user) == (
        None,
        "a party to the test",
        "",
    )
    assert (seen_b.reader_organisation, seen_b.reader_name) == (None, READER_WITHHELD)
    assert asked == [[basis.id], [basis.id + 1]]  # one call per page, with its bases only


def test_a_read_of_its_own_data_or_without_bases_is_refused(org_a, org_b):
    arguments = dict(
        reader_user="r@alpha.example",
        interface="page",
        basis_type="agreement",
        basis_label="Agreement",
        what_of_owner=[{"indicators": []}],
    )
    with pytest.raises(DomainError, match="own data"):
        record_read(reader_organisation=org_a, owner_ids=[org_a.pk], basis_ids=[1], **arguments)
    with pytest.raises(DomainError, match="each with a basis"):
        record_read(reader_organisation=org_a, owner_ids=[org_b.pk], basis_ids=[], **arguments)
    assert not CrossOrganisationRead.objects.filter(reader_organisation=org_a).exists()
