"""Helpdesk console forms. They parse and shape input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from goldenthread.tenants.models import (
    Module,
    OrganisationStatus,
    OrganisationType,
    Region,
)
from goldenthread.tenants.selectors import county_list


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or slug", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *OrganisationStatus.choices],
    )


class OrganisationProvisionForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)
    slug = forms.CharField(
        label="Slug",
        max_length=42,
        help_text="Its address will be <slug>.<platform domain>. Lower-case letters, digits "
        "and hyphens, for example 'barchester-city'.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    type = forms.ChoiceField(
        label="Type", choices=[("", "Choose a type"), *OrganisationType.choices]
    )
    ons_code = forms.CharField(
        label="ONS area code",
        required=False,
        max_length=9,
        help_text="Councils only, for example E07000123 for a district.",
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Not set"), *Region.choices]
    )
    parent_county = forms.ModelChoiceField(
        label="Parent county",
        required=False,
        queryset=county_list(),
        to_field_name="slug",
        empty_label="None",
        help_text="For a district council only.",
    )
    licensed_modules = forms.MultipleChoiceField(
        label="Licensed modules",
        required=False,
        choices=Module.choices,
        initial=["performance"],
        widget=forms.CheckboxSelectMultiple,
    )
    admin_name = forms.CharField(label="Administrator's name", max_length=200)
    # Checked by the service, so that its message joins the other fields' problems.
    admin_email = forms.CharField(
        label="Administrator's e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Counties are read per form, not once at import time.
        self.fields["parent_county"].queryset = county_list()

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["licensed_modules"] = list(data["licensed_modules"])
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's per-field problems beside the fields they concern."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class OrganisationSuspendForm(forms.Form):
    reason = forms.CharField(
        label="Reason for suspending",
        max_length=500,
        help_text="Shown to the helpdesk and kept in the audit log.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
