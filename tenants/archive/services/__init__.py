"""Writes of the archive app: exports, imports, backups and restores (see each module)."""
