"""Every form says what to do about a missing answer ("Enter your name", "Choose a module")
instead of Django's "This field is required.", through the one form renderer; a field's own
message and the form's `errors` are left alone."""

from __future__ import annotations

from django import forms

from goldenthread.platform.core.error_summary import error_items
from goldenthread.platform.core.words import joined

STOCK = "This field is required."


class AskingForm(forms.Form):
    full_name = forms.CharField(label="Full name")
    pi_code = forms.CharField(label="PI code")
    kind = forms.ChoiceField(label="Kind of value", choices=[("a", "A"), ("b", "B")])
    modules = forms.MultipleChoiceField(
        label="Modules", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree")
    reason = forms.CharField(label="Why?", error_messages={"required": "Say why you suspend it."})


def test_a_missing_answer_says_enter_or_choose_and_the_label():
    form = AskingForm(data={})

    assert form["full_name"].errors == ["Enter full name"]
    assert form["pi_code"].errors == ["Enter PI code"]  # an acronym keeps its capitals
    assert form["kind"].errors == ["Choose kind of value"]
    assert form["modules"].errors == ["Choose modules"]
    assert form["agree"].errors == ["Tick “I agree”"]
    # A field's own message is kept
    assert form["reason"].errors == ["Say why you suspend it."]
    # The summary says the same words, and nothing anywhere says Django's stock message
    assert ("id_full_name", "Full name", "Enter full name") in error_items(form)
    assert all(STOCK not in item.message for item in error_items(form))
    # The form's data for code (REST, tests) stays Django's
    assert form.errors["full_name"] == [STOCK]


def test_other_messages_are_untouched():
    form = AskingForm(data={"full_name": "x" * 3, "kind": "zzz"})

    assert "Select a valid choice" in form["kind"].errors[0]
    assert form["full_name"].errors == []


def test_lists_are_said_in_words():
    assert joined([]) == "None"
    assert joined(["Benchmarking"]) == "Benchmarking"
    assert joined(["Partnerships", "Benchmarking"]) == "Partnerships and Benchmarking"
    assert joined(["A", "B", "C"]) == "A, B and C"
    assert (
        joined(["Performance indicators", "Plans, actions and risks", "Partnerships"])
        == "Performance indicators; Plans, actions and risks; and Partnerships"
    )
