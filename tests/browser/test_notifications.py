"""A quarter's hand-offs in a real browser: the provider submits, the verifier is notified
(count in the navigation, the notification, its link to the queue), sends the value back
with a reason, and the provider sees it on Home and in their notifications. Each e-mail goes
out once, through the real worker."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from datetime import time as clock

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period
from tests.fixtures.worker import wait_for


@pytest.fixture
def quarter_data(session_organisations, make_user, django_db_blocker):
    from goldenthread.platform.indicators.models import AuditEntry, Indicator, IndicatorValue
    from goldenthread.platform.indicators.services.indicators import indicator_create
    from goldenthread.platform.notifications.models import Notification

    org = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6]
    quarter = previous_period(
        previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    )

    class Data:
        pass

    with django_db_blocker.unblock(), schema_context(org.schema_name):
        Data.provider = make_user(
            org, roles=["data_provider"], full_name=f"Prov {tag}", email=f"np-{tag}@b.example"
        )
        Data.verifier = make_user(
            org, roles=["verifier"], full_name=f"Veri {tag}", email=f"nv-{tag}@b.example"
        )
        officer = make_user(org, roles=["performance_officer"], email=f"no-{tag}@b.example")
        Data.indicator = indicator_create(
            actor=officer.user,
            code=f"NT{tag}",
            title="Household waste recycled",
            unit_kind="percentage",
            polarity="higher",
            frequency="quarterly",
            data_providers=[Data.provider.user],
            verifier=Data.verifier.user,
        )
        Indicator.objects.filter(pk=Data.indicator.pk).update(
            created_at=timezone.make_aware(datetime.combine(quarter.start, clock(9)))
        )
    Data.quarter, Data.org, Data.blocker = quarter, org, django_db_blocker
    yield Data
    with django_db_blocker.unblock(), schema_context(org.schema_name):
        pk = Data.indicator.pk
        Notification.objects.filter(
            recipient__in=[Data.provider.user, Data.verifier.user, officer.user]
        ).delete()
        AuditEntry.objects.filter(indicator_id=pk).delete()
        IndicatorValue.objects.filter(indicator_id=pk).delete()
        Indicator.objects.filter(pk=pk).delete()
        for person in (Data.provider, Data.verifier, officer):
            person.user.is_active = False
            person.user.save(update_fields=["is_active"])


def sign_in(page, base: str, person) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("input[name=username]", person.email)
    page.fill("input[name=password]", person.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.worker
def test_submit_notify_send_back_and_the_provider_sees_it(
    quarter_data, live_url, browser, celery_worker
):
    data = quarter_data
    base = live_url(data.org)
    code = data.indicator.code
    mail.outbox = []

    # The provider submits the late value from What I owe.
    provider = browser.new_context().new_page()
    sign_in(provider, base, data.provider)
    provider.goto(f"{base}/indicators/owe/")
    item = provider.locator("article.owed-item", has_text=code).filter(has_text=data.quarter.label)
    item.locator("input[name=value]").fill("48")
    item.locator("button[value=submit]").click()
    provider.wait_for_url(f"{base}/indicators/owe/")
    assert "submitted for approval" in provider.locator(".messages").inner_text()

    # The verifier is told: a count beside Notifications and Approvals, and the notification.
    verifier = browser.new_context().new_page()
    sign_in(verifier, base, data.verifier)
    nav = verifier.get_by_role("navigation", name="Main")
    # The counts are part of each link's name: "Notifications 1 unread".
    assert nav.get_by_role("link", name="Notifications 1 unread").count() == 1
    assert nav.get_by_role("link", name="Approvals 1 value waiting").count() == 1
    assert "1 value waiting for you to approve or send back" in verifier.content()
    verifier.get_by_role("link", name="Notifications 1 unread").click()
    verifier.get_by_role(
        "link", name=f"Waiting for your approval: Household waste recycled ({code})", exact=False
    ).click()
    verifier.wait_for_url(f"{base}/indicators/approvals/")

    # … and sends it back with a reason.
    card = verifier.locator("article.approval-item", has_text=code)
    card.locator("textarea[name=reason]").fill("Use the audited tonnage for the quarter")
    card.get_by_role("button", name=f"Send back {code}", exact=False).click()
    verifier.wait_for_url(f"{base}/indicators/approvals/")
    assert "sent back" in verifier.locator(".messages").inner_text()

    # The provider sees it on Home, with the reason, and in their notifications.
    provider.goto(f"{base}/")
    sent_back = provider.locator("section", has_text="Values sent back to you")
    assert "Use the audited tonnage for the quarter" in sent_back.inner_text()
    assert code in sent_back.inner_text()
    provider.get_by_role("link", name="Notifications 1 unread").click()
    listed = provider.locator(".notification", has_text="Sent back to you")
    assert "Use the audited tonnage for the quarter" in listed.inner_text()

    # Each e-mail went out once: the verifier's (submitted), the provider's (sent back).
    def emails_to(person):
        return [m for m in mail.outbox if m.to == [person.email]]

    wait_for(
        lambda: emails_to(data.verifier) and emails_to(data.provider),
        timeout=30,
        what="both e-mails",
    )
    time.sleep(1)
    assert len(emails_to(data.verifier)) == 1 and len(emails_to(data.provider)) == 1
    assert "Use the audited tonnage" in emails_to(data.provider)[0].body
