"""Reads of the performance core, for pages, the REST API, reports and reminders."""
