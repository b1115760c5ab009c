"""Import pages: upload, the preview with every problem and change, the commit, progress.

The upload page only stores the file and queues its check (`import_start`); the job page
polls while the worker reads and checks it, then shows the preview to confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError

from ...models import ImportJob, ImportKind, ImportStatus
from ...selectors.importing.downloads import template_csv, template_xlsx
from ...services.importing.commit import import_commit
from ...services.importing.preview import can_import, import_start
from .forms import UploadForm

RECENT_JOBS = 10
CHANGE_LABELS = {"new": "New", "changed": "Changed", "unchanged": "Unchanged"}


def _allowed_kinds(request: HttpRequest) -> list[str]:
    kinds = [kind for kind in ImportKind.values if can_import(request.user, kind)]
    if not kinds:
        raise PermissionDenied("Only data providers and performance officers may import data.")
    return kinds


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    """The requester's own job; anyone else's is not found (not even that it exists)."""
    _allowed_kinds(request)
    return get_object_or_404(
        ImportJob.objects.defer("content").select_related("created_by"),
        pk=pk,
        created_by=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    kinds = _allowed_kinds(request)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            job = import_start(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload_file.name,
                content=upload_file.read(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("indicators-import:job", pk=job.pk)
    jobs = ImportJob.objects.defer("content").filter(created_by=request.user)[:RECENT_JOBS]
    return render(
        request,
        "indicators/importing/upload.html",
        {
            "form": form,
            "kinds": kinds,
            "jobs": jobs,
        },
        status=400 if form.errors else 200,
    )


def _status_payload(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "running": job.is_running,
        "phase": job.phase,
        "progress": job.progress,
        "processed_rows": job.processed_rows,
        "total_rows": job.total_rows,
        "counts": job.counts,
        "url": reverse("indicators-import:job", kwargs={"pk": job.pk}),
    }


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    counts = job.counts or {}
    changes = [{**change, "label": CHANGE_LABELS[change["kind"]]} for change in job.changes]
    return render(
        request,
        "indicators/importing/job.html",
        {
            "job": job,
            "counts": counts,
            "changes": changes,
            "problems": job.problems,
            "problems_not_shown": max(counts.get("problems", 0) - len(job.problems), 0),
            "changes_not_shown": max(
                sum(counts.get(k, 0) for k in CHANGE_LABELS) - len(job.changes), 0
            ),
            "is_previewed": job.status == ImportStatus.PREVIEWED,
            "noun": "targets" if job.kind == ImportKind.TARGETS else "values",
            "progress_title": "Importing"
            if job.status == ImportStatus.COMMITTING
            else "Checking the file",
            "progress_note": f"{job.total_rows} rows." if job.total_rows else "",
        },
    )


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_status_payload(_job_for(request, pk)))


@login_required
@require_POST
def job_commit(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    try:
        # Queued for the worker, which reads the file again: the job page shows its progress.
        job = import_commit(job=job, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("indicators-import:job", pk=job.pk)


TEMPLATE_FORMATS = {
    "csv": ("text/csv; charset=utf-8", template_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        template_xlsx,
    ),
}


@login_required
@require_GET
def template_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in ImportKind.values or file_format not in TEMPLATE_FORMATS:
        raise Http404("There is no such template.")
    if not can_import(request.user, kind):
        raise PermissionDenied(f"You may not import {kind}.")
    content_type, build = TEMPLATE_FORMATS[file_format]
    response = HttpResponse(build(request.user, kind), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{file_format}"'
    return response
