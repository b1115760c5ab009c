"""Telling partner organisations that a deleted organisation's figures have gone."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import Role, User
from goldenthread.tenants.connection_lifetime import between_organisations
from goldenthread.tenants.models import Organisation, OrganisationStatus


def partners_tell(*, organisation_name: str, partners: dict[int, list[str]]) -> int:
    """One e-mail to each active administrator of each partner (read in its own schema),
    naming what they shared with the deleted organisation. Returns how many were sent."""
    sent = 0
    for partner in Organisation.objects.filter(
        pk__in=list(partners), status=OrganisationStatus.ACTIVE
    ):
        with schema_context(partner.schema_name):
            recipients = list(
                User.objects.filter(
                    is_active=True, roles__contains=[Role.ORGANISATION_ADMIN]
                ).values_list("email", flat=True)
            )
        between_organisations()
        if not recipients:
            continue
        body = render_to_string(
            "deletion/emails/partner_notice.txt",
            {
                "organisation_name": organisation_name,
                "partner": partner,
                "shared": sorted(set(partners[partner.pk])),
            },
        )
        send_mail(
            f"{organisation_name} has left Golden Thread",
            body,
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
        sent += len(recipients)
    return sent
