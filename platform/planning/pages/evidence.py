from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..errors import DomainError, NotFound, PermissionDenied
from ..models import EvidenceDocument
from ..selectors.actions import action_get
from ..selectors.common import get_one, indicator_get
from ..selectors.risks import risk_get
from ..services.evidence import evidence_upload
from .common import planning_page
from .editing import form_page, submit
from .forms import EvidenceForm


@require_POST
@planning_page()
def evidence_upload_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Attach a file to an action or a risk; errors come back as a message on its page."""
    if kind == "action":
        target = {"action": action_get(pk=pk)}
    elif kind == "risk":
        target = {"risk": risk_get(pk=pk)}
    else:
        raise NotFound("Evidence can be attached to actions and risks here.")
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to upload.")
    else:
        try:
            document = evidence_upload(
                actor=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                **target,
            )
        except DomainError as error:
            if error.status_code != 400:
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, f"{document.original_name} uploaded.")
    return redirect(f"planning:{kind}", pk=pk)


@planning_page(records=True)
def evidence_download_page(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_one(EvidenceDocument, pk, "evidence document")
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@planning_page(records=True)
def indicator_evidence_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A PI's evidence documents, and an upload form for its owner and configurers (the
    indicators' own page links here)."""
    indicator = indicator_get(pk=pk)
    can_upload = permissions.can_attach_evidence(request.user, indicator=indicator)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied("You may attach evidence only to PIs you own.")
        document = submit(
            form,
            lambda data: evidence_upload(
                actor=request.user,
                upload=data["file"],
                description=data["description"],
                indicator=indicator,
            ),
            field="file",
        )
        if document is not None:
            messages.success(request, f"{document.original_name} uploaded.")
            return redirect("planning:indicator-evidence", pk=indicator.pk)
    return form_page(
        request,
        form,
        title=f"Evidence for {indicator.code}",
        submit_label="Upload",
        back_url=reverse("planning:my-items"),
        caption=f"{indicator.code} {indicator.title}",
        template="planning/indicator_evidence.html",
        indicator=indicator,
        documents=indicator.evidence_documents.select_related("uploaded_by"),
        can_upload=can_upload,
    )
