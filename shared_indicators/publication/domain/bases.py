"""Bases for publication: what allows an organisation's values to leave its schema.

Publication knows nothing about agreements or clubs. The apps that do (partnerships,
benchmarking) register a provider in their `AppConfig.ready()`; publication asks every provider
which bases are active for an organisation and indicator code, and publishes only when at least
one answers. A provider must return only ACTIVE bases: publication trusts the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from goldenthread.platform.core.registry import Registry

AGREEMENT = "agreement"
CLUB_CONSENT = "club_consent"
BASIS_TYPES = (AGREEMENT, CLUB_CONSENT)

VALUES = "values"
TARGETS = "targets"
COMMENTARY = "commentary"
BREAKDOWNS = "breakdowns"
GRANTABLE_FIELDS = frozenset({VALUES, TARGETS, COMMENTARY, BREAKDOWNS})


@dataclass(frozen=True)
class Basis:
    """One active agreement version or club consent that allows publication.

    `fields` is what it lets readers see, a subset of GRANTABLE_FIELDS; `label` names it in the
    read log ("Wealdshire LSP agreement v2")."""

    type: str
    id: int
    fields: frozenset[str]
    label: str

    def __post_init__(self) -> None:
        if self.type not in BASIS_TYPES:
            raise ValueError(f"Basis type {self.type!r} is not one of {BASIS_TYPES}.")
        unknown = set(self.fields) - GRANTABLE_FIELDS
        if unknown:
            raise ValueError(
                f"Basis fields {sorted(unknown)} are not among {sorted(GRANTABLE_FIELDS)}."
            )
        # Accept any iterable of field names but always hold a frozenset (hashable, comparable).
        object.__setattr__(self, "fields", frozenset(self.fields))

    @property
    def key(self) -> tuple[str, int]:
        return (self.type, self.id)


BasisProvider = Callable[[int, str], list[Basis]]

_providers: Registry[BasisProvider] = Registry("basis provider")


def register_basis_provider(provider: BasisProvider) -> None:
    """Add a provider: `(organisation_id, indicator_code) -> active bases`. Registering the
    same provider twice has no effect (ready() can run more than once in tests)."""
    _providers.register(provider)


def unregister_basis_provider(provider: BasisProvider) -> None:
    """Remove a provider (tests register their own and remove it afterwards)."""
    _providers.unregister(provider)


def active_bases_for(organisation_id: int, indicator_code: str) -> list[Basis]:
    """Every active basis, from every provider, covering that organisation's indicator code.

    The same basis named by two providers (or twice by one) is returned once."""
    seen: dict[tuple[str, int], Basis] = {}
    for provider in _providers:
        for basis in provider(organisation_id, indicator_code):
            seen.setdefault(basis.key, basis)
    return list(seen.values())


# Who read an owner's data, as the owner may be told. A basis type whose readers may not
# always be named (a club whose members are anonymous to each other) registers a disclosure:
# `(basis ids) -> {basis id: None to name the reader, or the words to show instead}`.
ReaderDisclosure = Callable[[list[int]], dict[int, str | None]]

_reader_disclosures: dict[str, ReaderDisclosure] = {}

# Shown instead of the reader when its basis is unknown to the disclosure (fails closed).
READER_WITHHELD = "an organisation that cannot be named to you"


def register_reader_disclosure(basis_type: str, disclosure: ReaderDisclosure) -> None:
    """Set how readers under `basis_type` are disclosed to owners (see `ReaderDisclosure`);
    without one, readers are named. Registering again replaces it."""
    if basis_type not in BASIS_TYPES:
        raise ValueError(f"Basis type {basis_type!r} is not one of {BASIS_TYPES}.")
    _reader_disclosures[basis_type] = disclosure


def unregister_reader_disclosure(basis_type: str) -> None:
    """Remove it (tests register their own and remove it afterwards)."""
    _reader_disclosures.pop(basis_type, None)


def reader_disclosure_for(basis_type: str) -> ReaderDisclosure | None:
    return _reader_disclosures.get(basis_type)
