"""Writes to the performance core. Every function is keyword-only and atomic, checks the
actor's permission, refuses with a `DomainError` whose message can be shown to a user as it
is, and records an audit entry for every change. Pages, the REST API and importers all call
these; none of them writes to the models directly."""
