"""A scheduled definition through the real broker and a real worker: beat's per-organisation
task starts the due quarter's run (once, however often it fires), the worker freezes the pack
and sends one e-mail per person on the distribution list (by role and by name, active members
only) with a link to the signed-in download; a redelivered generation task sends nothing more.

No test transaction here: the worker reads committed data, removed at the end."""

from __future__ import annotations

import uuid
from datetime import date

from django.core import mail
from django_tenants.utils import schema_context

from tests.fixtures.worker import finished_tasks, wait_for


def _remove(definition_id: int, users: list) -> None:
    from goldenthread.platform.reporting.models import (
        DistributionList,
        FrozenPack,
        FrozenPackFile,
        PackDelivery,
        PackRun,
        PackSchedule,
        ReportDefinition,
        ReportDefinitionVersion,
    )

    # Querysets delete without the models' own refusal (frozen packs are never deleted by
    # the application; a test cleans up behind itself).
    PackDelivery.objects.filter(frozen_pack__definition_id=definition_id).delete()
    PackRun.objects.filter(definition_id=definition_id).delete()
    FrozenPackFile.objects.filter(frozen_pack__definition_id=definition_id).delete()
    FrozenPack.objects.filter(definition_id=definition_id).delete()
    PackSchedule.objects.filter(definition_id=definition_id).delete()
    DistributionList.objects.filter(definition_id=definition_id).delete()
    ReportDefinitionVersion.objects.filter(definition_id=definition_id).delete()
    ReportDefinition.objects.filter(pk=definition_id).delete()
    for user in users:
        user.delete()


def test_a_scheduled_pack_is_made_once_and_each_recipient_gets_one_email(
    session_organisations, celery_worker, django_db_blocker
):
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.reporting.models import FrozenPack, PackDelivery, PackRun
    from goldenthread.platform.reporting.services import (
        definition_create,
        distribution_list_save,
        schedule_save,
    )
    from goldenthread.platform.reporting.tasks import generate_pack, run_schedules

    org_a = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock(), schema_context(org_a.schema_name):
        officer = user_create(
            email=f"po-{tag}@alpha.example",
            full_name="Sched Officer",
            roles=["performance_officer"],
        )
        cllr1 = user_create(
            email=f"c1-{tag}@alpha.example", full_name="Cllr One", roles=["councillor"]
        )
        cllr2 = user_create(
            email=f"c2-{tag}@alpha.example", full_name="Cllr Two", roles=["councillor"]
        )
        gone = user_create(
            email=f"c3-{tag}@alpha.example", full_name="Cllr Gone", roles=["councillor"]
        )
        gone.is_active = False
        gone.save()
        named = user_create(
            email=f"m-{tag}@alpha.example", full_name="Named Manager", roles=["manager"]
        )
        bystander = user_create(
            email=f"b-{tag}@alpha.example", full_name="Not Listed", roles=["manager"]
        )
        users = [officer, cllr1, cllr2, gone, named, bystander]
        definition = definition_create(
            user=officer, data={"title": f"Scheduled {tag}", "sections": [{"kind": "pis"}]}
        )
        schedule_save(
            user=officer,
            definition=definition,
            working_days=10,
            committee="Cabinet",
            today=date(2000, 1, 1),  # started long ago: the latest due quarter runs now
        )
        distribution_list_save(
            user=officer, definition=definition, roles=["councillor"], people=[named.pk]
        )
    mail.outbox = []
    try:
        with finished_tasks() as finished:
            with schema_context(org_a.schema_name):  # beat firing twice
                started = [run_schedules.delay() for _ in range(2)]
            wait_for(lambda: all(t.id in finished for t in started), timeout=120, what="schedules")
            starts = sorted(finished[t.id][1] for t in started)
            assert starts == [0, 1], "the second firing found the quarter's run already there"

            # The organisation is shared with the run's other worker tests, whose councillors
            # may be on the list too: wait for every delivery of the pack, then look at ours.
            def delivered():
                with django_db_blocker.unblock(), schema_context(org_a.schema_name):
                    deliveries = PackDelivery.objects.filter(frozen_pack__definition=definition)
                    return (
                        deliveries.filter(recipient__in=users, sent_at__isnull=False).count() == 3
                        and not deliveries.filter(sent_at__isnull=True).exists()
                    )

            wait_for(delivered, timeout=180, what="three deliveries")
            with django_db_blocker.unblock(), schema_context(org_a.schema_name):
                (run,) = PackRun.objects.filter(definition=definition)
                frozen = FrozenPack.objects.get(definition=definition)
                assert run.frozen_pack_id == frozen.pk and run.schedule_id is not None
                assert frozen.committee == "Cabinet" and frozen.frozen_by_name == "Schedule"
            # The generation task delivered again (a broker redelivery, a retry): no new pack,
            # no second e-mail.
            with schema_context(org_a.schema_name):
                again = generate_pack.delay(run.pk)
            wait_for(lambda: again.id in finished, timeout=30, what="the redelivered task")
            assert finished[again.id][0] == "SUCCESS"

        ours = [m for m in mail.outbox if tag in m.to[0]]
        recipients = sorted(m.to[0] for m in ours)
        assert recipients == sorted([cllr1.email, cllr2.email, named.email])
        message = next(m for m in ours if m.to == [cllr1.email])
        assert f"/reports/packs/{frozen.pk}/" in message.body
        assert "Cabinet" in message.subject and message.attachments == []
        with django_db_blocker.unblock(), schema_context(org_a.schema_name):
            assert FrozenPack.objects.filter(definition=definition).count() == 1
            ours_delivered = PackDelivery.objects.filter(frozen_pack=frozen, recipient__in=users)
            assert sorted(d.recipient_id for d in ours_delivered) == sorted(
                [cllr1.pk, cllr2.pk, named.pk]
            )
    finally:
        with django_db_blocker.unblock(), schema_context(org_a.schema_name):
            _remove(definition.pk, users)
