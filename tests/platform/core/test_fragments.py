"""Jinja2 fragments: everything printed is escaped as markupsafe escapes it, safe strings
pass through, and a misspelt name fails instead of printing nothing."""

from __future__ import annotations

import jinja2
import pytest
from django.utils.safestring import mark_safe
from markupsafe import Markup, escape

from goldenthread.platform.core.fragments import (
    escape_for_output,
    fragment_environment,
    linebreaksbr,
    render_fragment,
)

HOSTILE = ['<script>alert("x")</script>', "a & b", "it's", "plain", "", "£ – ünïcode"]


@pytest.mark.parametrize(
    "value", [*HOSTILE, 12, 3.5, None, Markup("<b>ours</b>"), mark_safe("<i>ours</i>")]
)
def test_printed_values_are_escaped_exactly_as_markupsafe_escapes_them(value):
    # The fast path must not drift from the library's escaping whatever the version.
    assert escape_for_output(value) == str(escape(value))
    assert type(escape_for_output(value)) is str or hasattr(value, "__html__")


def test_a_fragment_escapes_what_it_prints_and_trusts_safe_strings():
    template = fragment_environment().from_string('<p title="{{ t }}">{{ t }} {{ safe }}</p>')
    html = template.render(t='"><script>x</script>', safe=mark_safe("<b>bold</b>"))
    assert html == (
        '<p title="&#34;&gt;&lt;script&gt;x&lt;/script&gt;">'
        "&#34;&gt;&lt;script&gt;x&lt;/script&gt; <b>bold</b></p>"
    )


def test_templates_loaded_from_files_use_the_same_escaping():
    html = render_fragment(
        "indicators/report_groups.jinja", {"groups": [], "period": "", "dash": "-"}
    )
    assert html.strip() == ""
    template = fragment_environment().get_template("indicators/report_groups.jinja")
    assert template.root_render_func.__globals__["escape"] is escape_for_output


def test_line_breaks_become_br_after_escaping():
    assert linebreaksbr("a <b>\r\nc\rd\ne") == "a &lt;b&gt;<br>c<br>d<br>e"
    assert isinstance(linebreaksbr("x"), Markup)


def test_a_misspelt_name_fails_loudly():
    with pytest.raises(jinja2.UndefinedError):
        fragment_environment().from_string("{{ nmae }}").render(name="x")
