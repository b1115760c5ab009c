"""The lines of a page's error summary (`includes/error_summary.html`), for views that build
them themselves: several forms on one page, or messages that belong to no form."""

from __future__ import annotations

from typing import NamedTuple

from django import forms


class ErrorItem(NamedTuple):
    """One line of an error summary: `anchor` is the id it links to ("" for none)."""

    anchor: str
    label: str
    message: str


def error_items(form: forms.BaseForm) -> list[ErrorItem]:
    """A form's errors, the form-wide ones first, then each field's in field order. A field's
    errors link to its input; those of a group of checkboxes or radios, which has no single
    input, to its fieldset, which `includes/field.html` gives the field's id; a hidden field's
    are listed with nothing to link to."""
    items = [ErrorItem("", "", str(message)) for message in form.non_field_errors()]
    for field in form:
        anchor = "" if field.is_hidden else (field.id_for_label or field.auto_id or "")
        for message in field.errors:
            items.append(ErrorItem(anchor, str(field.label), str(message)))
    return items
