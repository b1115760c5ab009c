from decimal import Decimal

from goldenthread.platform.reporting.domain.definitions import DefinitionSpec
from goldenthread.platform.reporting.domain.pack import Pack
from goldenthread.platform.reporting.selectors import pack_from_spec
from tests.factories import IndicatorFactory, IndicatorValueFactory, TargetFactory


def test_a_committee_pack_round_trips_through_json(in_alpha, people, definition_data):
    pi = IndicatorFactory(code="PI 1")
    IndicatorValueFactory(indicator=pi, period="2024/25 Q2", value=Decimal("55.0"))
    TargetFactory(indicator=pi, period="2024/25 Q2", value=Decimal("50.0"))
    pack = pack_from_spec(
        spec=DefinitionSpec.parse(definition_data()), period="2024/25 Q2", reader=people.officer
    )
    assert Pack.from_json(pack.to_json()) == pack
    row = pack.sections[0].rows[0]
    assert row.cells[2].text == "55.0%"
    assert row.cells[4].text == "On target"
