"""Evidence documents: checked uploads stored under the organisation's own folder."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator

from .. import permissions
from ..errors import DomainError, PermissionDenied, UploadRefused
from ..models import Action, EvidenceDocument, Risk
from .common import clean_and_save

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

ZIP = (b"PK\x03\x04",)
# Extension -> (content type stored, signatures the file must start with; None = text).
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP,
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    ".csv": ("text/csv", None),
    ".txt": ("text/plain", None),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "PLANNING_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def readable_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """The safe file name and content type of an acceptable upload; else UploadRefused
    naming the problem (empty, too large, a type not allowed, contents not matching)."""
    name = get_valid_filename(os.path.basename(upload.name or ""))[:200]
    extension = os.path.splitext(name)[1].lower()
    allowed = ", ".join(sorted(ALLOWED_TYPES))
    if extension not in ALLOWED_TYPES:
        shown = extension or "with no extension"
        raise UploadRefused(
            f"Files of type {shown} cannot be uploaded. Allowed types: {allowed}.",
            extra={"allowed": sorted(ALLOWED_TYPES)},
        )
    if not upload.size:
        raise UploadRefused(f"{name} is empty.")
    limit = max_upload_bytes()
    if upload.size > limit:
        raise UploadRefused(
            f"{name} is {readable_size(upload.size)}; the largest file allowed is "
            f"{readable_size(limit)}.",
            extra={"max_bytes": limit, "size": upload.size},
        )
    content_type, signatures = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures is None:
        if b"\x00" in head:
            raise UploadRefused(f"{name} does not look like a {extension} text file.")
    elif not head.startswith(signatures):
        raise UploadRefused(
            f"{name} does not look like a {extension} file; its contents do not match its name."
        )
    return name, content_type


@transaction.atomic
def evidence_upload(
    *,
    actor: User,
    upload: UploadedFile,
    description: str = "",
    indicator: Indicator | None = None,
    action: Action | None = None,
    risk: Risk | None = None,
) -> EvidenceDocument:
    """Attach a file to exactly one PI, action or risk the actor may change."""
    if sum(item is not None for item in (indicator, action, risk)) != 1:
        raise DomainError("Attach the document to exactly one PI, action or risk.")
    if not permissions.can_attach_evidence(actor, indicator=indicator, action=action, risk=risk):
        raise PermissionDenied("You may attach evidence only to items you own or manage.")
    name, content_type = check_upload(upload)
    document = EvidenceDocument(
        original_name=name,
        content_type=content_type,
        size=upload.size,
        description=(description or "").strip()[:500],
        uploaded_by=actor,
        indicator=indicator,
        action=action,
        risk=risk,
    )
    document.file.save(name, upload, save=False)
    # If the row cannot be saved, the stored file must not be left behind.
    try:
        clean_and_save(document)
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def evidence_delete(*, actor: User, document: EvidenceDocument) -> None:
    owner = document.uploaded_by_id == actor.pk and not permissions.is_read_only(actor)
    if not owner and not permissions.can_attach_evidence(
        actor, indicator=document.indicator, action=document.action, risk=document.risk
    ):
        raise PermissionDenied("You may not remove this document.")
    storage, path = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(path))
