"""Jinja2 fragments: HTML that a page repeats hundreds of times, rendered by an escaping
template engine that is fast enough for it.

Django's template language costs a few microseconds per variable: a large council's quarterly
report (600 PIs, some 12,000 values) took longer to render than to fetch (bench/report.py).
Writing such rows by hand in Python was fast but left escaping to whoever wrote the string.
A Jinja2 fragment is compiled to Python once and escapes every `{{ }}` (autoescape is on;
Django's safe strings, such as the badges, pass through unchanged), so people's text cannot
write markup, and it stays within the report's budget.

Fragments are found where Django finds templates (the `DIRS` of the template settings, then
each app's `templates/` folder), named by path like any template, with the `.jinja` suffix:
`indicators/report_groups.jinja`. A page renders the fragment and puts the result into its
Django-rendered layout; the layout itself stays a Django template.
"""

from __future__ import annotations

from functools import cache
from types import CodeType
from typing import Any

import jinja2
from django.conf import settings
from django.template.utils import get_app_template_dirs
from django.utils.safestring import SafeString
from markupsafe import Markup

# markupsafe's escaping of a plain string (its C code), without the `Markup` that `escape`
# wraps the result in: see `escape_for_output`.
from markupsafe import _escape_inner as _escape_text


def escape_for_output(value: Any) -> str:
    """What a fragment prints for `value`: markupsafe's `escape` (`&`, `<`, `>`, `'`, `"`
    escaped; an object with `__html__`, such as Django's safe strings, trusted), as a plain
    string. Printed output is only joined, never escaped again, so it need not be `Markup`;
    building one for each of a large report's 10,000 values was a third of its rendering."""
    if type(value) is str:
        return _escape_text(value)
    if type(value) is SafeString:  # Django's safe strings (badges) are many: the short way
        return value
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_text(str(value))


def linebreaksbr(value: Any) -> Markup:
    """Text escaped, with each line break a <br> (as Django's `linebreaksbr` filter)."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(_escape_text(text).replace("\n", "<br>"))  # noqa: S704 (escaped just now)


class FragmentTemplate(jinja2.Template):
    """A template whose printed values are escaped by `escape_for_output`. Compiled templates
    call the `escape` of their module's namespace for every `{{ }}` under autoescape; that
    name is pointed at ours once, when the template is loaded."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: CodeType,
        globals: Any,
        uptodate: Any = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape_for_output
        return template


@cache
def fragment_environment() -> jinja2.Environment:
    """The one Jinja2 environment, built on first use (the apps must be loaded by then)."""
    dirs = [str(path) for engine in settings.TEMPLATES for path in engine.get("DIRS", [])]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*dirs, *map(str, get_app_template_dirs("templates"))]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails loudly instead of printing ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=settings.DEBUG,
    )
    environment.template_class = FragmentTemplate
    environment.filters["linebreaksbr"] = linebreaksbr
    return environment


def render_fragment(name: str, context: dict[str, Any]) -> str:
    """The fragment `name` rendered with `context`, as HTML (everything in it escaped unless
    it was marked safe)."""
    return fragment_environment().get_template(name).render(context)
