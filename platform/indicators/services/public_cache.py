"""The generation number of an organisation's public performance pages' cache.

Every cached public page and download (`planning.pages.public`) has the current generation
in its key; bumping it retires them all at once. The Django cache's key function
(django-tenants' `make_key`) puts the schema in every key, so one organisation's bump never
touches another's pages. It lives here, below planning, because the value workflow (in this
app) must retire the pages when an approved value appears, is corrected or is reopened.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "public-pages:generation"


def public_cache_generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add(): two first readers racing agree on one generation.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def _bump() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def public_cache_invalidate() -> None:
    """Retire the organisation's cached public pages once the current transaction commits
    (a rolled-back change retires nothing; a reader never caches the uncommitted state after
    the bump, because the bump happens only after the commit)."""
    transaction.on_commit(_bump)
