"""What `includes/field.html` and `includes/error_summary.html` need beyond Django's own
rendering.

Django 5.2 already ties an input to its hint and errors: it names `<auto_id>_helptext` and
`<auto_id>_error` in the input's `aria-describedby` and marks it `aria-invalid`; the includes
give those ids to the hint and the message. What it does not do is know that the page's error
summary takes focus, or where a summary link should go for a group of checkboxes or radios.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

from goldenthread.platform.core.error_summary import ErrorItem, error_items

register = template.Library()

# Widgets shown as a fieldset whose legend names the group: their inputs have no single label.
CHOICE_GROUP_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect)


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    """The field's widget as Django renders it, without `autofocus` while its form has
    errors: the error summary takes focus then, and browsers give focus to the first element
    that asks for it (False drops the attribute when the widget renders)."""
    if field.form.errors:
        return field.as_widget(attrs={"autofocus": False})
    return field.as_widget()


@register.filter
def field_kind(field: BoundField) -> str:
    """How `includes/field.html` lays the field out: "hidden", "checkbox" (one box, label
    after it), "group" (checkboxes or radios in a fieldset) or "input" (label above)."""
    if field.is_hidden:
        return "hidden"
    if field.widget_type == "checkbox":
        return "checkbox"
    if isinstance(field.field.widget, CHOICE_GROUP_WIDGETS):
        return "group"
    return "input"


@register.simple_tag
def error_summary_items(form: Any = None, errors: Any = None) -> list[ErrorItem]:
    """The summary's lines: a prepared `errors` list wins (empty shows nothing, so a page
    with two forms can show the summary of the one that failed); otherwise the `form`'s."""
    if isinstance(errors, (list, tuple)):
        return [ErrorItem(*item) for item in errors]
    if isinstance(form, forms.BaseForm) and form.errors:
        return error_items(form)
    return []
