"""Inviting many people from a spreadsheet (CSV or XLSX): check, preview, commit all or nothing.

As the indicator value import does: the file is read by the one tabular reader
(`core.tabular.read_table`), every row is checked and every problem listed with its
spreadsheet row number, and nothing is written until the administrator commits a preview
without problems. The commit checks the rows again (someone may have been invited meanwhile)
and creates everyone in one transaction, or no one.

The web never reads the file: `user_import_receive` checks its size, keeps it and queues
`user_import_check_task`; the worker reads it (`user_import_check`, inside read_table's
memory-capped child) and records the preview, which the page polls for (see `core.uploads`).

Columns (header names are matched without regard to case, spaces or underscores):
`name`, `email`, `roles` (codes or labels, separated by `;`, `,` or `|`) and, optionally,
`access ends` (a date; required for auditors).
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.dateparse import parse_date

from goldenthread.platform.core import jobs
from goldenthread.platform.core.errors import Conflict, DomainError
from goldenthread.platform.core.tabular import (
    TabularFileError,
    TabularLimits,
    cell_text,
    is_blank,
    read_table,
)
from goldenthread.platform.core.uploads import check_upload_size

from ..domain.choices import UserAuditAction, UserImportStatus
from ..models import Role, User, UserImport
from ..permissions import require_administer_users
from . import user_create
from .users import check_new_user, queue_invitation_email, user_audit_record

LIMITS = TabularLimits(
    name="user invitation", max_bytes=5 * 1024 * 1024, max_rows=5_000, max_columns=20
)
COLUMNS = {
    "full_name": ("name", "full name", "fullname"),
    "email": ("email", "e-mail", "email address", "e-mail address"),
    "roles": ("roles", "role"),
    "access_expires_at": ("access ends", "end date", "access end date", "access expires at"),
}
REQUIRED = ("full_name", "email", "roles")
ROLE_SEPARATORS = re.compile(r"[;,|]")
# Shown on the preview page; the full list is kept on the import.
MAX_PROBLEMS = 1_000


def _column_key(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().lower())


def _map_header(header: tuple[str, ...]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _column_key(title)
        for name, spellings in COLUMNS.items():
            if key in spellings and name not in positions:
                positions[name] = index
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in positions]
    if missing:
        raise TabularFileError(
            f"The header (row 1) is missing the column(s) {', '.join(repr(m) for m in missing)}. "
            "The columns are: name, email, roles and, for auditors, access ends."
        )
    return positions


def _roles(text: str) -> tuple[list[str], list[str]]:
    """Role codes from a cell of codes or labels; and the words that are neither."""
    by_name = {code: code for code in Role.values}
    by_name.update({label.lower(): code for code, label in Role.choices})
    roles, unknown = [], []
    for word in ROLE_SEPARATORS.split(text):
        word = word.strip()
        if not word:
            continue
        code = by_name.get(word.lower()) or by_name.get(word.lower().replace(" ", "_"))
        (roles if code else unknown).append(code or word)
    return sorted(set(roles)), unknown


def _end_of(day: date) -> datetime:
    """An end date means access lasts to the end of that day, local time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _date(cell: object) -> tuple[datetime | None, str | None]:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, None
    if isinstance(cell, datetime):
        return _end_of(cell.date()), None
    if isinstance(cell, date):
        return _end_of(cell), None
    text = cell_text(cell)
    day = None
    with contextlib.suppress(ValueError):  # a well-formed but impossible date: 2027-02-30
        day = parse_date(text)
    if day is None:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if match:
            try:
                day = date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                day = None
    if day is None:
        return None, f"'{text}' is not a date (write 2027-03-31 or 31/03/2027)."
    return _end_of(day), None


def check_rows(*, actor: User, content: bytes, file_name: str) -> tuple[list[dict], list[dict]]:
    """The rows to invite and every problem (`{"row", "message"}`), from the file's bytes."""
    try:
        table = read_table(content, file_name=file_name, limits=LIMITS.configured())
        positions = _map_header(table.header)
    except TabularFileError as error:
        return [], [{"row": error.row, "message": error.message}]
    rows: list[dict] = []
    problems: list[dict] = []
    first_row_of: dict[str, int] = {}
    for raw in table.rows:
        if is_blank(raw.cells):
            continue

        def cell(name: str, raw=raw) -> object:
            index = positions.get(name)
            return raw.cells[index] if index is not None and index < len(raw.cells) else None

        full_name = cell_text(cell("full_name"))
        email = cell_text(cell("email")).lower()
        roles, unknown = _roles(cell_text(cell("roles")))
        access_expires_at, date_problem = _date(cell("access_expires_at"))
        messages: list[str] = []
        if unknown:
            messages.append(f"Unknown role(s): {', '.join(unknown)}.")
        if date_problem:
            messages.append(date_problem)
        if email in first_row_of:
            messages.append(f"{email} is already on row {first_row_of[email]}.")
        else:
            first_row_of[email] = raw.number
            found = check_new_user(
                actor=actor,
                email=email,
                full_name=full_name,
                roles=roles,
                access_expires_at=access_expires_at,
            )
            messages.extend(message for field in found.values() for message in field)
        if messages:
            problems.extend({"row": raw.number, "message": message} for message in messages)
            continue
        rows.append(
            {
                "row": raw.number,
                "full_name": full_name.strip(),
                "email": email,
                "roles": roles,
                "access_expires_at": access_expires_at.isoformat() if access_expires_at else None,
            }
        )
    if not rows and not problems:
        problems.append({"row": None, "message": "The file has no one to invite."})
    return rows, problems


@transaction.atomic
def user_import_receive(*, actor: User, file_name: str, content: bytes) -> UserImport:
    """Keep a spreadsheet of people to invite and queue its check on the worker (sent when
    this transaction commits). Only its size is checked here; nothing is read or written but
    the import itself."""
    require_administer_users(actor)
    check_upload_size(content, limits=LIMITS)
    user_import = UserImport.objects.create(
        created_by=actor,
        file_name=(file_name or "upload")[:255],
        content=content,
        status=UserImportStatus.CHECKING,
    )
    from ..tasks import user_import_check_task

    # Through the outbox: a broker that is down now delays the check, it does not lose it.
    jobs.queue(CHECK, user_import_check_task, user_import.pk)
    return user_import


# The check as a `core.jobs` kind: it waits for a worker as "checking" with no `started_at`;
# it writes only the import's own results, so a check left by a dead worker runs again.
CHECK = jobs.JobKind(
    model=UserImport,
    waiting=Q(status=UserImportStatus.CHECKING, started_at__isnull=True),
    start={"started_at": Now(), "phase": "Reading the file"},
    running=Q(status=UserImportStatus.CHECKING, started_at__isnull=False),
)


def user_import_check(user_import: UserImport) -> UserImport:
    """The worker's step: read and check the kept file and record the preview (every problem
    with its row), letting the file go. Safe to run twice: a checked import is left alone."""
    if user_import.status != UserImportStatus.CHECKING:
        return user_import
    rows, problems = check_rows(
        actor=user_import.created_by,
        content=bytes(user_import.content),
        file_name=user_import.file_name,
    )
    user_import.rows = rows
    user_import.problems = problems[:MAX_PROBLEMS]
    user_import.status = UserImportStatus.PREVIEWED
    user_import.content = b""
    user_import.phase = ""
    user_import.save(update_fields=["rows", "problems", "status", "content", "phase"])
    return user_import


def user_import_fail(user_import: UserImport, message: str) -> None:
    """Stop a check that broke on the worker, so that nobody waits for it."""
    user_import.status = UserImportStatus.FAILED
    user_import.message = message
    user_import.content = b""
    user_import.phase = ""
    user_import.save(update_fields=["status", "message", "content", "phase"])


def _stored_rows(user_import: UserImport) -> list[dict]:
    return [
        {
            **row,
            "access_expires_at": datetime.fromisoformat(row["access_expires_at"])
            if row["access_expires_at"]
            else None,
        }
        for row in user_import.rows
    ]


@transaction.atomic
def user_import_commit(*, actor: User, user_import: UserImport, base_url: str) -> UserImport:
    """Invite everyone of a checked spreadsheet, or no one. Every row is checked again first:
    a problem found now (someone invited meanwhile, a role the administrator no longer holds)
    refuses the whole import, listing the rows."""
    require_administer_users(actor)
    user_import = UserImport.objects.select_for_update().get(pk=user_import.pk)
    if user_import.status == UserImportStatus.COMMITTED:
        raise Conflict("This spreadsheet was already imported.", code="already_imported")
    if user_import.status == UserImportStatus.CHECKING:
        raise Conflict(
            "This spreadsheet is still being checked; import it once its preview is shown.",
            code="not_checked",
        )
    if not user_import.can_commit:
        raise DomainError(
            "This spreadsheet has problems; correct them and upload it again.",
            extra={"problems": user_import.problems},
        )
    rows = _stored_rows(user_import)
    problems = [
        {"row": row["row"], "message": message}
        for row in rows
        for field in check_new_user(
            actor=actor,
            email=row["email"],
            full_name=row["full_name"],
            roles=row["roles"],
            access_expires_at=row["access_expires_at"],
        ).values()
        for message in field
    ]
    if problems:
        raise DomainError(
            "Nobody was invited: some rows are no longer right. Correct them and upload the "
            "file again.",
            extra={"problems": problems},
        )
    for row in rows:
        user = user_create(
            email=row["email"],
            full_name=row["full_name"],
            roles=row["roles"],
            access_expires_at=row["access_expires_at"],
        )
        user_audit_record(
            actor=actor,
            action=UserAuditAction.INVITED,
            user=user,
            new={
                "email": user.email,
                "full_name": user.full_name,
                "roles": user.roles,
                "access_expires_at": row["access_expires_at"].isoformat()
                if row["access_expires_at"]
                else None,
                "import": user_import.pk,
                "row": row["row"],
            },
        )
        queue_invitation_email(user=user, base_url=base_url)
    user_import.status = UserImportStatus.COMMITTED
    user_import.committed_at = timezone.now()
    user_import.save(update_fields=["status", "committed_at"])
    return user_import
