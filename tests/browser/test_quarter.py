"""A whole quarter in one browser run, as issue #13 describes it: the provider enters the
grid, gives commentary for the one off-target value (the grid refuses it without), and
submits; the verifier is notified (the count in the navigation, and an e-mail through the
real worker), approves in bulk with each previous value in view, and sends one back with a
reason; the provider is notified and sees it on Home. Every e-mail goes out once.

The live server and the worker read committed data, so the data are written outside any test
transaction and removed afterwards (as in test_grid_and_bulk_approval.py).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import datetime
from datetime import time as clock

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period
from tests.fixtures.worker import wait_for

from .test_grid_and_bulk_approval import cell_key
from .test_indicators_entry import reading, sign_in

REASON = "58% is above the contract figure; check the tonnage."
FLOODS = "Collections were suspended for three weeks in the floods."


@pytest.fixture
def quarter(session_organisations, make_user, django_db_blocker):
    """Three quarterly percentage PIs (target 50 now, 40 before) with one provider and one
    named verifier, each with the previous quarter's value approved; the quarter now due.
    The notifications of setting up are removed, so the counts are this quarter's."""
    from goldenthread.platform.indicators.models import (
        AuditEntry,
        Commentary,
        Indicator,
        IndicatorValue,
        Target,
    )
    from goldenthread.platform.indicators.services.indicators import indicator_create
    from goldenthread.platform.indicators.services.targets import target_set
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_approve, value_submit
    from goldenthread.platform.notifications.models import Notification

    org = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6]
    due = previous_period(
        previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    )
    before = previous_period(due)

    class Data:
        pass

    with django_db_blocker.unblock(), schema_context(org.schema_name):
        Data.provider = make_user(
            org, roles=["data_provider"], full_name=f"Prov {tag}", email=f"qp-{tag}@b.example"
        )
        Data.verifier = make_user(
            org, roles=["verifier"], full_name=f"Veri {tag}", email=f"qv-{tag}@b.example"
        )
        officer = make_user(org, roles=["performance_officer"], email=f"qo-{tag}@b.example")
        Data.pis = []
        for number, previous in enumerate(("52", "45", "60"), start=1):
            pi = indicator_create(
                actor=officer.user,
                code=f"QT{tag}{number}",
                title=f"Quarter PI {number}",
                unit_kind="percentage",
                polarity="higher",
                frequency="quarterly",
                data_providers=[Data.provider.user],
                verifier=Data.verifier.user,
            )
            Indicator.objects.filter(pk=pi.pk).update(
                created_at=timezone.make_aware(datetime.combine(before.start, clock(9)))
            )
            for period, target in ((before, "40"), (due, "50")):
                target_set(actor=officer.user, indicator=pi, period_code=period.code, value=target)
            row = value_enter(
                actor=Data.provider.user, indicator=pi, period_code=before.code, value=previous
            )
            value_submit(actor=Data.provider.user, value=row)
            value_approve(actor=Data.verifier.user, value=row)
            Data.pis.append(pi)
        people = [Data.provider.user, Data.verifier.user, officer.user]
        Notification.objects.filter(recipient__in=people).delete()
    Data.quarter, Data.before, Data.org, Data.blocker = due, before, org, django_db_blocker
    yield Data
    with django_db_blocker.unblock(), schema_context(org.schema_name):
        ids = [pi.pk for pi in Data.pis]
        Notification.objects.filter(recipient__in=people).delete()
        AuditEntry.objects.filter(indicator_id__in=ids).delete()
        Commentary.objects.filter(indicator_id__in=ids).delete()
        IndicatorValue.objects.filter(indicator_id__in=ids).delete()
        Target.objects.filter(indicator_id__in=ids).delete()
        Indicator.objects.filter(pk__in=ids).delete()
        for person in (Data.provider, Data.verifier, officer):
            person.user.is_active = False
            person.user.save(update_fields=["is_active"])


@pytest.mark.worker
def test_a_whole_quarter_from_entry_to_send_back(quarter, live_url, browser, celery_worker):
    data = quarter
    on_target, off_target, third = data.pis
    base = live_url(data.org)
    label = data.quarter.label
    mail.outbox = []

    def emails_to(person):
        # Only this quarter's: setting up approved the previous quarter's values.
        return [m for m in mail.outbox if m.to == [person.email] and label in m.subject]

    # The provider fills the grid; the off-target value is refused until it has commentary.
    provider = browser.new_context().new_page()
    sign_in(provider, base, data.provider)
    grid = f"{base}/indicators/grid/?frequency=quarterly&year={data.quarter.financial_year}"
    provider.goto(grid)
    keys = [cell_key(pi, data.quarter) for pi in data.pis]
    provider.fill(f"#{keys[0]}-value", "55")
    provider.fill(f"#{keys[1]}-value", "30")  # off target: needs commentary
    provider.fill(f"#{keys[2]}-value", "58")
    provider.get_by_role("button", name="Save and submit all for approval").click()
    summary = provider.locator(".error-summary")
    summary.wait_for()
    assert f"{off_target.code} is off target" in " ".join(summary.inner_text().split())
    summary.get_by_role("link").first.click()
    provider.locator(f"#{keys[1]}-commentary").fill(FLOODS)
    provider.get_by_role("button", name="Save and submit all for approval").click()
    provider.wait_for_url(lambda url: url.startswith(grid) and "#" in url)
    assert "1 value saved and submitted for approval." in provider.locator(".messages").inner_text()

    # The verifier is told: the counts in the navigation, and an e-mail per value.
    verifier = browser.new_context().new_page()
    sign_in(verifier, base, data.verifier)
    nav = verifier.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Notifications 3 unread").count() == 1
    assert nav.get_by_role("link", name="Approvals 3 values waiting").count() == 1
    wait_for(lambda: len(emails_to(data.verifier)) >= 3, timeout=30, what="verifier's e-mails")
    subjects = sorted(m.subject for m in emails_to(data.verifier))
    assert all(s.startswith("Waiting for your approval: Quarter PI") for s in subjects), subjects

    # From a notification to the queue, where each value stands beside the previous one.
    nav.get_by_role("link", name="Notifications 3 unread").click()
    verifier.get_by_role(
        "link", name=f"Waiting for your approval: Quarter PI 2 ({off_target.code})", exact=False
    ).click()
    verifier.wait_for_url(f"{base}/indicators/approvals/")
    card = " ".join(
        verifier.locator("article.approval-item", has_text=off_target.code).inner_text().split()
    )
    assert f"Previous value ({data.before.code}) 45.0%" in card
    assert "Off target" in card and FLOODS in card

    # Two approved together; the third sent back with a reason.
    for pi in (on_target, off_target):
        verifier.get_by_label(f"Tick {pi.code} {data.quarter.code}").check()
    verifier.get_by_role("button", name="Approve the ticked values").click()
    verifier.wait_for_url(f"{base}/indicators/approvals/")
    assert "2 values approved" in verifier.locator(".messages").inner_text()
    verifier.get_by_label(f"Tick {third.code} {data.quarter.code}").check()
    verifier.get_by_label("Reason for sending back the ticked values").fill(REASON)
    verifier.get_by_role("button", name="Send back the ticked values").click()
    verifier.wait_for_url(f"{base}/indicators/approvals/")
    assert "1 value sent back to their providers" in verifier.locator(".messages").inner_text()

    # The provider is told, and sees the value sent back on Home with the reason.
    provider.goto(f"{base}/")
    sent_back = provider.locator("section", has_text="Values sent back to you")
    assert REASON in sent_back.inner_text() and third.code in sent_back.inner_text()
    provider_nav = provider.get_by_role("navigation", name="Main")
    assert provider_nav.get_by_role("link", name="Notifications 3 unread").count() == 1
    provider_nav.get_by_role("link", name="Notifications 3 unread").click()
    listed = provider.locator(".notification", has_text="Sent back to you")
    assert REASON in listed.inner_text()
    wait_for(
        lambda: any("Sent back to you" in m.subject for m in emails_to(data.provider)),
        timeout=30,
        what="the provider's e-mail",
    )

    # Each e-mail went out once (a moment more for any duplicate to show).
    time.sleep(2)
    sent = Counter((m.to[0], m.subject) for m in mail.outbox if label in m.subject)
    assert sent and set(sent.values()) == {1}, sent
    assert len(emails_to(data.verifier)) == 3
    sent_back_mail = [m for m in emails_to(data.provider) if "Sent back to you" in m.subject]
    assert len(sent_back_mail) == 1 and REASON in sent_back_mail[0].body
    with reading(data):
        from goldenthread.platform.indicators.models import IndicatorValue

        states = dict(
            IndicatorValue.objects.filter(
                indicator__in=data.pis, period_code=data.quarter.code
            ).values_list("indicator__code", "workflow_status")
        )
    assert states == {on_target.code: "approved", off_target.code: "approved", third.code: "draft"}
