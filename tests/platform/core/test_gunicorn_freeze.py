"""A gunicorn worker freezes what it has loaded (`gunicorn_conf.freeze_loaded_objects`), so
full garbage collections stop walking Django, the URLconfs and the GraphQL schema on every
large request (bench/README.md, the partnership dashboard)."""

from __future__ import annotations

import gc
import sys

from gunicorn.config import Config

from goldenthread.platform import gunicorn_conf


def test_gunicorn_knows_the_hook_by_the_name_the_settings_give_it():
    # gunicorn reads every setting of the module it recognises and ignores the rest, so a
    # misspelt hook would never run.
    assert "post_worker_init" in Config().settings
    assert callable(vars(gunicorn_conf)["post_worker_init"])


def test_the_freeze_loads_the_urlconfs_and_the_schema_first_and_moves_them_out_of_reach():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.freeze_loaded_objects()
        assert "goldenthread.graphql.api" in sys.modules
        assert "goldenthread.platform.urls_tenant" in sys.modules
        # Django, the URLconfs, the schema … are now outside every generation a collection
        # walks, and far outnumber what is left in them.
        assert gc.get_freeze_count() > 100_000
        assert len(gc.get_objects()) < gc.get_freeze_count() / 4
    finally:
        gc.unfreeze()
