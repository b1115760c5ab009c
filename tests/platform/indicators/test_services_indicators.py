"""Creating, changing, adopting and retiring PIs."""

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from goldenthread.platform.indicators.models import AuditEntry, Indicator
from goldenthread.platform.indicators.services.indicators import (
    indicator_accept_catalogue_version,
    indicator_adopt,
    indicator_create,
    indicator_delete,
    indicator_reactivate,
    indicator_retire,
    indicator_update,
    performance_settings_update,
    service_area_create,
    unit_kind_for_catalogue_unit,
)
from goldenthread.platform.indicators.services.values import value_enter


def test_an_officer_creates_a_local_pi_and_it_is_audited(in_alpha, people):
    area = service_area_create(actor=people.officer, name="Waste")
    pi = indicator_create(
        actor=people.officer,
        code="WST 1",
        title="Household waste recycled",
        unit_kind="percentage",
        polarity="higher",
        frequency="quarterly",
        service_area=area,
        owner=people.manager,
        data_providers=[people.provider],
        tags=["waste"],
    )
    assert pi.pk and pi.service_area == area and pi.rollup_rule == "average"
    assert list(pi.data_providers.all()) == [people.provider]
    entry = AuditEntry.objects.get(object_type="indicator", object_id=str(pi.pk), action="created")
    assert entry.actor == people.officer
    assert entry.new["code"] == "WST 1" and entry.new["data_providers"] == [people.provider.pk]


def test_a_calculated_percentage_gets_factor_100_and_recomputes(in_alpha, make_indicator):
    pi = make_indicator(is_calculated=True, numerator_label="Recycled", denominator_label="All")
    assert pi.factor == Decimal("100") and pi.rollup_rule == "recompute"


@pytest.mark.parametrize("role", ["provider", "verifier", "councillor", "manager", "auditor"])
def test_only_officers_and_admins_create_pis(in_alpha, people, role):
    with pytest.raises(PermissionDenied):
        indicator_create(
            actor=getattr(people, role),
            code="X 1",
            title="X",
            unit_kind="number",
            polarity="higher",
            frequency="monthly",
        )
    assert not Indicator.objects.filter(code="X 1").exists()


def test_an_admin_may_create_pis(in_alpha, people):
    pi = indicator_create(
        actor=people.admin,
        code="A 1",
        title="A",
        unit_kind="number",
        polarity="none",
        frequency="annual",
    )
    assert pi.rollup_rule == "sum"


def test_codes_are_unique_in_the_organisation(in_alpha, make_indicator):
    make_indicator(code="PI 7")
    with pytest.raises(Conflict, match="already an indicator with the code pi 7"):
        make_indicator(code="pi 7")


def test_bad_input_names_the_problem(in_alpha, make_indicator):
    with pytest.raises(DomainError, match="band"):
        make_indicator(band_lower=Decimal("5"))
    with pytest.raises(DomainError, match="valid maximum"):
        make_indicator(valid_minimum=Decimal("10"), valid_maximum=Decimal("1"))
    with pytest.raises(DomainError, match="Unknown or read-only indicator field"):
        make_indicator(colour="red")
    with pytest.raises(DomainError, match="unit kind"):
        make_indicator(unit_kind="furlongs")
    with pytest.raises(DomainError, match="Only a calculated indicator"):
        make_indicator(rollup_rule="recompute")
    assert not Indicator.objects.exists()


def test_update_changes_fields_and_audits_old_and_new(in_alpha, people, make_indicator):
    pi = make_indicator(code="PI 2")
    indicator_update(
        actor=people.officer,
        indicator=pi,
        title="Better title",
        tolerance_kind="absolute",
        tolerance_amount=Decimal("2"),
        reason="Tidying up",
    )
    pi.refresh_from_db()
    assert pi.title == "Better title"
    entry = AuditEntry.objects.get(indicator=pi, action="updated")
    assert entry.old == {
        "title": "Indicator PI 2",
        "tolerance_kind": None,
        "tolerance_amount": None,
    }
    assert entry.new == {
        "title": "Better title",
        "tolerance_kind": "absolute",
        "tolerance_amount": "2",
    }
    assert entry.reason == "Tidying up"


def test_frequency_is_frozen_once_values_exist(in_alpha, people, make_indicator):
    pi = make_indicator()
    value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="50")
    with pytest.raises(Conflict, match="already has values"):
        indicator_update(actor=people.officer, indicator=pi, frequency="monthly")
    pi.refresh_from_db()
    assert pi.frequency == "quarterly"


def test_a_provider_cannot_update_a_pi(in_alpha, people, make_indicator):
    pi = make_indicator()
    with pytest.raises(PermissionDenied):
        indicator_update(actor=people.provider, indicator=pi, title="Mine now")
    pi.refresh_from_db()
    assert pi.title == "Indicator PI 1"


def test_adopting_takes_the_catalogue_definition(in_alpha, people, catalogue_entry):
    entry = catalogue_entry(code="NI 195", unit="percentage", polarity="lower")
    pi = indicator_adopt(
        actor=people.officer,
        catalogue_code="NI 195",
        owner=people.manager,
        data_providers=[people.provider],
    )
    assert (pi.code, pi.title, pi.polarity, pi.frequency) == (
        "NI 195",
        entry.title,
        "lower",
        "quarterly",
    )
    assert pi.unit_kind == "percentage" and pi.unit_label == "percentage"
    assert pi.catalogue_code == "NI 195" and pi.adopted_catalogue_version == 1
    assert not pi.catalogue_update_available


def test_adopting_an_unknown_or_already_adopted_code_is_refused(in_alpha, people, catalogue_entry):
    catalogue_entry(code="NI 191")
    with pytest.raises(NotFound, match="NI 999"):
        indicator_adopt(actor=people.officer, catalogue_code="NI 999")
    indicator_adopt(actor=people.officer, catalogue_code="NI 191")
    with pytest.raises(Conflict, match="already been adopted"):
        indicator_adopt(actor=people.officer, catalogue_code="NI 191")


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", "Our own title"),
        ("polarity", "higher"),
        ("frequency", "monthly"),
        ("code", "LOCAL 1"),
        ("definition", "Ours"),
        ("unit_kind", "number"),
    ],
)
def test_an_adopted_pis_catalogue_fields_cannot_be_edited(
    in_alpha, people, catalogue_entry, field, value
):
    catalogue_entry(code="NI 192")
    pi = indicator_adopt(actor=people.officer, catalogue_code="NI 192")
    with pytest.raises(DomainError, match="adopted from the national catalogue") as refused:
        indicator_update(actor=people.officer, indicator=pi, **{field: value})
    assert refused.value.code == "catalogue_locked"
    pi.refresh_from_db()
    assert getattr(pi, field) != value
    # Local fields stay editable.
    indicator_update(actor=people.officer, indicator=pi, owner=people.manager, decimal_places=2)
    pi.refresh_from_db()
    assert pi.owner == people.manager and pi.decimal_places == 2


def test_the_model_clean_also_guards_adopted_fields(in_alpha, people, catalogue_entry):
    from django.core.exceptions import ValidationError

    catalogue_entry(code="NI 193")
    pi = indicator_adopt(actor=people.officer, catalogue_code="NI 193")
    pi.title = "Sneaky"
    with pytest.raises(ValidationError, match="national catalogue"):
        pi.full_clean()


def test_a_new_catalogue_version_is_flagged_not_applied(in_alpha, people, catalogue_entry):
    entry = catalogue_entry(code="NI 194", title="Old title")
    pi = indicator_adopt(actor=people.officer, catalogue_code="NI 194")
    with schema_context("public"):
        entry.title, entry.version = "New title", 2
        entry.save()
    pi = Indicator.objects.get(pk=pi.pk)
    assert pi.catalogue_update_available
    assert pi.title == "Old title"

    accepted = indicator_accept_catalogue_version(actor=people.officer, indicator=pi)

    assert accepted.title == "New title" and accepted.adopted_catalogue_version == 2
    assert not accepted.catalogue_update_available
    entry_row = AuditEntry.objects.get(indicator=pi, action="catalogue_version_accepted")
    assert entry_row.old["title"] == "Old title" and entry_row.new["title"] == "New title"
    with pytest.raises(DomainError, match="already follows"):
        indicator_accept_catalogue_version(actor=people.officer, indicator=accepted)


def test_accepting_a_version_needs_an_officer(in_alpha, people, catalogue_entry):
    entry = catalogue_entry(code="NI 196")
    pi = indicator_adopt(actor=people.officer, catalogue_code="NI 196")
    with schema_context("public"):
        entry.version = 2
        entry.save()
    with pytest.raises(PermissionDenied):
        indicator_accept_catalogue_version(actor=people.provider, indicator=pi)
    pi.refresh_from_db()
    assert pi.adopted_catalogue_version == 1


@pytest.mark.parametrize(
    "unit,kind",
    [
        ("percentage", "percentage"),
        ("rate per 100000 population", "ratio"),
        ("pounds", "money"),
        ("minutes per mile", "time"),
        ("number", "number"),
    ],
)
def test_catalogue_units_map_to_unit_kinds(unit, kind):
    assert unit_kind_for_catalogue_unit(unit) == kind


def test_a_pi_with_values_is_retired_not_deleted(in_alpha, people, make_indicator):
    pi = make_indicator()
    value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="50")
    with pytest.raises(Conflict, match="retire it instead"):
        indicator_delete(actor=people.officer, indicator=pi)
    indicator_retire(actor=people.officer, indicator=pi, reason="No longer collected")
    pi.refresh_from_db()
    assert not pi.is_active and pi.retired_at
    with pytest.raises(DomainError, match="retired"):
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q2", value="50")


def test_retiring_and_reactivating_are_audited_and_refused_when_already_so(
    in_alpha, people, make_indicator
):
    pi = make_indicator()
    with pytest.raises(DomainError, match=f"{pi.code} is already active"):
        indicator_reactivate(actor=people.officer, indicator=pi)
    with pytest.raises(PermissionDenied):
        indicator_retire(actor=people.provider, indicator=pi)
    indicator_retire(actor=people.officer, indicator=pi, reason="Merged")
    with pytest.raises(DomainError, match=f"{pi.code} is already retired"):
        indicator_retire(actor=people.officer, indicator=pi)
    indicator_reactivate(actor=people.officer, indicator=pi, reason="Back in the plan")
    pi.refresh_from_db()
    assert pi.is_active and pi.retired_at is None
    trail = AuditEntry.objects.filter(object_id=str(pi.pk)).order_by("pk")
    assert [(e.action, e.old, e.new, e.reason) for e in trail if e.action != "created"] == [
        ("retired", {"is_active": True}, {"is_active": False}, "Merged"),
        ("reactivated", {"is_active": False}, {"is_active": True}, "Back in the plan"),
    ]


def test_a_pi_without_values_can_be_deleted_and_the_trail_remains(in_alpha, people, make_indicator):
    pi = make_indicator()
    pk = pi.pk
    indicator_delete(actor=people.officer, indicator=pi)
    assert not Indicator.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action="deleted").exists()


def test_settings_are_changed_by_officers_only(in_alpha, people):
    with pytest.raises(PermissionDenied):
        performance_settings_update(actor=people.provider, due_day_of_following_month=20)
    settings = performance_settings_update(
        actor=people.officer, due_day_of_following_month=20, tolerance_amount=Decimal("10")
    )
    assert settings.due_day_of_following_month == 20
    with pytest.raises(DomainError, match="due day of following month"):
        performance_settings_update(actor=people.officer, due_day_of_following_month=40)
