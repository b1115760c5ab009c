"""The bases registry: providers plug in, answers are merged, bad bases are refused."""

import pytest

from goldenthread.shared_indicators.publication.domain.bases import (
    Basis,
    active_bases_for,
    register_basis_provider,
    unregister_basis_provider,
)


@pytest.mark.django_db  # the apps' own providers are registered too, and they ask the database
def test_answers_of_every_provider_are_merged_once_per_basis():
    shared = Basis(type="agreement", id=1, fields=frozenset({"values"}), label="A v1")
    consent = Basis(type="club_consent", id=1, fields=frozenset({"values"}), label="Club")

    def first(organisation_id, code):
        return [shared] if (organisation_id, code) == (7, "NI 1") else []

    def second(organisation_id, code):
        return [shared, consent] if code == "NI 1" else []

    register_basis_provider(first)
    register_basis_provider(second)
    register_basis_provider(first)  # twice: still asked once
    try:
        assert active_bases_for(7, "NI 1") == [shared, consent]
        assert active_bases_for(8, "NI 1") == [shared, consent]
        assert active_bases_for(7, "NI 2") == []
    finally:
        unregister_basis_provider(first)
        unregister_basis_provider(second)
    assert active_bases_for(7, "NI 1") == []


def test_a_basis_holds_its_fields_as_a_frozenset():
    basis = Basis(type="agreement", id=3, fields={"values", "targets"}, label="x")
    assert basis.fields == frozenset({"values", "targets"}) and basis.key == ("agreement", 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"type": "contract", "fields": {"values"}}, "Basis type 'contract'"),
        ({"type": "agreement", "fields": {"values", "salaries"}}, r"\['salaries'\]"),
    ],
)
def test_a_malformed_basis_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Basis(id=1, label="x", **kwargs)
