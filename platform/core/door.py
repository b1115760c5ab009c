"""The organisation door: every interface that reads or changes an organisation's data goes
through it, and it refuses the public host (fails closed).

Security-relevant. The host selects the organisation once per request
(`tenants.middleware.OrganisationMiddleware` sets `request.organisation`, `None` on the bare
platform host, whose schema holds no organisation's data). Each interface then has one way in:

- REST: `OrganisationApi`, the base of every tenant REST view (authentication, the one error
  body, pagination, the API budgets). On the public host it answers 404 in the API error
  body before authenticating or touching a table.
- pages: `organisation_page` (one view) and `organisation_pages(include(...))` (every view of
  an app, as the tenant URLconf mounts them). On the public host: the 404 page.
- GraphQL: `require_organisation(info)` in every resolver that reads organisation data; on the
  public host a GraphQL error with the code NOT_FOUND.

Endpoints that legitimately serve the public host say so loudly: `PlatformApi`,
`platform_page`, `platform_pages`. Tests walk both URLconfs and fail when a view is neither
(`tests/platform/core/test_door.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django_tenants.utils import get_public_schema_name
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from goldenthread.platform.accounts.rest.authentication import ApiCredentialAuthentication

from .api_errors import exception_handler
from .errors import NotFound, PermissionDenied
from .pagination import DEFAULT_MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, Pagination, RowsWithTotal
from .throttling import ApiBudgetThrottle

if TYPE_CHECKING:
    from goldenthread.tenants.models import Organisation

NO_ORGANISATION_HERE = (
    "This is the platform's own address: organisation data are served on your "
    "organisation's host (<organisation>.<platform domain>)."
)
# What a view's `organisation_door` attribute says about it (read by the URLconf tests).
ORGANISATION = "organisation"
PLATFORM = "platform"


def organisation_on_host(tenant: Any) -> Organisation | None:
    """The organisation a host selected: its tenant, or None for the public schema's tenant
    (and for no tenant at all)."""
    if tenant is None or getattr(tenant, "schema_name", None) in (None, get_public_schema_name()):
        return None
    return tenant


def organisation_of(request: HttpRequest | Request) -> Organisation | None:
    """`request.organisation`, failing closed for a request the middleware never saw."""
    return getattr(request, "organisation", None)


# --- REST ---------------------------------------------------------------------------------


class _Api(APIView):
    """What both REST bases share. Not a base for views: subclass one of the two below."""

    authentication_classes = [ApiCredentialAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    # Lists page through `paginate()` below, which says so in the schema itself; a generic
    # list view that pages names `pagination_class = Pagination` (sizes are the view's, see
    # `core.pagination`). No default here: drf-spectacular documents every list answer of a
    # view with a pagination class as a page, and most lists are answered whole.
    pagination_class = None
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = DEFAULT_MAX_PAGE_SIZE
    # The throttle hook: every view spends the caller's API budgets (per credential and per
    # user, per organisation; `core.throttling`, `settings.API_RATES`). Over budget: 429 with
    # Retry-After in the one error body. The GraphQL endpoint spends the same budgets.
    throttle_classes: list = [ApiBudgetThrottle]

    def get_exception_handler(self):
        return exception_handler  # the one `{"message", "code", "extra"}` body

    def paginate(
        self,
        request: Request,
        items: Iterable[Any],
        serialize: Callable[[Any], Any] | type[BaseSerializer],
    ) -> Response:
        """One page of `items` (`?page=`, `?page_size=` up to the view's `max_page_size`).
        `serialize` is an output serializer class, or a function turning one item into data."""
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        if isinstance(serialize, type) and issubclass(serialize, BaseSerializer):
            data = serialize(page, many=True).data
        else:
            data = [serialize(item) for item in page]
        return paginator.get_paginated_response(data)

    def paginate_rows(
        self,
        request: Request,
        fetch: RowsWithTotal,
        items: Callable[[], Iterable[Any]],
        serialize: Callable[[Any], Any],
    ) -> Response:
        """`paginate`, with the page and the count read in one query: `fetch(offset, limit)`
        gives the slice's rows and the total beside them. `items()` (the same list, built only
        when needed) and `paginate` answer what that cannot: `?page=last`, a page past the
        end."""
        paginator = Pagination()
        found = paginator.page_with_total(fetch, request, view=self)
        if found is None:
            return self.paginate(request, items(), serialize)
        rows, respond = found
        return respond([serialize(row) for row in rows])


class OrganisationApi(_Api):
    """The base of every tenant REST view: the host's organisation is the principal.

    Security: on the public host (no organisation) every method answers 404 in the API error
    body before authentication runs, so nothing reaches the public schema's tables by way of
    a tenant view, whatever URLconf mounts it. Subclasses may add permissions (keep
    IsAuthenticated or a permission that implies it) and read `self.organisation`.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if organisation_of(request) is None:
            raise NotFound(NO_ORGANISATION_HERE)
        super().initial(request, *args, **kwargs)

    @property
    def organisation(self) -> Organisation:
        return self.request.organisation


class PlatformApi(_Api):
    """OPT-OUT OF THE ORGANISATION DOOR: a REST view that also serves the public host.

    Only for data that belong to the platform rather than to an organisation — public-schema
    reference data every organisation reads alike, such as the national indicator catalogue —
    and for the platform's own tools. Such a view must not read `request.organisation` as if
    it were set, and must name who may use it: every subclass declares its own
    `permission_classes` (there is no default to forget). Each subclass says in its docstring
    why it is a platform endpoint.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = any(
            "permission_classes" in vars(klass)
            for klass in cls.__mro__
            if klass not in (PlatformApi, _Api) and issubclass(klass, PlatformApi)
        )
        if not declared:
            raise TypeError(f"{cls.__name__} is a PlatformApi: declare its permission_classes.")


# --- pages --------------------------------------------------------------------------------


def organisation_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A server-rendered page of the host's organisation: the public host gets the 404 page.

    A fetcher's or service's refusal that escapes the view is an answer about the request:
    `NotFound` becomes the 404 page, `PermissionDenied` the 403 page (see `core.pages`)."""

    @wraps(view)
    def through_the_door(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if organisation_of(request) is None:
            raise Http404(NO_ORGANISATION_HERE)
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from None

    through_the_door.organisation_door = ORGANISATION
    return through_the_door


def platform_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """OPT-OUT OF THE ORGANISATION DOOR: a page (or endpoint) that also serves the public host
    — sign-in, the helpdesk, the catalogue, the health check, the GraphQL endpoint (whose
    resolvers call `require_organisation` themselves). It changes nothing but the label the
    URLconf tests read; the view does its own checks."""
    view.organisation_door = PLATFORM
    return view


def _through(patterns: Sequence, decorate: Callable) -> list:
    doored = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            doored.append(
                URLResolver(
                    pattern.pattern,
                    _through(pattern.url_patterns, decorate),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
            )
        else:
            doored.append(
                URLPattern(
                    pattern.pattern,
                    decorate(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
            )
    return doored


def _mounted(included: tuple, decorate: Callable) -> tuple:
    urlconf, app_name, namespace = included
    patterns = getattr(urlconf, "urlpatterns", urlconf)
    return (_through(patterns, decorate), app_name, namespace)


def organisation_pages(included: tuple) -> tuple:
    """`path("indicators/", organisation_pages(include("…urls")))`: every page of the included
    URLconf goes through `organisation_page`, so a new page cannot be mounted without the door.
    REST views are left alone (they are guarded by `OrganisationApi`)."""

    def decorate(callback):
        if hasattr(callback, "cls"):  # a DRF view
            return callback
        return organisation_page(callback)

    return _mounted(included, decorate)


def platform_pages(included: tuple) -> tuple:
    """`platform_page` for every page of an included URLconf (the helpdesk, sign-in, …)."""

    return _mounted(
        included, lambda callback: callback if hasattr(callback, "cls") else platform_page(callback)
    )


# --- GraphQL ------------------------------------------------------------------------------


def require_organisation(info: Any) -> Organisation:
    """The organisation asking a GraphQL resolver: the host's. Every resolver that reads
    organisation data starts here; on the public host it refuses with NOT_FOUND (and the
    reason `public_host`) before any selector runs."""
    from graphql import GraphQLError

    organisation = organisation_of(info.context)
    if organisation is None:
        raise GraphQLError(
            NO_ORGANISATION_HERE, extensions={"code": "NOT_FOUND", "reason": "public_host"}
        )
    return organisation
