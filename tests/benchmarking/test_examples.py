"""The published example queries are valid against the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldenthread.graphql.api import schema
from graphql import parse, validate

EXAMPLES = sorted(
    (Path(__file__).resolve().parents[2] / "graphql" / "benchmarking" / "examples").glob(
        "*.graphql"
    )
)


def test_there_are_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_an_example_validates(path):
    assert validate(schema.graphql_schema, parse(path.read_text())) == []
