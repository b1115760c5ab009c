"""The registry apps plug into each other with (publication's listeners, bases, sources)."""

import pytest

from goldenthread.platform.core.registry import Registry
from goldenthread.platform.indicators.selectors import publication as indicator_snapshots
from goldenthread.shared_indicators.publication.domain.snapshots import snapshot_source


def test_entries_are_kept_once_in_order_and_iterated_over_a_copy():
    registry: Registry[str] = Registry("greeting")
    for entry in ("hello", "hi", "hello"):
        registry.register(entry)
    assert list(registry) == ["hello", "hi"]
    for entry in registry:  # unregistering while iterating is safe
        registry.unregister(entry)
    assert len(registry) == 0
    registry.unregister("never registered")  # no error


def test_only_names_the_wiring_mistake_when_there_is_not_exactly_one():
    registry: Registry[str] = Registry("snapshot source")
    with pytest.raises(LookupError, match="exactly one registered snapshot source, found 0"):
        registry.only()
    registry.register("a")
    assert registry.only() == "a"
    registry.register("b")
    with pytest.raises(LookupError, match="found 2"):
        registry.only()


def test_the_indicators_app_is_publications_one_snapshot_source():
    assert snapshot_source() is indicator_snapshots
