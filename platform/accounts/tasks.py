from __future__ import annotations

import logging

from django.contrib.sessions.models import Session
from django.utils import timezone

from goldenthread.platform.celery_app import app

from .services.emails import send_invitation, send_password_reset

logger = logging.getLogger(__name__)


@app.task
def send_password_reset_email(user_id: int, base_url: str) -> bool:
    """Send the reset link to a user of the organisation this task runs for."""
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    send_password_reset(user=user, base_url=base_url)
    return True


@app.task
def send_invitation_email(user_id: int, base_url: str) -> bool:
    """Invite a new user of the organisation this task runs for to choose a password."""
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False  # gone, or has since chosen a password: the link would be stale
    send_invitation(user=user, base_url=base_url)
    return True


@app.task(licensed_module="always")  # every organisation has sign-in
def clear_expired_sessions() -> int:
    """Sessions live in each organisation's schema, so each needs its own sweep."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@app.task(licensed_module="always")  # core.licensing
def delete_old_authentication_events() -> int:
    """Retention of the sign-in record, in the schema this task runs for (each organisation's
    through `core.tasks.dispatch_to_organisations`, and the public one for helpdesk staff)."""
    from django.conf import settings

    from .services.authentication_events import authentication_events_delete_older_than

    return authentication_events_delete_older_than(
        days=settings.AUTHENTICATION_EVENT_RETENTION_DAYS
    )


@app.task
def send_mfa_reset_email(user_id: int, base_url: str) -> bool:
    """Tell a user of the organisation this task runs for that an administrator reset their
    multi-factor authentication (so that a reset they did not ask for is noticed)."""
    from .models import User
    from .services.emails import send_mfa_reset

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    send_mfa_reset(user=user, base_url=base_url)
    return True


@app.task
def user_import_check_task(import_id: int) -> str:
    """Read and check an uploaded spreadsheet of people to invite (the web only kept it)."""
    from goldenthread.platform.core import jobs

    from .models import UserImport
    from .services.importing import CHECK, user_import_check, user_import_fail

    with jobs.claim(CHECK, import_id) as claimed:
        # A duplicate delivery does nothing; a check left by a dead worker runs again.
        if claimed not in (jobs.Claim.CLAIMED, jobs.Claim.ORPHANED):
            return "nothing to do"
        user_import = UserImport.objects.select_related("created_by").get(pk=import_id)
        try:
            return user_import_check(user_import).status
        except Exception:
            logger.exception("User import %s failed on the worker", import_id)
            user_import_fail(
                user_import,
                "The file could not be checked because of an error on our side; it has been "
                "logged. Nobody was invited. Try again, or ask for help.",
            )
            raise
