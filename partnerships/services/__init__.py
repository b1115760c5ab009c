"""Writes to partnerships: keyword-only, atomic, permission-checked, `full_clean()` before save.

Every interface (pages, REST, GraphQL, tasks) calls these; none writes to the models directly.
"""

from .agreements import (
    agreement_accept,
    agreement_amend,
    agreement_create,
    agreement_expire_due,
    agreement_resume,
    agreement_revoke,
    agreement_send_for_acceptance,
    agreement_suspend,
    agreement_version_update,
)
from .invitations import (
    invitation_accept,
    invitation_decline,
    invitation_withdraw,
    partnership_invite,
)
from .partnerships import (
    partnership_create,
    partnership_member_add,
    partnership_member_remove,
    partnership_member_update,
)
from .reminders import reminder_mark_sent, reminder_send, reminders_request
from .targets import (
    cascaded_target_set,
    partnership_indicator_create,
    partnership_target_set,
)

__all__ = [
    "agreement_accept",
    "agreement_amend",
    "agreement_create",
    "agreement_expire_due",
    "agreement_resume",
    "agreement_revoke",
    "agreement_send_for_acceptance",
    "agreement_suspend",
    "agreement_version_update",
    "cascaded_target_set",
    "invitation_accept",
    "invitation_decline",
    "invitation_withdraw",
    "partnership_create",
    "partnership_indicator_create",
    "partnership_invite",
    "partnership_member_add",
    "partnership_member_remove",
    "partnership_member_update",
    "partnership_target_set",
    "reminder_mark_sent",
    "reminder_send",
    "reminders_request",
]
