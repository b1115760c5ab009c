"""Who may do what in the golden thread. Every interface (pages, REST, tasks) asks these
functions and the services enforce them, so the rules live here once.

Roles (`accounts.Role`):

* organisation administrator, performance officer: configure the organisation (strategy
  levels, risk matrix, digest) and create or change any node, plan, action or risk;
* manager: may also create plans, actions, risks and registers, and change the actions they
  manage;
* data provider, verifier, partner liaison, and users with no role yet: read, and change only
  items they own or are assigned;
* councillor: read-only, and only the home page and the reports (strategy tree, plan and
  register summaries, heat map, exception views) — not evidence files or search;
* auditor: read-only everywhere, while their access lasts; every page they open is logged
  (see `middleware.AuditorAccessMiddleware`).

Owning an item (its owner, the action's assignee or manager) lets a user change it, unless
their role is read-only: a councillor named as an action's lead councillor still cannot edit
it. Reads are organisation-wide; isolation between organisations is the schema's.
"""

from __future__ import annotations

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.accounts.permissions import is_active_member
from goldenthread.platform.core.errors import PermissionDenied

CONFIGURE_ROLES = (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER)
CREATE_ROLES = (*CONFIGURE_ROLES, Role.MANAGER)
READ_ONLY_ROLES = (Role.COUNCILLOR, Role.AUDITOR)
EDIT_ROLES = tuple(role for role in Role.values if role not in READ_ONLY_ROLES)


def is_read_only(user: User) -> bool:
    """Councillors and auditors never write, whatever else they hold, unless they also hold
    a role that may edit (a councillor who is also a manager edits as a manager)."""
    return user.has_role(*READ_ONLY_ROLES) and not user.has_role(*EDIT_ROLES)


def can_view_reports(user: User) -> bool:
    """Home page, strategy tree, plans, actions, registers, heat map, exception views."""
    return is_active_member(user)


def can_view_records(user: User) -> bool:
    """Evidence files, search and the audit-style detail councillors are not shown."""
    return is_active_member(user) and not (
        user.has_role(Role.COUNCILLOR) and not user.has_role(*EDIT_ROLES, Role.AUDITOR)
    )


def home_is_scorecard(user: User) -> bool:
    """Councillors (who hold no role that edits) open on the scorecard rather than "my
    items": they own nothing to update, and scrutinise how the priorities stand."""
    return is_active_member(user) and is_read_only(user) and user.has_role(Role.COUNCILLOR)


def can_configure(user: User) -> bool:
    return is_active_member(user) and user.has_role(*CONFIGURE_ROLES)


def can_create(user: User) -> bool:
    return is_active_member(user) and user.has_role(*CREATE_ROLES)


def can_view_auditor_log(user: User) -> bool:
    return is_active_member(user) and user.has_role(Role.ORGANISATION_ADMIN)


def _owns(user: User, *user_ids: int | None) -> bool:
    return any(uid is not None and uid == user.pk for uid in user_ids)


def can_edit_node(user: User, node) -> bool:
    if not is_active_member(user) or is_read_only(user):
        return False
    return can_configure(user) or _owns(user, node.owner_id)


def can_edit_plan(user: User, plan) -> bool:
    if not is_active_member(user) or is_read_only(user):
        return False
    return can_configure(user) or _owns(user, plan.owner_id)


def can_edit_action(user: User, action) -> bool:
    """Assignee and manager update progress and status; plan owners and configurers too."""
    if not is_active_member(user) or is_read_only(user):
        return False
    return can_configure(user) or _owns(
        user, action.assigned_to_id, action.managed_by_id, action.plan.owner_id
    )


def can_edit_risk(user: User, risk) -> bool:
    if not is_active_member(user) or is_read_only(user):
        return False
    return can_configure(user) or _owns(user, risk.owner_id, risk.register.owner_id)


def can_edit_register(user: User, register) -> bool:
    if not is_active_member(user) or is_read_only(user):
        return False
    return can_configure(user) or _owns(user, register.owner_id)


def can_attach_evidence(user: User, *, indicator=None, action=None, risk=None) -> bool:
    if not is_active_member(user) or is_read_only(user):
        return False
    if action is not None:
        return can_edit_action(user, action)
    if risk is not None:
        return can_edit_risk(user, risk)
    if indicator is not None:
        return can_configure(user) or _owns(user, indicator.owner_id)
    return False


# --- require_*: raise PermissionDenied with a message the user can act on ---------------------


def _deny(message: str) -> None:
    raise PermissionDenied(message)


def require_reports(user: User) -> None:
    if not can_view_reports(user):
        _deny("You need to be signed in to this organisation to see this.")


def require_records(user: User) -> None:
    if not can_view_records(user):
        _deny("Councillors can see the home page and reports, but not this page.")


def require_configure(user: User) -> None:
    if not can_configure(user):
        _deny("Only organisation administrators and performance officers may change this.")


def require_create(user: User) -> None:
    if not can_create(user) or is_read_only(user):
        _deny(
            "Only organisation administrators, performance officers and managers may create "
            "plans, actions, registers and risks."
        )


def require_edit_node(user: User, node) -> None:
    if not can_edit_node(user, node):
        _deny(f"You may not change {node.code}: only its owner or a performance officer may.")


def require_edit_plan(user: User, plan) -> None:
    if not can_edit_plan(user, plan):
        _deny(f"You may not change {plan.code}: only its owner or a performance officer may.")


def require_edit_action(user: User, action) -> None:
    if not can_edit_action(user, action):
        _deny(
            f"You may not change {action.code}: only the person it is assigned to, its manager, "
            "the plan's owner or a performance officer may."
        )


def require_edit_risk(user: User, risk) -> None:
    if not can_edit_risk(user, risk):
        _deny(
            f"You may not change {risk.code}: only its owner, the register's owner or a "
            "performance officer may."
        )


def require_edit_register(user: User, register) -> None:
    if not can_edit_register(user, register):
        _deny(
            f"You may not change the register {register.name}: only its owner or a "
            "performance officer may."
        )


def require_auditor_log(user: User) -> None:
    if not can_view_auditor_log(user):
        _deny("Only organisation administrators may read the auditor access log.")


# --- public performance pages (`services.public`) -----------------------------------------
# Proposing and approving what is published, and setting pre-election periods, are the
# performance team's (administrators and performance officers); the approver must be someone
# other than the proposer (four eyes, enforced by the service). Pre-election periods are the
# administrator's alone.


def can_manage_publication(user: User) -> bool:
    return can_configure(user)


def require_manage_publication(user: User) -> None:
    if not can_manage_publication(user):
        _deny("Only administrators and performance officers decide what is published.")


def require_pre_election(user: User) -> None:
    if not (is_active_member(user) and user.has_role(Role.ORGANISATION_ADMIN)):
        _deny("Only the organisation's administrator sets pre-election periods.")
