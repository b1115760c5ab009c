"""The organisation's own export pages, on its host: ask for an export of all its data,
watch the worker's progress, download the archive. Administrators only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.platform.core.errors import DomainError

from .. import permissions
from ..models import RunStatus
from ..selectors import export_run_get, export_runs_of
from ..services.exporting import export_download_record, export_request


def administrator_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in as an active administrator of this organisation; a DomainError is shown as
    a page with its status (404 for another organisation's export, 403 for anyone else)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            permissions.require_export_organisation(request.user)
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(
                request,
                "archive/error.html",
                {"message": error.message, "status": error.status_code},
                status=error.status_code,
            )

    return wrapper


def export_state(run) -> dict:
    return {
        "status": run.status,
        "status_words": run.get_status_display(),
        "progress": run.progress,
        "phase": run.phase,
        "running": run.is_running,
        "error": run.error,
        "url": reverse("archive:export", kwargs={"pk": run.pk}),
    }


@administrator_page
@require_http_methods(["GET", "POST"])
def exports_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        run = export_request(organisation=request.tenant, user=request.user)
        return redirect("archive:export", pk=run.pk)
    runs = export_runs_of(organisation=request.tenant)[:20]
    return render(request, "archive/exports.html", {"runs": runs})


@administrator_page
@require_GET
def export_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = export_run_get(organisation=request.tenant, pk=pk)
    return render(
        request,
        "archive/export.html",
        {"run": run, "state": export_state(run), "done": run.status == RunStatus.DONE},
    )


@administrator_page
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    return JsonResponse(export_state(export_run_get(organisation=request.tenant, pk=pk)))


@administrator_page
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = export_run_get(organisation=request.tenant, pk=pk)
    path = export_download_record(run=run, actor=request.user.email)
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=path.name,
        content_type="application/zip",
    )
