from __future__ import annotations

from pathlib import PurePath

from django import forms

from ...domain.importing.reader import LIMITS
from ...models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds", widget=forms.RadioSelect, initial=ImportKind.VALUES
    )
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="One row per indicator and period, with a header row. Use a template below.",
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ImportKind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        if len(kinds) == 1:
            # Nothing to choose: the page sends the one kind in a hidden input, so a refused
            # kind is reported in the error summary with no radio to link to.
            self.fields["kind"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_bytes = LIMITS.configured().max_bytes
        if upload.size > max_bytes:
            raise forms.ValidationError(
                f"The file is larger than {max_bytes // (1024 * 1024)} MB; split it up."
            )
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
            raise forms.ValidationError("Choose a CSV or XLSX file.")
        return upload
