"""Every page an auditor opens, for the organisation's own records."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditorAccessLog(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the log still names the auditor after the account is removed.
    user_email = models.CharField(max_length=254)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    query_string = models.CharField(max_length=2000, blank=True)
    status_code = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.method} {self.path}"
