"""User administration pages (organisation administrators only): the list with filters and
CSV export, inviting one or many, and each user's roles, end date and state."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.exporting import export_response, page_export
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.core.uploads import received_bytes

from ...permissions import can_administer_users
from ...selectors import mfa as mfa_selectors
from ...selectors import organisation_settings as setting_selectors
from ...selectors import sso as sso_selectors
from ...selectors import users as user_selectors
from ...selectors.exports import user_audit_sheet
from ...services.importing import LIMITS as IMPORT_LIMITS
from ...services.importing import user_import_commit, user_import_receive
from ...services.mfa import mfa_policy_set, mfa_reset
from ...services.session_lifetime import (
    session_settings_get,
    session_settings_update,
    user_sign_out_everywhere,
)
from ...services.sso.sign_in import sso_link_remove
from ...services.users import user_deactivate, user_invite, user_reactivate, user_update
from .forms import (
    ImportForm,
    InviteForm,
    MfaPolicyForm,
    SessionSettingsForm,
    UserChangeForm,
    UserFilterForm,
    end_of,
)

REFUSED = "Only the organisation's administrators administer users."
# The page lists this many users at most; the CSV export has them all.
LIST_LIMIT = 1_000


def _refuse_non_administrators(request: HttpRequest) -> None:
    refuse_unless(can_administer_users(request.user), REFUSED)


def _filtered(request: HttpRequest):
    form = UserFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    users = user_selectors.user_list(
        reader=request.user,
        role=data.get("role", ""),
        state=data.get("state", ""),
        text=data.get("q", ""),
    )
    return form, users


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _refuse_non_administrators(request)
    form, users = _filtered(request)
    sso_configured = sso_selectors.sso_is_ready(sso_selectors.sso_configuration_get())
    rows = [
        {
            "user": user,
            "state": user_selectors.user_state(user),
            "mfa": mfa_selectors.mfa_state(user=user),
            "sso": sso_selectors.sso_state(user=user, configured=sso_configured),
        }
        for user in users[:LIST_LIMIT]
    ]
    return render(
        request,
        "accounts/users/list.html",
        {
            "form": form,
            "rows": rows,
            "count": users.count(),
            "limit": LIST_LIMIT,
            "mfa_required_for_everyone": request.organisation.mfa_required_for_everyone,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def user_export(request: HttpRequest) -> HttpResponse:
    _refuse_non_administrators(request)
    _, users = _filtered(request)
    response = HttpResponse(
        user_selectors.users_csv(users=users), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="users-{stamp}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def user_invite_page(request: HttpRequest) -> HttpResponse:
    _refuse_non_administrators(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                roles=data["roles"],
                access_expires_at=end_of(data["access_expires_at"]),
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            # Queued for the worker, not yet sent: the message does not claim it was e-mailed.
            messages.success(request, f"An invitation with a link is on its way to {user.email}.")
            return redirect("users:detail", pk=user.pk)
    return render(
        request,
        "accounts/users/invite.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_non_administrators(request)
    user = user_selectors.user_get(reader=request.user, user_id=pk)
    download = page_export(request) if request.method == "GET" else None
    if download:
        entries = user_selectors.user_audit_list(reader=request.user, user=user)
        sheet = user_audit_sheet(entries=entries)
        return export_response(fmt=download, stem=f"account-changes-{user.pk}", sheet=sheet)
    initial = {
        "roles": user.roles,
        "access_expires_at": timezone.localtime(user.access_expires_at).date()
        if user.access_expires_at
        else None,
    }
    form = UserChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update(
                actor=request.user,
                user=user,
                roles=data["roles"],
                access_expires_at=end_of(data["access_expires_at"]),
                clear_access_expires_at=data["access_expires_at"] is None,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{user.email} is changed.")
            return redirect("users:detail", pk=user.pk)
    return render(
        request,
        "accounts/users/detail.html",
        {
            "form": form,
            "person": user,
            "state": user_selectors.user_state(user),
            "mfa_enrolled": mfa_selectors.mfa_enrolled(user=user),
            "mfa_factors": mfa_selectors.mfa_factors_in_words(user=user),
            "sso_link": sso_selectors.sso_link_output(user=user),
            "audit": user_selectors.user_audit_list(reader=request.user, user=user)[:50],
        },
        status=400 if form.errors else 200,
    )


def _state_change(request: HttpRequest, pk: int, change, done: str) -> HttpResponse:
    _refuse_non_administrators(request)
    user = user_selectors.user_get(reader=request.user, user_id=pk)
    try:
        change(actor=request.user, user=user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{user.email} {done}")
    return redirect("users:detail", pk=user.pk)


@login_required
@require_POST
def user_deactivate_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        user_deactivate,
        "is deactivated: signed out everywhere, and their API keys no longer work.",
    )


@login_required
@require_POST
def user_mfa_reset_page(request: HttpRequest, pk: int) -> HttpResponse:
    base_url = request.build_absolute_uri("/")
    return _state_change(
        request,
        pk,
        lambda *, actor, user: mfa_reset(actor=actor, user=user, base_url=base_url),
        "must set up multi-factor authentication again; we told them by e-mail.",
    )


@login_required
@require_POST
def user_mfa_policy_page(request: HttpRequest) -> HttpResponse:
    """The organisation's policy: MFA for everyone, or only for administrators."""
    _refuse_non_administrators(request)
    required = request.POST.get("mfa_required_for_everyone") == "on"
    mfa_policy_set(
        actor=request.user, organisation=request.organisation, required_for_everyone=required
    )
    messages.success(
        request,
        "Everyone must now use multi-factor authentication from their next sign-in."
        if required
        else "Only administrators must now use multi-factor authentication.",
    )
    # Sent from the Security settings page or the user list: back to where it came from.
    if request.POST.get("came_from") == "settings":
        return redirect("users:session-settings")
    return redirect("users:list")


@login_required
@require_POST
def user_sso_unlink_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        sso_link_remove,
        "is unlinked from their identity at the provider: their next single sign-on links afresh.",
    )


@login_required
@require_POST
def user_reactivate_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, user_reactivate, "is active again.")


@login_required
@require_POST
def user_sign_out_everywhere_page(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_non_administrators(request)
    user = user_selectors.user_get(reader=request.user, user_id=pk)
    ended = user_sign_out_everywhere(actor=request.user, user=user)
    if user.pk == request.user.pk:  # their own session went too
        logout(request)
        return redirect("accounts:sign-in")
    messages.success(
        request,
        f"{user.email} is signed out everywhere ({ended} session{'s' if ended != 1 else ''} "
        "ended).",
    )
    return redirect("users:detail", pk=user.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_settings_page(request: HttpRequest) -> HttpResponse:
    _refuse_non_administrators(request)
    current = session_settings_get()
    form = SessionSettingsForm(
        request.POST or None, initial={"idle_timeout_minutes": current.idle_timeout_minutes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = session_settings_update(
                actor=request.user,
                idle_timeout_minutes=form.cleaned_data["idle_timeout_minutes"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                f"People are now signed out after {saved.idle_timeout_minutes} minutes "
                "without activity.",
            )
            return redirect("users:session-settings")
    changes = setting_selectors.setting_change_list(reader=request.user)[:50]
    return render(
        request,
        "accounts/users/session_settings.html",
        {
            "form": form,
            "lifetime_hours": settings.SESSION_ABSOLUTE_LIFETIME_SECONDS // 3600,
            "mfa_form": MfaPolicyForm(
                initial={
                    "mfa_required_for_everyone": request.organisation.mfa_required_for_everyone,
                    "came_from": "settings",
                }
            ),
            "changes": [
                {"change": change, **setting_selectors.setting_change_words(change)}
                for change in changes
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_import_upload(request: HttpRequest) -> HttpResponse:
    _refuse_non_administrators(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Kept and queued, not read: the worker checks it while the next page waits.
            user_import = user_import_receive(
                actor=request.user,
                file_name=upload.name,
                content=received_bytes(upload, limits=IMPORT_LIMITS),
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("users:import", pk=user_import.pk)
    return render(
        request, "accounts/users/import.html", {"form": form}, status=400 if form.errors else 200
    )


def _import_page(request: HttpRequest, user_import, *, problems=None, status=200) -> HttpResponse:
    return render(
        request,
        "accounts/users/import_preview.html",
        {"user_import": user_import, "problems": problems or user_import.problems},
        status=status,
    )


@login_required
@require_GET
def user_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the import page's poller asks while the worker checks the file."""
    _refuse_non_administrators(request)
    user_import = user_selectors.user_import_get(reader=request.user, import_id=pk)
    return JsonResponse(
        {
            "status": user_import.status,
            "running": user_import.is_running,
            "phase": user_import.phase or user_import.get_status_display(),
            "progress": 0 if user_import.is_running else 100,
            "url": reverse("users:import", kwargs={"pk": user_import.pk}),
        }
    )


@login_required
@require_GET
def user_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_non_administrators(request)
    return _import_page(request, user_selectors.user_import_get(reader=request.user, import_id=pk))


@login_required
@require_POST
def user_import_commit_page(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_non_administrators(request)
    user_import = user_selectors.user_import_get(reader=request.user, import_id=pk)
    try:
        user_import = user_import_commit(
            actor=request.user, user_import=user_import, base_url=request.build_absolute_uri("/")
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _import_page(request, user_import, problems=error.extra.get("problems"), status=400)
    count = len(user_import.rows)
    people = "person" if count == 1 else "people"
    messages.success(
        request, f"Invited {count} {people}: an invitation with a link is on its way to each."
    )
    return redirect("users:list")
