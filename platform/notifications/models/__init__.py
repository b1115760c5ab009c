from .notifications import DigestEmail, Notification, NotificationPreference

__all__ = ["DigestEmail", "Notification", "NotificationPreference"]
