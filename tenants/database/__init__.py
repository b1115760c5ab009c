"""The database backend (settings ENGINE): django-tenants' schema switching, plus a count of
the organisation schemas each connection has served (tenants/connection_lifetime.py)."""
