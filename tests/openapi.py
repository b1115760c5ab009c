"""The OpenAPI schema of one area's routes, for the areas' `test_openapi.py`."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


def area_schema(prefix: str, urlconf: str) -> tuple[dict, list[str]]:
    """The schema of the routes `urlconf` mounted at `prefix` (e.g. "api/v1/planning/"), and
    what the generator complained about while making it."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=[path(prefix, include(urlconf))]).get_schema(
            request=None, public=True
        )
    complaints = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, complaints


def site_schema() -> tuple[dict, list[str]]:
    """The schema the site serves at /api/schema/ (every area), and every warning and error
    the generator raised while making it, none filtered out."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    complaints = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, complaints


def operations(schema: dict):
    """(route, method, operation) for every operation in the schema."""
    for route, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "patch", "delete", "put"):
                yield route, method, operation
