"""Writes to the performance core. Every function is keyword-only and atomic, checks the
actor's permission, refuses with a `DomainError` whose message can be shown to a user as it
is, and records an audit entry for every change. Pages and the REST API call these and never
write to the models directly. The importer's commit (`importing/commit.py`) is the one bulk
writer: for speed it writes rows with `bulk_create`/`bulk_update`, after validating every row
with the same domain rules, and writes the audit entries in the same transaction."""
