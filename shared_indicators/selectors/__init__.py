"""Reads of the national indicator catalogue, shared by the pages, REST and GraphQL."""

from __future__ import annotations

from django.db.models import Case, DecimalField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from goldenthread.platform.core.errors import NotFound

from ..models import CatalogueIndicator, CatalogueIndicatorVersion

MAX_SEARCH_WORDS = 10


def _natural_code_order(qs: QuerySet, *first: str) -> QuerySet:
    """Order codes as people read them: NI 2 before NI 14 before NI 100 (by the text before
    the last number, then that number, then the whole code for suffixes like 'NI 196a')."""
    return qs.annotate(
        code_prefix=Func(F("code"), Value("[0-9]+[^0-9]*$"), Value(""), function="regexp_replace"),
        code_number=Cast(
            Func(F("code"), Value("([0-9]+)[^0-9]*$"), function="substring"),
            DecimalField(max_digits=40, decimal_places=0),
        ),
    ).order_by(*first, "code_prefix", F("code_number").asc(nulls_first=True), "code")


def catalogue_indicator_list(
    *,
    search: str = "",
    theme: str = "",
    frequency: str = "",
    polarity: str = "",
    include_retired: bool = False,
) -> QuerySet[CatalogueIndicator]:
    """Catalogue indicators matching every word of `search` (in the code, title, definition
    or theme; an exact code comes first) and the given filters, in natural code order.
    Retired indicators are left out unless `include_retired`."""
    qs = CatalogueIndicator.objects.all()
    if not include_retired:
        qs = qs.filter(retired=False)
    if theme:
        qs = qs.filter(theme__iexact=theme)
    if frequency:
        qs = qs.filter(frequency=frequency)
    if polarity:
        qs = qs.filter(polarity=polarity)
    search = " ".join(search.split())
    if search:
        matches_words = Q()
        for word in search.split(" ")[:MAX_SEARCH_WORDS]:
            matches_words &= (
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(definition__icontains=word)
                | Q(theme__icontains=word)
            )
        qs = qs.filter(Q(code__iexact=search) | matches_words)
        qs = qs.annotate(
            exact_code=Case(
                When(code__iexact=search, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        return _natural_code_order(qs, "exact_code")
    return _natural_code_order(qs)


def catalogue_indicator_get(*, code: str) -> CatalogueIndicator:
    """One indicator by its code (exact, then case-insensitive), with its version history
    loaded. Retired indicators are found too. Raises NotFound."""
    qs = CatalogueIndicator.objects.prefetch_related("versions")
    indicator = qs.filter(code=code).first() or qs.filter(code__iexact=code).first()
    if indicator is None:
        raise NotFound(f"There is no catalogue indicator with the code '{code}'.")
    return indicator


def catalogue_version_list(*, indicator: CatalogueIndicator) -> list[CatalogueIndicatorVersion]:
    """The indicator's recorded versions, newest first."""
    return list(indicator.versions.all())


def catalogue_theme_list() -> list[str]:
    """Every theme in use, for filter choices."""
    return list(
        CatalogueIndicator.objects.exclude(theme="")
        .order_by("theme")
        .values_list("theme", flat=True)
        .distinct()
    )
