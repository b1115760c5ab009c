"""Writes of notifications: recording events for people, reading them, choosing deliveries,
and sending the e-mails (straight away, or gathered in a daily digest)."""
