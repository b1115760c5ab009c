"""From the member's approved values to the store, without a worker: the approval hook,
the snapshot, the tasks' bodies and publish_existing_for."""

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import Conflict
from goldenthread.platform.indicators.selectors.publication import snapshot_from_value
from goldenthread.platform.indicators.services.values import commentary_add, value_enter
from goldenthread.platform.indicators.services.workflow import (
    value_approve,
    value_reopen,
    value_submit,
)
from goldenthread.shared_indicators.publication.models import OutboxMessage, PublishedValue
from goldenthread.shared_indicators.publication.services import publish_existing_for
from goldenthread.shared_indicators.publication.tasks import (
    publish_existing_task,
    publish_value_task,
    queue_publish_existing,
)

from .helpers import agreement, approved_value, local_indicator

pytestmark = pytest.mark.django_db


def published(organisation, code):
    return PublishedValue.objects.filter(organisation=organisation, indicator_code=code)


def run_in(member, task, *args):
    """Run a task's body as the worker would: in the member's schema."""
    with member.schema():
        return task(*args)


def publication_messages() -> list:
    """The publication tasks waiting in the outbox (an approval also queues notification
    e-mails and clears the public pages' cache on commit: those are other apps' business)."""
    names = [publish_value_task.name, publish_existing_task.name]
    return list(OutboxMessage.objects.filter(task_name__in=names))


def test_approving_a_value_queues_its_publication_on_commit(
    member, django_capture_on_commit_callbacks
):
    pi = local_indicator(member, "LP 1")
    with member.schema():
        row = value_enter(actor=member.provider, indicator=pi, period_code="2024/25 Q1", value="5")
        value_submit(actor=member.provider, value=row)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            value_approve(actor=member.verifier, value=row)
    # One publication message, written in the approval's transaction and sent only after
    # commit (the worker must see the approval); the worker test follows it through the broker.
    [message] = publication_messages()
    assert (message.task_name, message.args) == (publish_value_task.name, [row.pk])
    assert message.schema_name == member.organisation.schema_name
    assert callbacks, "nothing waits for the commit"


def test_submitting_or_reopening_queues_nothing(member, django_capture_on_commit_callbacks):
    pi = local_indicator(member, "LP 1")
    row = approved_value(member, pi, "2024/25 Q1", "5")
    before = publication_messages()  # the approval's own
    with member.schema(), django_capture_on_commit_callbacks(execute=False):
        value_reopen(actor=member.officer, value=row, reason="Typo")
        value_submit(actor=member.provider, value=row)
    assert publication_messages() == before


def test_an_approved_value_is_published_with_provenance(member, bases):
    pi = local_indicator(member, "LP 1")
    basis = agreement("values", "commentary", "targets")
    bases.cover(member.organisation, "LP 1", basis)
    with member.schema():
        from goldenthread.platform.indicators.services.targets import target_set

        target_set(actor=member.officer, indicator=pi, period_code="2024/25 Q1", value="60")
        commentary_add(actor=member.provider, indicator=pi, period_code="2024/25 Q1", text="Old")
        commentary_add(actor=member.provider, indicator=pi, period_code="2024/25 Q1", text="New")
    row = approved_value(member, pi, "2024/25 Q1", "55.5")

    published_id = run_in(member, publish_value_task, row.pk)

    stored = PublishedValue.objects.get(pk=published_id)
    assert (stored.organisation, stored.indicator_code, stored.catalogue_indicator) == (
        member.organisation,
        "LP 1",
        None,
    )
    assert (stored.indicator_title, stored.unit, stored.polarity, stored.frequency) == (
        "Indicator LP 1",
        "percentage",
        "higher",
        "quarterly",
    )
    assert (stored.period_code, stored.period_type) == ("2024/25 Q1", "quarter")
    assert (stored.value, stored.target, stored.commentary) == (
        Decimal("55.5"),
        Decimal("60"),
        "New",
    )
    assert (stored.source_value_id, stored.approved_by_name, stored.approved_at) == (
        row.pk,
        "Vera Verifier",
        row.approved_at,
    )
    assert (stored.revision, stored.is_current) == (1, True)


def test_values_that_are_not_approved_are_never_published(member, bases):
    pi = local_indicator(member, "LP 1")
    bases.cover(member.organisation, "LP 1", agreement())
    with member.schema():
        draft = value_enter(actor=member.provider, indicator=pi, period_code="2024/25 Q1", value=5)
        with pytest.raises(Conflict, match="Only approved values are published"):
            snapshot_from_value(draft)
        value_submit(actor=member.provider, value=draft)
        draft.refresh_from_db()
        with pytest.raises(Conflict, match="is submitted for approval"):
            snapshot_from_value(draft)
    assert run_in(member, publish_value_task, draft.pk) is None
    assert run_in(member, publish_value_task, 987_654_321) is None  # no such value
    assert not published(member.organisation, "LP 1").exists()


def test_a_task_without_an_organisation_schema_publishes_nothing(member, bases):
    pi = local_indicator(member, "LP 1")
    bases.cover(member.organisation, "LP 1", agreement())
    row = approved_value(member, pi, "2024/25 Q1", "5")
    with schema_context("public"):
        assert publish_value_task(row.pk) is None
        assert publish_existing_task(["LP 1"]) == 0
    assert not published(member.organisation, "LP 1").exists()


def test_reapproval_after_a_correction_is_a_restatement(member, bases):
    pi = local_indicator(member, "LP 1")
    bases.cover(member.organisation, "LP 1", agreement())
    row = approved_value(member, pi, "2024/25 Q1", "50")
    first_id = run_in(member, publish_value_task, row.pk)

    with member.schema():
        value_reopen(actor=member.officer, value=row, reason="Wrong quarter's data")
        # While reopened, a late task publishes nothing and the approved figure stays.
        assert publish_value_task(row.pk) is None
        value_enter(actor=member.provider, indicator=pi, period_code="2024/25 Q1", value="45")
        value_submit(actor=member.provider, value=row)
        value_approve(actor=member.verifier, value=row)
    second_id = run_in(member, publish_value_task, row.pk)

    first, second = (
        PublishedValue.objects.get(pk=first_id),
        PublishedValue.objects.get(pk=second_id),
    )
    assert (first.value, first.is_current, first.revision) == (Decimal("50"), False, 1)
    assert first.superseded_at is not None
    assert (second.value, second.is_current, second.revision) == (Decimal("45"), True, 2)
    assert second.source_value_id == first.source_value_id == row.pk


def test_reapproving_the_same_figure_makes_no_new_revision(member, bases):
    pi = local_indicator(member, "LP 1")
    bases.cover(member.organisation, "LP 1", agreement())
    row = approved_value(member, pi, "2024/25 Q1", "50")
    first_id = run_in(member, publish_value_task, row.pk)
    with member.schema():
        value_reopen(actor=member.officer, value=row, reason="Check")
        value_submit(actor=member.provider, value=row)
        value_approve(actor=member.verifier, value=row)
    assert run_in(member, publish_value_task, row.pk) == first_id
    assert run_in(member, publish_value_task, row.pk) == first_id
    assert published(member.organisation, "LP 1").count() == 1


def test_an_adopted_pi_publishes_under_its_catalogue_code(member, bases):
    from goldenthread.platform.indicators.services.indicators import indicator_adopt
    from goldenthread.shared_indicators.models import CatalogueIndicator

    entry = CatalogueIndicator.objects.create(
        code="NI 9991",
        title="Test catalogue PI",
        unit="percentage",
        polarity="higher",
        frequency="quarterly",
    )
    with member.schema():
        pi = indicator_adopt(
            actor=member.officer, catalogue_code="NI 9991", data_providers=[member.provider]
        )
    bases.cover(member.organisation, "NI 9991", agreement())
    row = approved_value(member, pi, "2024/25 Q1", "7")

    stored = PublishedValue.objects.get(pk=run_in(member, publish_value_task, row.pk))

    assert (stored.indicator_code, stored.catalogue_indicator) == ("NI 9991", entry)
    assert bases.calls[-1] == (member.organisation.pk, "NI 9991")


def test_a_local_pi_publishes_only_if_a_basis_names_its_code(member, bases):
    pi = local_indicator(member, "LP 1")
    bases.cover(member.organisation, "LP 2", agreement())  # a different partnership code
    row = approved_value(member, pi, "2024/25 Q1", "7")
    assert run_in(member, publish_value_task, row.pk) is None
    assert not PublishedValue.objects.filter(organisation=member.organisation).exists()


def test_publish_existing_republishes_approved_values_only(member, bases):
    pi = local_indicator(member, "LP 1")
    other = local_indicator(member, "LP 2")
    q1 = approved_value(member, pi, "2024/25 Q1", "1")
    q2 = approved_value(member, pi, "2024/25 Q2", "2")
    approved_value(member, other, "2024/25 Q1", "3")
    with member.schema():
        value_enter(actor=member.provider, indicator=pi, period_code="2024/25 Q3", value="4")
        commentary_add(actor=member.provider, indicator=pi, period_code="2024/25 Q2", text="Why")
    # given the values were approved before any agreement covered them
    assert not published(member.organisation, "LP 1").exists()
    bases.cover(member.organisation, "LP 1", agreement("values", "commentary"))
    bases.calls.clear()

    count = publish_existing_for(organisation=member.organisation, indicator_codes=["LP 1"])

    rows = published(member.organisation, "LP 1").order_by("period_start")
    assert count == 2
    assert [(r.source_value_id, r.commentary) for r in rows] == [(q1.pk, ""), (q2.pk, "Why")]
    assert bases.calls == [(member.organisation.pk, "LP 1")]  # asked once for the code
    assert not published(member.organisation, "LP 2").exists()
    # and again: nothing new
    assert run_in(member, publish_existing_task, ["LP 1"]) == 2
    assert published(member.organisation, "LP 1").count() == 2


def test_publish_existing_with_no_codes_does_nothing(member, bases):
    assert publish_existing_for(organisation=member.organisation, indicator_codes=[]) == 0
    assert bases.calls == []


def test_queue_publish_existing_waits_for_commit(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_publish_existing(organisation=member.organisation, indicator_codes=["LP 1"])
    assert len(callbacks) == 1
