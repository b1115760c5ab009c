"""Sending a frozen pack to its definition's distribution list: one e-mail per person, with
a link to the signed-in download (the pack stays behind the organisation's sign-in), and the
pack attached only when the organisation's distribution settings allow it and it fits under
their size cap.

Exactly once per person: the (pack, recipient) delivery row is created and locked before the
e-mail goes and marked sent in the same transaction, so a retried or repeated task skips the
people already sent to and a second worker waits on the lock and then skips them too."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from goldenthread.platform.accounts.models import User

from ..models import DistributionList, FrozenPack, PackDelivery
from ..selectors.distribution import distribution_settings_get
from .frozen_outputs import frozen_pack_render


def recipients_of(distribution: DistributionList | None) -> list[User]:
    """Active members on the list (by role or by name) with an e-mail address, each once."""
    if distribution is None:
        return []
    now = timezone.now()
    people = User.objects.filter(is_active=True).exclude(email="")
    people = people.filter(Q(access_expires_at__isnull=True) | Q(access_expires_at__gt=now))
    chosen = Q(pk__in=distribution.people.values("pk"))
    if distribution.roles:
        chosen |= Q(roles__overlap=list(distribution.roles))
    return list(people.filter(chosen).order_by("email", "pk").distinct())


def _base_url() -> str:
    from goldenthread.tenants.models import Domain

    domain = (
        Domain.objects.filter(tenant__schema_name=connection.schema_name, is_primary=True)
        .values_list("domain", flat=True)
        .first()
    )
    scheme = "https" if django_settings.SESSION_COOKIE_SECURE else "http"
    return f"{scheme}://{domain}" if domain else ""


def _attachment(frozen: FrozenPack, allowed: bool, max_kb: int):
    if not allowed:
        return None, ""
    # The PDF the worker drew while freezing.
    rendered = frozen_pack_render(frozen_pack=frozen, fmt="pdf")
    if len(rendered.content) > max_kb * 1024:
        return None, (
            f"The pack is larger than the {max_kb} KB this organisation attaches to "
            "e-mails, so it is not attached: use the link."
        )
    return rendered, ""


def pack_distribute(*, frozen_pack: FrozenPack) -> int:
    """E-mail the frozen pack to every recipient not yet sent it; answers how many were sent
    now."""
    distribution = DistributionList.objects.filter(definition_id=frozen_pack.definition_id).first()
    recipients = recipients_of(distribution)
    if not recipients:
        return 0
    options = distribution_settings_get()
    attachment, attachment_note = _attachment(
        frozen_pack, options.attachments_allowed, options.attachment_max_kb
    )
    tenant = getattr(connection, "tenant", None)
    link = f"{_base_url()}/reports/packs/{frozen_pack.pk}/"
    sent = 0
    for person in recipients:
        try:
            with transaction.atomic():
                PackDelivery.objects.get_or_create(
                    frozen_pack=frozen_pack, recipient=person, defaults={"email": person.email}
                )
        except IntegrityError:
            pass  # another worker claimed it first: the lock below waits for it
        with transaction.atomic():
            delivery = PackDelivery.objects.select_for_update().get(
                frozen_pack=frozen_pack, recipient=person
            )
            if delivery.sent_at is not None:
                continue
            message = EmailMessage(
                subject=f"{frozen_pack.title}, {frozen_pack.period_label}: "
                f"{frozen_pack.committee} on {frozen_pack.meeting_date:%-d %B %Y}",
                body=render_to_string(
                    "reporting/pack_email.txt",
                    {
                        "recipient": person,
                        "pack": frozen_pack,
                        "link": link,
                        "organisation_name": getattr(tenant, "name", ""),
                        "attached": attachment is not None,
                        "attachment_note": attachment_note,
                    },
                ),
                from_email=django_settings.DEFAULT_FROM_EMAIL,
                to=[person.email],
            )
            if attachment is not None:
                message.attach(attachment.filename, attachment.content, attachment.content_type)
            message.send()
            delivery.sent_at = timezone.now()
            delivery.with_attachment = attachment is not None
            delivery.save(update_fields=["sent_at", "with_attachment"])
            sent += 1
    return sent
