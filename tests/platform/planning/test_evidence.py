"""Evidence uploads: per-organisation storage, size and type limits with clear errors."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.planning.errors import UploadRefused
from goldenthread.platform.planning.models import EvidenceDocument
from goldenthread.platform.planning.services.evidence import evidence_delete, evidence_upload

PDF = b"%PDF-1.4\n" + b"x" * 100


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PLANNING_EVIDENCE_MAX_BYTES = 1024
    return tmp_path


def test_an_assignee_attaches_a_pdf_stored_under_the_organisations_folder(people, build, media):
    action = build.action(assigned_to=people["staff"])
    upload = SimpleUploadedFile("Board report.pdf", PDF, content_type="application/pdf")
    document = evidence_upload(actor=people["staff"], upload=upload, action=action)
    stored = Path(document.file.path)
    assert stored.is_relative_to(media / "org_alpha" / "evidence")
    assert stored.read_bytes() == PDF
    assert (document.original_name, document.size) == ("Board_report.pdf", len(PDF))
    assert document.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ", "Files of type .exe cannot be uploaded. Allowed types: .csv"),
        ("noext", b"hello", "with no extension"),
        (
            "big.pdf",
            b"%PDF-" + b"x" * 1100,
            "big.pdf is 1.1 KB; the largest file allowed is 1.0 KB",
        ),
        ("fake.pdf", b"<html>", "contents do not match its name"),
        ("empty.txt", b"", "empty.txt is empty"),
        ("binary.csv", b"a,b\x00c", "does not look like a .csv text file"),
    ],
)
def test_bad_files_are_refused_with_the_reason(people, build, media, name, content, message):
    action = build.action(assigned_to=people["staff"])
    with pytest.raises(UploadRefused, match=message.replace(".", r"\.")):
        evidence_upload(
            actor=people["staff"], upload=SimpleUploadedFile(name, content), action=action
        )
    assert not EvidenceDocument.objects.filter(action=action).exists()
    assert not any(media.rglob("*.*"))


def test_the_size_error_gives_the_limit_in_its_extra(people, build):
    action = build.action(assigned_to=people["staff"])
    with pytest.raises(UploadRefused) as refused:
        evidence_upload(
            actor=people["staff"],
            upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2000),
            action=action,
        )
    assert refused.value.extra == {"max_bytes": 1024, "size": 2005}


@pytest.mark.parametrize("who", ["councillor", "auditor", "staff2"])
def test_people_who_cannot_change_the_item_cannot_attach_to_it(people, build, media, who):
    risk = build.risk(owner=people["staff"])
    with pytest.raises(PermissionDenied):
        evidence_upload(actor=people[who], upload=SimpleUploadedFile("a.txt", b"hi"), risk=risk)
    assert not risk.evidence_documents.exists() and not any(media.rglob("*.txt"))


def test_a_document_belongs_to_exactly_one_item(people, build):
    with pytest.raises(DomainError, match="exactly one"):
        evidence_upload(actor=people["officer"], upload=SimpleUploadedFile("a.txt", b"hi"))


def test_pi_owner_attaches_and_removal_deletes_the_file(
    people, build, django_capture_on_commit_callbacks
):
    pi = build.indicator(owner=people["staff"])
    document = evidence_upload(
        actor=people["staff"], upload=SimpleUploadedFile("notes.txt", b"hello"), indicator=pi
    )
    path = Path(document.file.path)
    with pytest.raises(PermissionDenied):
        evidence_delete(actor=people["staff2"], document=document)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(actor=people["staff"], document=document)
    assert not path.exists() and not EvidenceDocument.objects.filter(pk=document.pk).exists()
