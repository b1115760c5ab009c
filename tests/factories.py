from __future__ import annotations

from dataclasses import dataclass

from goldenthread.tenants.models import Organisation


@dataclass
class OrganisationUser:
    user: object
    organisation: Organisation
    password: str

    @property
    def email(self) -> str:
        return self.user.email


def provision_organisation(
    *, slug: str, name: str, type: str = "district", **extra
) -> Organisation:
    from goldenthread.tenants.services import organisation_create

    result = organisation_create(
        name=name,
        slug=slug,
        type=type,
        admin_email=f"admin@{slug}.example",
        admin_name=f"{name} Administrator",
        admin_password="correct-horse-battery-staple",
        **extra,
    )
    return result.organisation
