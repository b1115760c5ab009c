from django import template

from goldenthread.platform.core.words import joined

from ..models import Role
from ..permissions import can_administer_users

register = template.Library()


@register.filter
def administers_users(user) -> bool:
    """`{% if user|administers_users %}`: whether to offer the Users link."""
    return can_administer_users(user)


@register.filter
def role_names(roles) -> str:
    """["org_admin", "performance_officer"] -> "Organisation administrator and …" (labels)."""
    labels = dict(Role.choices)
    return joined([labels.get(role, role) for role in roles or []], empty="—")
