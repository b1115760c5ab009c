"""`make demo` runs with DEBUG on and published passwords: it listens on loopback unless told."""

from goldenthread.platform.devtools.demo import parse_arguments


def test_the_demo_listens_on_loopback_by_default(monkeypatch):
    monkeypatch.delenv("BIND", raising=False)
    assert parse_arguments([]).bind == "127.0.0.1"


def test_the_demo_listens_beyond_this_machine_only_when_asked(monkeypatch):
    monkeypatch.setenv("BIND", "0.0.0.0")  # noqa: S104 - the point of the test
    assert parse_arguments([]).bind == "0.0.0.0"  # noqa: S104
    assert parse_arguments(["--bind", "192.0.2.1"]).bind == "192.0.2.1"
