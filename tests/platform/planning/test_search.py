"""Search by code and words across PIs, plans, actions, risks and strategy nodes."""

from goldenthread.platform.planning.selectors.search import search


def test_every_word_must_match_code_title_or_description(build):
    pi = build.indicator(code="NI-192")
    action = build.action(code="ENV-77", title="Food waste caddies")
    build.action(code="ENV-78", title="Street lighting")
    risk = build.risk(title="Waste contractor fails")
    node = build.node(code="WASTE-1")
    results = search(query="waste")
    assert {a.code for a in results.actions} == {action.code}
    assert risk in results.risks and node in results.nodes
    assert search(query="ni-19").indicators == [pi]
    assert [a.code for a in search(query="food env").actions] == ["ENV-77"]
    assert search(query="food lighting").actions == []


def test_an_empty_query_finds_nothing(build):
    build.action()
    assert search(query="   ").total == 0
