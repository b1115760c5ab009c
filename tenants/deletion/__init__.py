"""Deleting an organisation: request, grace period (suspended), purge, record.

See docs/architecture.md, "Deleting an organisation".
"""
