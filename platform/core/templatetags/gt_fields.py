"""Form field rendering that ties an input to its hint and error message for assistive
technology (`aria-describedby`, `aria-invalid`), used by `includes/field.html`."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def hint_id(field: BoundField) -> str:
    return f"{field.id_for_label}-hint"


def error_id(field: BoundField) -> str:
    return f"{field.id_for_label}-error"


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    """The field's widget, described by its hint and its errors when it has them."""
    described_by: list[str] = []
    existing = field.field.widget.attrs.get("aria-describedby")
    if existing:
        described_by.append(existing)
    if field.help_text:
        described_by.append(hint_id(field))
    attrs: dict[str, str | bool] = {}
    if field.errors:
        described_by.append(error_id(field))
        attrs["aria-invalid"] = "true"
    if field.form.errors:
        # The error summary takes focus when the page loads; an input asking for it too
        # would compete (False drops the attribute when the widget renders).
        attrs["autofocus"] = False
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def field_hint_id(field: BoundField) -> str:
    return hint_id(field)


@register.filter
def field_error_id(field: BoundField) -> str:
    return error_id(field)
