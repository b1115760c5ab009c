"""Writes to the golden thread. Every function is keyword-only and atomic, checks the actor's
permission (`planning.permissions`), runs `full_clean()` before saving, and refuses with a
`DomainError` whose message can be shown as it is. Pages, the REST API and tasks call these;
none of them writes to the models directly."""
