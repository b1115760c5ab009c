"""The benchmarking basis for publication: a member's active consents for an indicator.

Security-relevant: the publication pipeline stores an organisation's approved value only when
some provider returns a basis for it. This provider returns one basis per club in which the
organisation is a current member, the club compares that catalogue indicator, and the member's
consent for it is active (given and not withdrawn). Benchmarking needs the values (with their
numerators and denominators, for roll-ups) and nothing else: no targets, commentary or
breakdowns are ever granted here.
"""

from __future__ import annotations

from goldenthread.shared_indicators.publication.domain.bases import Basis

BASIS_TYPE = "club_consent"
GRANTED_FIELDS = frozenset({"values"})


def basis_label(club_name: str) -> str:
    return f"{club_name} benchmarking club consent"


def club_consent_bases(organisation_id: int, indicator_code: str) -> list[Basis]:
    from ..models import ClubConsent

    consents = ClubConsent.objects.filter(
        withdrawn_at__isnull=True,
        membership__left_at__isnull=True,
        membership__organisation_id=organisation_id,
        club_indicator__catalogue_indicator__code=indicator_code,
    ).values_list("id", "membership__club__name")
    return [
        Basis(type=BASIS_TYPE, id=consent_id, fields=GRANTED_FIELDS, label=basis_label(name))
        for consent_id, name in consents.order_by("id")
    ]


def club_reader_disclosure(consent_ids: list[int]) -> dict[int, str | None]:
    """Who read a member's values under its consents, as the member may be told (registered
    with the read log). Security-relevant: in a club that does not name its members, a member
    must not learn who the others are, so the reader is "a member of <club>"; the reader is
    named only while the club names its members. The club's CURRENT labelling decides, as it
    does for the history page; a consent that no longer exists gets no answer, so the reader
    is withheld."""
    from ..models import ClubConsent

    rows = ClubConsent.objects.filter(id__in=consent_ids).values_list(
        "id", "club_indicator__club__name", "club_indicator__club__anonymised"
    )
    return {
        consent_id: f"a member of {club_name}" if anonymised else None
        for consent_id, club_name, anonymised in rows
    }
