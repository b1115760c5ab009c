"""The shared form includes: `includes/field.html` for every kind of widget, and
`includes/error_summary.html` from a form or from a prepared list. Rendered on their own, then
read as a page would be: every id an aria attribute names exists, every link goes somewhere."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string

from goldenthread.platform.core.error_summary import ErrorItem, error_items
from tests.fixtures.accessibility import (
    assert_form_markup,
    described_by,
    summaries,
    summary_links,
)
from tests.fixtures.html import Page

MODULES = [("performance", "Performance"), ("planning", "Planning")]


class EveryKindForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="As it appears on letters.",
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Choose"), ("a", "A"), ("b", "B")], help_text="Pick one."
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, help_text="Optional.")
    agree = forms.BooleanField(label="I agree", help_text="You must agree to go on.")
    modules = forms.MultipleChoiceField(
        label="Modules",
        choices=MODULES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose at least one.",
    )
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Nothing was saved.")


def field_html(field, **extra) -> str:
    return render_to_string("includes/field.html", {"field": field, **extra})


def whole_form(form: forms.Form) -> Page:
    """The summary and every field, as a form page lays them out."""
    html = render_to_string("includes/error_summary.html", {"form": form})
    html += "".join(field_html(field) for field in form)
    return Page(f"<main>{html}</main>")


def invalid_form() -> EveryKindForm:
    form = EveryKindForm(data={"kind": "z", "modules": ["nope"]})
    assert not form.is_valid()
    return form


@pytest.mark.parametrize("name", ["name", "kind", "notes"])
def test_an_input_select_or_textarea_is_labelled_above_and_described_by_its_hint_and_errors(
    name,
):
    form = invalid_form()
    page = Page(field_html(form[name]))

    control = page.by_id(f"id_{name}")
    assert control is not None and control.tag == {"name": "input", "kind": "select"}.get(
        name, "textarea"
    )
    (label,) = page.find_all("label")
    assert label.get("for") == f"id_{name}" and label.text == form[name].label
    assert control.get("aria-invalid") == "true"
    hint, error = described_by(page, control)
    assert hint.get("id") == f"id_{name}_helptext" and hint.text == form[name].help_text
    assert error.get("id") == f"id_{name}_error" and "Error:" in error.text
    assert "field-error" in page.elements[0].get("class")
    assert_form_markup(page)


def test_a_single_checkbox_has_its_label_after_it_and_is_described_by_hint_and_errors():
    form = invalid_form()
    page = Page(field_html(form["agree"]))

    box = page.by_id("id_agree")
    assert box.get("type") == "checkbox"
    wrapper = page.elements[0]
    assert wrapper.get("class") == "field field-checkbox field-error"
    assert [child.tag for child in wrapper.children][:2] == ["input", "label"]
    assert [e.get("id") for e in described_by(page, box)] == ["id_agree_helptext", "id_agree_error"]
    assert "Tick “I agree”" in page.by_id("id_agree_error").text
    assert_form_markup(page)


@pytest.mark.parametrize(
    "name, kind, legend, choices",
    [
        ("modules", "checkbox", "Modules", ["Performance", "Planning"]),
        ("size", "radio", "Size", ["Small", "Large"]),
    ],
)
def test_checkboxes_and_radios_are_a_fieldset_whose_legend_hint_and_errors_name_the_group(
    name, kind, legend, choices
):
    form = invalid_form()
    page = Page(field_html(form[name]))

    (group,) = page.find_all("fieldset")
    assert group.get("id") == f"id_{name}"
    assert group.children[0].tag == "legend" and group.children[0].text == legend
    assert [e.get("id") for e in described_by(page, group) if "hint" in e.get("class")] == (
        [f"id_{name}_helptext"] if form[name].help_text else []
    )
    assert page.by_id(f"id_{name}_error") in described_by(page, group)
    boxes = page.find_all("input", type=kind)
    labels = page.find_all("label")
    assert [label.get("for") for label in labels] == [box.get("id") for box in boxes]
    assert [label.text for label in labels] == choices
    # The fieldset, not each box, carries the description; each box is marked invalid.
    assert all(box.get("aria-describedby") is None for box in boxes)
    assert all(box.get("aria-invalid") == "true" for box in boxes)
    assert_form_markup(page)


def test_an_empty_group_says_so_in_the_words_given_or_by_default():
    form = EveryKindForm()
    form.fields["modules"].choices = []

    given = Page(field_html(form["modules"], empty="No modules are licensed."))
    default = Page(field_html(form["modules"]))

    assert "No modules are licensed." in given.find("fieldset").text
    assert "Nothing to choose from yet." in default.find("fieldset").text
    assert given.find("input") is None


def test_a_valid_field_has_no_error_markup_and_no_invalid_marking():
    form = EveryKindForm(data={"name": "Ada", "modules": ["planning"]})
    form.is_valid()
    page = Page(field_html(form["name"]) + field_html(form["modules"]))

    assert page.by_id("id_name").get("aria-describedby") == "id_name_helptext"
    assert page.by_id("id_name_error") is None and page.by_id("id_modules_error") is None
    assert page.find(aria_invalid="true") is None
    assert page.find("fieldset").get("aria-describedby") == "id_modules_helptext"


def test_a_hidden_field_is_just_its_input():
    page = Page(field_html(EveryKindForm()["token"]))

    assert [e.tag for e in page.elements] == ["input"]
    assert page.elements[0].get("type") == "hidden"


def test_an_input_keeps_its_autofocus_until_its_form_has_errors():
    fresh = Page(field_html(EveryKindForm()["name"]))
    failed = Page(field_html(invalid_form()["name"]))

    assert "autofocus" in fresh.by_id("id_name").attrs
    assert "autofocus" not in failed.by_id("id_name").attrs


def test_the_summary_of_a_form_lists_form_wide_then_field_errors_linked_to_input_or_fieldset():
    form = invalid_form()
    page = whole_form(form)

    (summary,) = summaries(page)
    assert summary.get("aria-labelledby") == "error-summary-title"
    assert page.by_id("error-summary-title").text == "There is a problem"
    items = [li.text for li in page.find_all("li")]
    assert items[0] == "Nothing was saved."
    assert "Name: Enter name" in items
    assert summary_links(page, summary) == [
        "#id_name",
        "#id_kind",
        "#id_notes",
        "#id_agree",
        "#id_modules",  # the group's fieldset
        "#id_size",  # the group's fieldset
    ]
    assert page.by_id("id_modules").tag == "fieldset"
    # The hidden field's problem is listed, with nothing to go to.
    assert "Token: Enter token" in items
    assert_form_markup(page)


def test_a_form_without_errors_has_no_summary():
    assert render_to_string("includes/error_summary.html", {"form": EveryKindForm()}).strip() == ""
    assert render_to_string("includes/error_summary.html", {}).strip() == ""


def test_the_summary_of_a_prepared_list_links_what_has_an_anchor_under_its_own_title():
    errors = [
        ErrorItem("", "", "2 of 3 values could not be saved."),
        ("cell-1-value", "NI 191, Q1", "Enter a number."),
    ]
    html = render_to_string(
        "includes/error_summary.html",
        {"errors": errors, "title": "Nothing was saved", "summary_id": "grid-errors-title"},
    )
    page = Page(html)

    (summary,) = summaries(page)
    assert summary.get("aria-labelledby") == "grid-errors-title"
    assert page.by_id("grid-errors-title").text == "Nothing was saved"
    assert [li.text for li in page.find_all("li")] == [
        "2 of 3 values could not be saved.",
        "NI 191, Q1: Enter a number.",
    ]
    assert summary_links(page, summary) == ["#cell-1-value"]


def test_a_prepared_empty_list_shows_no_summary_even_beside_a_failed_form():
    html = render_to_string("includes/error_summary.html", {"errors": [], "form": invalid_form()})

    assert html.strip() == ""


def test_two_summaries_on_one_page_have_their_own_headings_and_the_first_asks_for_focus_first():
    first = render_to_string(
        "includes/error_summary.html", {"form": invalid_form(), "summary_id": "set-errors"}
    )
    second = render_to_string(
        "includes/error_summary.html",
        {"errors": [("", "", "No year")], "summary_id": "profile-errors"},
    )
    page = Page(f"<main>{first}{second}</main>")

    found = summaries(page)
    assert [s.get("aria-labelledby") for s in found] == ["set-errors", "profile-errors"]
    assert all(page.by_id(s.get("aria-labelledby")) is not None for s in found)
    # Browsers focus the first element that asks: the first summary (see tests/browser).
    assert [e for e in page.elements if "autofocus" in e.attrs] == found


def test_error_items_are_what_views_give_the_summary():
    form = invalid_form()
    items = error_items(form)

    assert items[0] == ErrorItem("", "", "Nothing was saved.")
    assert ErrorItem("id_modules", "Modules", form["modules"].errors[0]) in items
    assert ErrorItem("", "Token", "Enter token") in items
