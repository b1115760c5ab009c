"""The console's data pages for one organisation (public host, helpdesk leads): exports on
the organisation's request, backups, restores in place (typed confirmation) or as a copy for
inspection, and dropping such copies. Every action is in the platform audit log (the
services write it). Exports, backups and restores are carried out by the worker; the data
page shows their state and progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.tenants import selectors as organisation_selectors
from goldenthread.tenants.helpdesk.permissions import helpdesk_lead_required

from ..models import RestoreKind
from ..selectors import (
    backup_get,
    backups_of,
    export_run_get,
    export_runs_of,
    restore_runs_of,
    restored_copies_of,
)
from ..services.backups import backup_now_queue, restored_copy_drop
from ..services.exporting import export_download_record, export_request_by_helpdesk
from ..services.restores import restore_request
from .forms import HelpdeskExportForm, RestoreInPlaceForm


def _organisation(slug: str):
    try:
        return organisation_selectors.organisation_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _backup(organisation, pk: int):
    try:
        return backup_get(organisation=organisation, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _page(request, organisation, *, export_form=None, status=200):
    runs = export_runs_of(organisation=organisation)[:20]
    restores = restore_runs_of(organisation=organisation)[:20]
    return render(
        request,
        "archive/helpdesk/organisation_data.html",
        {
            "org": organisation,
            "runs": runs,
            "restores": restores,
            "under_way": any(r.is_running for r in [*runs, *restores]),
            "backups": backups_of(organisation=organisation)[:50],
            "copies": restored_copies_of(organisation=organisation),
            "export_form": export_form or HelpdeskExportForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@helpdesk_lead_required
def organisation_data(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    if request.method == "POST":
        form = HelpdeskExportForm(request.POST)
        if form.is_valid():
            try:
                export_request_by_helpdesk(
                    organisation=organisation,
                    staff_user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form.add_error("reason", exc.message)
            else:
                messages.success(request, "The export is being written; this page shows it.")
                return redirect("helpdesk:organisation-data", slug=slug)
        return _page(request, organisation, export_form=form, status=400)
    return _page(request, organisation)


@require_GET
@helpdesk_lead_required
def export_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(slug)
    try:
        run = export_run_get(organisation=organisation, pk=pk)
        path = export_download_record(run=run, actor=request.user.email)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("helpdesk:organisation-data", slug=slug)
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=path.name,
        content_type="application/zip",
    )


@require_POST
@helpdesk_lead_required
def backup_now(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    backup_now_queue(organisation=organisation, actor=request.user.email)
    messages.success(
        request, "The backup is queued; refresh this page in a minute or two to see it listed."
    )
    return redirect("helpdesk:organisation-data", slug=slug)


@require_http_methods(["GET", "POST"])
@helpdesk_lead_required
def restore_in_place(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(slug)
    backup = _backup(organisation, pk)
    form = RestoreInPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restore_request(
                backup=backup,
                actor=request.user.email,
                kind=RestoreKind.IN_PLACE,
                confirmation=form.cleaned_data["confirmation"],
            )
        except DomainError as exc:
            form.add_error("confirmation", exc.message)
        else:
            messages.success(
                request,
                f"The restore of {organisation.name} to its backup of "
                f"{backup.created_at:%d %B %Y %H:%M} is under way; this page shows its progress.",
            )
            return redirect("helpdesk:organisation-data", slug=slug)
    return render(
        request,
        "archive/helpdesk/restore.html",
        {"org": organisation, "backup": backup, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@helpdesk_lead_required
def restore_copy(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(slug)
    backup = _backup(organisation, pk)
    try:
        restore_request(backup=backup, actor=request.user.email, kind=RestoreKind.COPY)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "The backup is being restored as a copy; this page shows its progress."
        )
    return redirect("helpdesk:organisation-data", slug=slug)


@require_POST
@helpdesk_lead_required
def copy_drop(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(slug)
    copy = restored_copies_of(organisation=organisation).filter(pk=pk).first()
    if copy is None:
        raise Http404("There is no such copy of this organisation.")
    try:
        restored_copy_drop(copy=copy, actor=request.user.email)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The schema {copy.schema_name} was dropped.")
    return redirect("helpdesk:organisation-data", slug=slug)
