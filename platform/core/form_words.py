"""Clearer words for a missing answer, for every form on the site, in one place.

Django says "This field is required." for every empty required field. Our form renderer
(`FORM_RENDERER`) gives each form a bound field that says what to do instead: "Enter <label>"
for a box to type in, "Choose <label>" for a list, radios, checkboxes or a file, and
'Tick “<label>”' for a single box that must be ticked. Only what is
shown changes (`field.errors`, and so `includes/field.html` and the error summary); a form's
`errors` and every other message stay Django's or the form's own.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList

STOCK_REQUIRED = str(forms.Field.default_error_messages["required"])

# Widgets where the person picks rather than types.
CHOOSING_WIDGETS = (
    forms.Select,
    forms.SelectMultiple,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.ClearableFileInput,
    forms.FileInput,
)


def _lowered(label: str) -> str:
    """ "Full name" -> "full name"; an acronym or code ("PI code", "URL") is kept as it is."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def required_words(field: BoundField) -> str:
    label = str(field.label or field.name.replace("_", " ")).rstrip(" ?:")
    if isinstance(field.field.widget, forms.CheckboxInput):
        return f"Tick “{label}”"
    verb = "Choose" if isinstance(field.field.widget, CHOOSING_WIDGETS) else "Enter"
    return f"{verb} {_lowered(label)}"


class WordedBoundField(BoundField):
    @property
    def errors(self) -> ErrorList:
        errors = super().errors
        if STOCK_REQUIRED not in errors:
            return errors
        words = required_words(self)
        return self.form.error_class(
            [words if str(message) == STOCK_REQUIRED else message for message in errors],
            renderer=self.form.renderer,
        )


class FormRenderer(DjangoTemplates):
    bound_field_class = WordedBoundField
