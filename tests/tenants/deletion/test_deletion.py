"""Deleting an organisation: request (suspended), cancel, purge after the grace period."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.core.errors import Conflict
from goldenthread.shared_indicators.publication.models import PublicationGrant, PublishedValue
from goldenthread.tenants.deletion import services
from goldenthread.tenants.deletion.models import DeletionStatus, OrganisationDeletion
from goldenthread.tenants.models import (
    Domain,
    Organisation,
    OrganisationStatus,
    PlatformAuditEvent,
)
from tests.factories import PASSWORD, partnership_sharing_values, provision_organisation

STAFF = "helpdesk@goldenthread.example"


def _tag() -> str:
    return uuid.uuid4().hex[:6]


@pytest.fixture
def doomed(db):
    tag = _tag()
    return provision_organisation(slug=f"doomed-{tag}", name=f"Doomed Parish {tag}", type="other")


@pytest.fixture
def shared_value(doomed, org_a, make_user):
    """Alpha leads a partnership with `doomed`; both sign an agreement; `doomed` approves a
    value, which is published to the store. Returns (partnership, version, code, alpha admin)."""
    from goldenthread.platform.indicators.services import values, workflow
    from goldenthread.platform.indicators.services.indicators import indicator_create
    from goldenthread.shared_indicators.publication.services import publish_existing_for

    lead_admin = make_user(org_a, roles=["org_admin"]).user
    admin = make_user(doomed, roles=["org_admin", "performance_officer"]).user
    verifier = make_user(doomed, roles=["verifier"]).user
    code = f"DEL-{_tag()}"
    shared = partnership_sharing_values(
        lead=org_a,
        lead_admin=lead_admin,
        member=doomed,
        member_admin=admin,
        code=code,
        name=f"LSP {code}",
    )
    with schema_context(doomed.schema_name):
        pi = indicator_create(
            actor=admin,
            code=code,
            title="Litter picks",
            unit_kind="number",
            polarity="higher",
            frequency="quarterly",
            decimal_places=0,
        )
        row = values.value_enter(
            actor=admin, indicator=pi, period_code="2024/25 Q4", value=Decimal(12)
        )
        workflow.value_submit(actor=admin, value=row)
        workflow.value_approve(actor=verifier, value=row)
    assert publish_existing_for(organisation=doomed, indicator_codes=[code]) == 1
    shared.version.refresh_from_db()
    return shared.partnership, shared.version, code, lead_admin


def _past_grace(deletion):
    return deletion.purge_after + timedelta(seconds=1)


def test_a_request_suspends_the_organisation_and_sets_the_grace_period(doomed, settings):
    settings.ORGANISATION_DELETION_GRACE_DAYS = 30
    before = timezone.now()
    deletion = services.deletion_request(organisation=doomed, actor=STAFF, reason="Contract ended")
    doomed.refresh_from_db()
    assert doomed.status == OrganisationStatus.SUSPENDED
    assert deletion.status == DeletionStatus.PENDING
    assert deletion.purge_after - before >= timedelta(days=30)
    event = PlatformAuditEvent.objects.get(
        organisation=doomed, action="organisation.deletion_requested"
    )
    assert event.actor == STAFF and event.detail["grace_days"] == 30


def test_a_suspended_organisation_in_grace_cannot_sign_in(doomed, make_user, client_for):
    person = make_user(doomed, roles=["org_admin"])
    services.deletion_request(organisation=doomed, actor=STAFF, reason="Contract ended")
    client = client_for(doomed)
    page = client.post("/accounts/sign-in/", {"username": person.user.email, "password": PASSWORD})
    assert page.status_code == 403
    assert "suspended" in page.content.decode()
    assert client.get("/api/v1/indicators/", HTTP_AUTHORIZATION="Bearer x").status_code == 403


def test_cancel_during_the_grace_period_restores_access(doomed, make_user, client_for):
    person = make_user(doomed, roles=["org_admin"])
    deletion = services.deletion_request(organisation=doomed, actor=STAFF, reason="Mistake")
    services.deletion_cancel(deletion=deletion, actor=STAFF)
    doomed.refresh_from_db()
    assert doomed.status == OrganisationStatus.ACTIVE and doomed.status_reason == ""
    client = client_for(doomed, user=person.user)
    assert client.get("/").status_code in (200, 302)
    assert client.get("/").status_code != 403
    deletion.refresh_from_db()
    assert deletion.status == DeletionStatus.CANCELLED
    # Nothing can purge a cancelled deletion.
    with pytest.raises(Conflict):
        services.deletion_purge(deletion=deletion, actor=STAFF, now=_past_grace(deletion))
    assert schema_exists(doomed.schema_name)


def test_cancel_keeps_an_earlier_suspension(doomed):
    from goldenthread.tenants.services import organisation_suspend

    organisation_suspend(organisation=doomed, reason="Unpaid invoice", actor=STAFF)
    deletion = services.deletion_request(organisation=doomed, actor=STAFF, reason="Contract ended")
    services.deletion_cancel(deletion=deletion, actor=STAFF)
    doomed.refresh_from_db()
    assert doomed.status == OrganisationStatus.SUSPENDED
    assert doomed.status_reason == "Unpaid invoice"


def test_the_purge_refuses_before_the_grace_period_ends(doomed):
    deletion = services.deletion_request(organisation=doomed, actor=STAFF, reason="Contract ended")
    with pytest.raises(Conflict) as refused:
        services.deletion_purge(
            deletion=deletion, actor=STAFF, now=deletion.purge_after - timedelta(minutes=1)
        )
    assert refused.value.code == "grace_period"
    assert schema_exists(doomed.schema_name)
    assert services.purge_due(now=deletion.purge_after - timedelta(minutes=1)) == []
    assert Organisation.objects.filter(pk=doomed.pk).exists()


def test_the_purge_removes_the_schema_and_every_published_value_and_leaves_the_record(
    doomed, shared_value, org_a, org_b, client_for
):
    partnership, version, code, lead_admin = shared_value
    assert PublishedValue.objects.filter(organisation=doomed).count() == 1
    schema, slug, pk = doomed.schema_name, doomed.slug, doomed.pk
    b_domains = list(Domain.objects.filter(tenant=org_b).values_list("domain", flat=True))
    deletion = services.deletion_request(organisation=doomed, actor=STAFF, reason="Contract ended")
    with pytest.raises(Conflict):
        services.deletion_purge(deletion=deletion, now=timezone.now())

    with django_capture_on_commit() as callbacks:
        purged = services.purge_due(now=_past_grace(deletion))
    assert purged == [slug]
    connection.set_schema_to_public()
    assert not schema_exists(schema)
    assert not Organisation.objects.filter(pk=pk).exists()
    assert not Domain.objects.filter(tenant_id=pk).exists()
    assert not PublishedValue.objects.filter(organisation_id=pk).exists()
    assert not PublicationGrant.objects.filter(basis_type="agreement", basis_id=version.pk).exists()
    version.refresh_from_db()
    assert version.status == "revoked" and "deleted" in version.end_reason
    assert not partnership.members.filter(organisation_id=pk).exists()
    # The record: who, when, counts, no content.
    deletion.refresh_from_db()
    assert deletion.status == DeletionStatus.PURGED and deletion.purged_at is not None
    assert deletion.counts["published_values_deleted"] == 1
    assert deletion.counts["values"] == 1 and deletion.counts["indicators"] == 1
    record = PlatformAuditEvent.objects.get(action="organisation.purged", detail__slug=slug)
    assert record.organisation_id is None
    assert record.detail["requested_by"] == STAFF
    assert record.detail["counts"]["agreement_versions_revoked"] == 1
    assert "12" not in str(record.detail["counts"].get("values_text", ""))
    # The lead is told, after commit.
    for callback in callbacks:
        callback()
    # Another organisation is untouched.
    assert schema_exists(org_b.schema_name) and schema_exists(org_a.schema_name)
    assert list(Domain.objects.filter(tenant=org_b).values_list("domain", flat=True)) == b_domains
    assert (
        client_for(org_a, user=lead_admin).get(f"/partnerships/{partnership.pk}/").status_code
        == 200
    )


def test_the_purge_is_idempotent(doomed):
    deletion = services.deletion_request(organisation=doomed, actor=STAFF, reason="Contract ended")
    when = _past_grace(deletion)
    services.deletion_purge(deletion=deletion, actor=STAFF, now=when)
    again = services.deletion_purge(deletion=deletion, actor=STAFF, now=when + timedelta(days=1))
    assert again.status == DeletionStatus.PURGED
    assert services.purge_due(now=when + timedelta(days=1)) == []
    assert (
        PlatformAuditEvent.objects.filter(
            action="organisation.purged", detail__slug=deletion.organisation_slug
        ).count()
        == 1
    )


def test_partners_are_told_by_email_after_the_purge(doomed, shared_value, org_a):
    from goldenthread.tenants.deletion.services.notices import partners_tell

    partnership, *_ = shared_value
    sent = partners_tell(organisation_name=doomed.name, partners={org_a.pk: [partnership.name]})
    assert sent >= 1
    message = mail.outbox[-1]
    assert doomed.name in message.subject and partnership.name in message.body


def test_a_lead_of_a_partnership_with_other_members_cannot_be_deleted(
    doomed, org_a, org_b, make_user
):
    from goldenthread.partnerships import services as p

    admin = make_user(doomed, roles=["org_admin"]).user
    partnership = p.partnership_create(
        organisation=doomed,
        actor=admin,
        name=f"Led {_tag()}",
        type="lsp",
        starts_on=date(2024, 4, 1),
    )
    p.partnership_member_add(
        partnership=partnership, organisation=doomed, actor=admin, member=org_b
    )
    with pytest.raises(Conflict) as refused:
        services.deletion_request(organisation=doomed, actor=STAFF, reason="Contract ended")
    assert partnership.name in refused.value.message
    doomed.refresh_from_db()
    assert doomed.status == OrganisationStatus.ACTIVE
    assert not OrganisationDeletion.objects.filter(organisation=doomed).exists()


def test_the_platform_itself_cannot_be_deleted(db):
    from goldenthread.platform.core.errors import DomainError
    from goldenthread.tenants.services import ensure_public_organisation

    with pytest.raises(DomainError):
        services.deletion_request(
            organisation=ensure_public_organisation(), actor=STAFF, reason="no"
        )


def test_the_purge_task_is_scheduled_daily():
    import goldenthread.tenants.deletion.tasks  # noqa: F401 - as the worker's autodiscovery
    from goldenthread.platform.celery_app import app

    entry = app.conf.beat_schedule["purge-deleted-organisations"]
    assert entry["task"] == "goldenthread.tenants.deletion.tasks.purge_due_organisations"
    assert entry["task"] in app.tasks


class django_capture_on_commit:
    """Collect the on-commit callbacks a block queues (the test's transaction never commits)."""

    def __enter__(self):
        self.before = len(connection.run_on_commit)
        self.callbacks = []
        return self.callbacks

    def __exit__(self, *exc):
        self.callbacks.extend(c[1] for c in connection.run_on_commit[self.before :])
        return False
