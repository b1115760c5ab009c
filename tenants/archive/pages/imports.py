"""The console's imports of organisation archives (public host, helpdesk leads): upload an
archive with the new organisation's name and slug, and follow each import to its outcome.
The page stores the file and queues the run; the worker checks and imports it
(`services.import_runs`), and the platform audit log records each organisation imported."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.helpdesk.permissions import helpdesk_lead_required

from ..selectors import import_runs
from ..services.import_runs import import_request, max_upload_bytes
from .forms import ArchiveImportForm


@require_http_methods(["GET", "POST"])
@helpdesk_lead_required
def imports_page(request: HttpRequest) -> HttpResponse:
    form = ArchiveImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_request(
                upload=form.cleaned_data["archive"],
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                actor=request.user.email,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error("archive", exc.message)
        else:
            messages.success(
                request,
                f"The archive is uploaded; the worker is importing it as {run.name}. This page "
                "shows the outcome.",
            )
            return redirect("helpdesk:imports")
    runs = list(import_runs()[:50])
    return render(
        request,
        "archive/helpdesk/imports.html",
        {
            "form": form,
            "runs": runs,
            "under_way": any(run.is_running for run in runs),
            "max_upload_bytes": max_upload_bytes(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
