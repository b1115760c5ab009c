"""GraphQL enums for the vocabularies in `platform/core/choices.py`, shared by every domain."""

from __future__ import annotations

import graphene
from django.db import models

from goldenthread.platform.core.choices import Frequency as FrequencyChoices
from goldenthread.platform.core.choices import Polarity as PolarityChoices


def enum_from_choices(name: str, choices: type[models.TextChoices], description: str):
    labels = {member.value: member.label for member in choices}
    attributes = {member.name: member.value for member in choices}

    def value_description(self) -> str:
        return labels.get(self.value, "")

    attributes["Meta"] = type("Meta", (), {"name": name, "description": description})
    attributes["description"] = property(value_description)
    return type(name, (graphene.Enum,), attributes)


Polarity = enum_from_choices(
    "Polarity", PolarityChoices, "Which direction of change in an indicator's value is better."
)
Frequency = enum_from_choices(
    "Frequency", FrequencyChoices, "How often an indicator's values are collected."
)


def enum_value(value) -> str:
    """The stored string for an enum argument (graphene passes members, not values)."""
    return getattr(value, "value", value) or ""
