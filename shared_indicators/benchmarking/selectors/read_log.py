"""Logging the reads of club members' values: called by the comparison selectors themselves
(`selectors.comparison_for`), so no interface can read a comparison without the read being
logged. Kept apart from `services` because the selectors call it and the services call the
selectors."""

from __future__ import annotations

from goldenthread.shared_indicators.publication.services import record_read
from goldenthread.tenants.models import Organisation

from .bases import BASIS_TYPE, basis_label


def record_comparison_read(*, view, reader: Organisation, reader_user, interface: str) -> None:
    """Log the cross-organisation read of a comparison: ONE row naming every owner whose
    values were shown (the reader's own values and hidden periods are not reads), each under
    its own consent (basis "club_consent", id the consent's id), with the periods read of it.
    One INSERT whatever the size of the club; nothing when no other member's value was shown."""
    reads = view.reads
    if not reads.owner_ids:
        return
    what: dict[tuple[str, ...], dict] = {}  # one dict per distinct set of periods
    for codes in reads.period_codes:
        if codes not in what:
            periods = sorted(codes)
            what[codes] = {"indicators": [{"code": reads.indicator_code, "periods": periods}]}
    record_read(
        reader_organisation=reader,
        reader_user=reader_user,
        interface=interface,
        basis_type=BASIS_TYPE,
        basis_label=basis_label(view.club.name),
        owner_ids=reads.owner_ids,
        basis_ids=reads.consent_ids,
        what_of_owner=[what[codes] for codes in reads.period_codes],
    )
