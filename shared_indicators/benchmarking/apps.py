from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "goldenthread.shared_indicators.benchmarking"
    label = "benchmarking"
    verbose_name = "Benchmarking clubs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A member's consents are a basis on which the publication pipeline may publish its
        # values; without this registration nothing would ever reach a club.
        from goldenthread.shared_indicators.publication.domain.bases import (
            register_basis_provider,
            register_reader_disclosure,
        )
        from goldenthread.shared_indicators.publication.domain.listeners import (
            register_store_listener,
            register_store_lock_taker,
        )

        from .selectors.bases import BASIS_TYPE, club_consent_bases, club_reader_disclosure
        from .services.rankings.refresh import lock_for_store_change, store_changed

        register_basis_provider(club_consent_bases)
        # The ranking table is derived from the store: it changes with it, in its transaction.
        register_store_listener(store_changed)
        # ...and a publication takes the ranking locks before the store's (the lock order).
        register_store_lock_taker(lock_for_store_change)
        # Owners see reads of their values, but not who the members of an anonymised club are.
        register_reader_disclosure(BASIS_TYPE, club_reader_disclosure)
