"""The organisation's session setting: how long a signed-in page may sit idle.

Lives in each organisation's schema (and, unused, in the public one), like the planning and
performance settings: one row, written when an administrator first changes it (reading never
writes: until then the defaults apply).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DEFAULT_IDLE_TIMEOUT_MINUTES = 30


class SessionSettings(models.Model):
    SINGLETON_ID = 1

    # A session with no request for this long is ended (`pages.middleware`).
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_IDLE_TIMEOUT_MINUTES,
        validators=[MinValueValidator(10), MaxValueValidator(12 * 60)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "session settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="session_settings_singleton")
        ]

    def __str__(self) -> str:
        return "Session settings"

    @classmethod
    def load(cls) -> SessionSettings:
        return cls.objects.filter(id=cls.SINGLETON_ID).first() or cls(id=cls.SINGLETON_ID)
