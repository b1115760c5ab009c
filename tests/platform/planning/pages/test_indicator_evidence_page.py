"""The PI evidence page (/planning/evidence/indicator/<id>/): its owner uploads, bad files
are explained, others are refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goldenthread.platform.planning.models import EvidenceDocument
from tests.platform.planning.pages.support import (
    assert_problem,
    assert_refused,
    assert_sign_in_asked,
    text,
)

PDF = b"%PDF-1.4\n" + b"x" * 100


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PLANNING_EVIDENCE_MAX_BYTES = 1024
    return tmp_path


def url(scene) -> str:
    return f"/planning/evidence/indicator/{scene.pi.pk}/"


def pdf(name: str = "Audit.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_pi_owner_uploads_evidence_and_sees_it_listed(scene, people, as_user, alpha):
    client = as_user("staff")
    assert "No documents yet." in text(client.get(url(scene)))

    response = client.post(url(scene), {"file": pdf(), "description": "Q1 audit"})

    assert response["Location"] == url(scene)
    alpha()
    document = EvidenceDocument.objects.get(indicator=scene.pi)
    assert (document.original_name, document.description) == ("Audit.pdf", "Q1 audit")
    assert document.uploaded_by == people["staff"]
    page = text(client.get(url(scene)))
    assert "Audit.pdf" in page and "Q1 audit" in page


def test_bad_files_are_explained_on_the_file_field_and_nothing_is_stored(
    scene, as_user, alpha, media
):
    client = as_user("staff")
    too_big = client.post(url(scene), {"file": pdf("big.pdf", b"%PDF-" + b"x" * 2000)})
    assert_problem(too_big, "big.pdf is 2.0 KB; the largest file allowed is 1.0 KB")
    assert 'href="#id_file"' in too_big.content.decode()
    wrong_type = client.post(url(scene), {"file": pdf("run.exe", b"MZ")})
    assert_problem(wrong_type, "Files of type .exe cannot be uploaded")
    missing = client.post(url(scene), {"description": "no file"})
    assert_problem(missing, "Choose a file to upload.")
    alpha()
    assert not EvidenceDocument.objects.filter(indicator=scene.pi).exists()
    assert not any(media.rglob("*.*"))


def test_readers_see_the_documents_without_an_upload_form(scene, as_user):
    page = as_user("auditor").get(url(scene))
    assert page.status_code == 200
    assert "Only the PI's owner or a performance officer can upload" in text(page)


@pytest.mark.parametrize("who", ["auditor", "provider", "staff2"])
def test_others_cannot_upload(scene, as_user, alpha, who):
    assert_refused(as_user(who).post(url(scene), {"file": pdf()}))
    alpha()
    assert not EvidenceDocument.objects.filter(indicator=scene.pi).exists()


def test_councillors_cannot_open_the_page(scene, as_user, alpha):
    client = as_user("councillor")
    assert_refused(client.get(url(scene)))
    assert_refused(client.post(url(scene), {"file": pdf()}))
    alpha()
    assert not EvidenceDocument.objects.filter(indicator=scene.pi).exists()


def test_another_organisations_pi_is_not_found(scene, beta_admin, alpha):
    assert_refused(beta_admin.get(url(scene)), 404)
    assert_refused(beta_admin.post(url(scene), {"file": pdf()}), 404)
    alpha()
    assert not EvidenceDocument.objects.filter(indicator=scene.pi).exists()


def test_anonymous_visitors_are_asked_to_sign_in(scene, client_for, org_a, alpha):
    assert_sign_in_asked(client_for(org_a).post(url(scene), {"file": pdf()}))
    alpha()
    assert not EvidenceDocument.objects.filter(indicator=scene.pi).exists()
