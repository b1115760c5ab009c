"""Forms of the console's data pages."""

from __future__ import annotations

from django import forms


class HelpdeskExportForm(forms.Form):
    reason = forms.CharField(
        label="Whose request does this export answer?",
        help_text="For example the ticket number and the person at the organisation who asked.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RestoreInPlaceForm(forms.Form):
    confirmation = forms.CharField(
        label="Type the organisation's slug to confirm",
        help_text="Everything the organisation changed since this backup will be lost "
        "(a safety backup of its data as it is now is taken first).",
        max_length=42,
    )


class ArchiveImportForm(forms.Form):
    """The command's `archive import FILE --name --slug`, as a form. The size is checked here
    (nothing is read); the archive itself is checked by the worker."""

    archive = forms.FileField(
        label="Organisation archive (ZIP)",
        help_text="An archive made by Golden Thread's export. It is checked and imported by "
        "the worker; this page then shows the outcome.",
    )
    name = forms.CharField(label="New organisation's name", max_length=200)
    slug = forms.CharField(
        label="New organisation's slug",
        max_length=42,
        help_text="Its address will be <slug>.<platform domain> and its schema org_<slug>. "
        "Lower-case letters, digits and hyphens, for example 'barchester-city'.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_archive(self):
        from ..errors import ArchiveRefused
        from ..services.import_runs import check_upload_size

        upload = self.cleaned_data["archive"]
        try:
            check_upload_size(size=upload.size or 0)
        except ArchiveRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return upload

    def add_service_errors(self, error) -> None:
        """The service's per-field problems (name, slug) beside their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
