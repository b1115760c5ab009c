"""Thin Celery wrappers over reporting services (pack generation and schedules are added by
the distribution work; nothing is queued by the definitions themselves)."""
