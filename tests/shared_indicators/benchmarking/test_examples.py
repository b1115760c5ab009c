"""The published example queries are valid against the schema and within every limit, with
the variables their comments give."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from goldenthread.graphql.api import schema
from goldenthread.graphql.core.limits import limit_errors
from graphql import parse, validate

EXAMPLES = sorted(
    (Path(__file__).resolve().parents[3] / "graphql" / "benchmarking" / "examples").glob(
        "*.graphql"
    )
)


def test_there_are_examples():
    assert len(EXAMPLES) >= 5


def example_variables(text: str) -> dict:
    found = re.search(r"^# Variables: (\{.*\})$", text, flags=re.MULTILINE)
    return json.loads(found.group(1)) if found else {}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_an_example_validates_and_is_within_every_limit(path):
    text = path.read_text()
    document = parse(text)
    assert validate(schema.graphql_schema, document) == []
    for variables in ({}, example_variables(text)):
        assert limit_errors(schema.graphql_schema, document, variables) == [], path.name
