"""Reads of notifications, scoped to the person reading."""
