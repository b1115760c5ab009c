"""The published example queries are valid against the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldenthread.graphql.api import schema
from goldenthread.graphql.core.limits import operation_cost
from graphql import parse, validate

EXAMPLES = sorted(
    (Path(__file__).resolve().parents[2] / "graphql" / "benchmarking" / "examples").glob(
        "*.graphql"
    )
)


def test_there_are_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_an_example_validates_and_is_within_the_complexity_limit(path, settings):
    document = parse(path.read_text())
    assert validate(schema.graphql_schema, document) == []
    for operation in document.definitions:
        cost = operation_cost(schema.graphql_schema, document, operation)
        assert cost <= settings.GRAPHQL_MAX_COMPLEXITY, (path.name, cost)
