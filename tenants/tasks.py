"""Estate-wide upkeep run by beat in the public schema."""

from __future__ import annotations

from goldenthread.platform.celery_app import app


@app.task(name="goldenthread.tenants.tasks.vacuum_catalogue")
def vacuum_catalogue() -> list[str]:
    """Vacuum the catalogue tables provisioning and migrations churned past the bound
    (`tenants.catalogue_upkeep`); returns the tables vacuumed."""
    from .catalogue_upkeep import vacuum_churned_catalogue

    return vacuum_churned_catalogue().vacuumed
