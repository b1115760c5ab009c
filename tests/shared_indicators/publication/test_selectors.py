"""visible_values: only what a grant in the requested bases allows, current unless asked."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.platform.core.errors import DomainError
from goldenthread.shared_indicators.publication.selectors import granted_fields, visible_values
from goldenthread.shared_indicators.publication.services import publish_value

from .helpers import agreement, consent, make_snapshot

pytestmark = pytest.mark.django_db

Q2 = {
    "period_code": "2024/25 Q2",
    "period_start": date(2024, 7, 1),
    "period_end": date(2024, 9, 30),
}


@pytest.fixture
def store(org_a, org_b, bases):
    """Alpha publishes NI 195 Q1 and Q2 and NI 196 Q1 under `mine`; Beta publishes NI 195 Q1
    under `mine`, and NI 196 Q1 only under `other` (an agreement), and NI 197 under a club
    consent whose id equals `mine`'s."""

    class Store:
        mine = agreement("values", "commentary")
        other = agreement("values")
        same_id_other_type = None

    Store.same_id_other_type = consent("values")
    object.__setattr__(Store.same_id_other_type, "id", Store.mine.id)
    bases.cover(org_a, "NI 195", Store.mine)
    bases.cover(org_a, "NI 196", Store.mine)
    bases.cover(org_b, "NI 195", Store.mine)
    bases.cover(org_b, "NI 196", Store.other)
    bases.cover(org_b, "NI 197", Store.same_id_other_type)
    Store.a_q1 = publish_value(organisation=org_a, snapshot=make_snapshot())
    Store.a_q2 = publish_value(organisation=org_a, snapshot=make_snapshot(**Q2))
    Store.a_196 = publish_value(organisation=org_a, snapshot=make_snapshot(indicator_code="NI 196"))
    Store.b_q1 = publish_value(organisation=org_b, snapshot=make_snapshot())
    Store.b_196 = publish_value(organisation=org_b, snapshot=make_snapshot(indicator_code="NI 196"))
    Store.b_197 = publish_value(organisation=org_b, snapshot=make_snapshot(indicator_code="NI 197"))
    return Store


def test_only_values_granted_to_the_requested_bases_are_returned(store):
    rows = set(visible_values(basis_type="agreement", basis_ids=[store.mine.id]))
    assert rows == {store.a_q1, store.a_q2, store.a_196, store.b_q1}
    # Neither the other agreement's value nor the consent sharing the id leaks through.
    assert store.b_196 not in rows and store.b_197 not in rows
    assert set(visible_values(basis_type="agreement", basis_ids=[store.other.id])) == {store.b_196}
    assert set(visible_values(basis_type="club_consent", basis_ids=[store.mine.id])) == {
        store.b_197
    }


def test_no_basis_ids_means_nothing(store):
    assert list(visible_values(basis_type="agreement", basis_ids=[])) == []


def test_an_unknown_basis_type_is_refused(store):
    with pytest.raises(DomainError, match="Unknown basis type 'everything'"):
        visible_values(basis_type="everything", basis_ids=[store.mine.id])


def test_filters_narrow_by_code_period_and_organisation(store, org_a):
    def ids(**filters):
        return set(visible_values(basis_type="agreement", basis_ids=[store.mine.id], **filters))

    assert ids(indicator_codes=["NI 196"]) == {store.a_196}
    assert ids(period_codes=["2024/25 Q2"]) == {store.a_q2}
    assert ids(organisation_ids=[org_a.pk]) == {store.a_q1, store.a_q2, store.a_196}
    assert ids(indicator_codes=["NI 195"], organisation_ids=[org_a.pk], period_codes=[]) == set()


def test_grants_come_prefetched_so_fields_cost_no_query(store):
    with CaptureQueriesContext(connection) as queries:
        rows = list(
            visible_values(basis_type="agreement", basis_ids=[store.mine.id, store.other.id])
        )
        fields = {row.pk: granted_fields(row, store.mine) for row in rows}
    # The values, then their grants; django-tenants' `SET search_path` lines are not reads.
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 2 and "publicationgrant" in selects[1]
    assert fields[store.a_q1.pk] == {"values", "commentary"}
    assert fields[store.b_196.pk] == frozenset()
    assert {granted_fields(row, store.other) for row in rows if row.pk == store.b_196.pk} == {
        frozenset({"values"})
    }
