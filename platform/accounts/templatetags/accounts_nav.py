from django import template

from ..permissions import can_administer_users

register = template.Library()


@register.filter
def administers_users(user) -> bool:
    """`{% if user|administers_users %}`: whether to offer the Users link."""
    return can_administer_users(user)
