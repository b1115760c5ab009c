from .access import SupportAccess, SupportAccessLogEntry, SupportHandoff
from .announcements import Announcement, AnnouncementDismissal
from .requests import SuggestionVote, SupportReply, SupportRequest

__all__ = [
    "Announcement",
    "AnnouncementDismissal",
    "SuggestionVote",
    "SupportAccess",
    "SupportAccessLogEntry",
    "SupportHandoff",
    "SupportReply",
    "SupportRequest",
]
