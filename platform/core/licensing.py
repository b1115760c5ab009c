"""Licensed modules: what an organisation bought decides what it sees, on every interface.

Security- and contract-relevant (see docs/architecture.md, "Licensed modules, usage and the
helpdesk API"). An organisation's `licensed_modules` lists `tenants.models.Module` values.
Each interface declares the module a thing needs in ONE place, and fails closed when the
declaration is missing:

- pages and REST: `licensed(module, include(...))` (or one view) where the URLconf mounts
  them; every callback gets `licensed_module`, and a test walks the tenant URLconf and fails
  for a route without it. Without the module: the 404 page, or 404 in the API error body.
- GraphQL: each area's `FIELD_MODULES` for its root fields; `ModuleMiddleware` refuses an
  undeclared root field as well as an unlicensed one.
- scheduled tasks: `@app.task(licensed_module=...)`; the fan-out queues a task only for the
  organisations holding its module, and refuses a task that declares none.
- navigation: asks the route's own declaration (`module_of_url_name`), nothing to declare.

404 rather than 403: for an organisation that did not buy planning, planning is not there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .responses import error_body

# The declaration of a route every organisation has (accounts, users, the catalogue, ...).
ALWAYS = "always"
NOT_LICENSED_REASON = "module_not_licensed"
NOT_LICENSED_MESSAGE = "Your organisation does not have the {module} module."


def _label(module: str) -> str:
    from goldenthread.tenants.models import Module

    try:
        return Module(module).label
    except ValueError:
        return module


def has_module(organisation: Any, module: str) -> bool:
    """Whether `organisation` holds `module`. Every organisation holds `ALWAYS`; no
    organisation (the public host) holds no real module."""
    if module == ALWAYS:
        return True
    if organisation is None:
        return False
    return module in (organisation.licensed_modules or [])


def _check_known(module: str) -> str:
    from goldenthread.tenants.models import Module

    module = str(module)
    if module != ALWAYS and module not in Module.values:
        raise ImproperlyConfigured(f"'{module}' is not a module (nor licensing.ALWAYS).")
    return module


def _guard(module: str, callback: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    if hasattr(callback, "licensed_module"):
        raise ImproperlyConfigured(
            f"{callback.__qualname__} already declares the module "
            f"'{callback.licensed_module}': declare each route's module once."
        )
    is_api = hasattr(callback, "cls")  # a DRF view: answer in the API error body

    @wraps(callback)
    def licensed_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = getattr(request, "organisation", None)
        # The public host (no organisation) is the door's to refuse, as it always was.
        if organisation is not None and not has_module(organisation, module):
            message = NOT_LICENSED_MESSAGE.format(module=_label(module).lower())
            if is_api:
                body = error_body(message, code="not_found", extra={"reason": NOT_LICENSED_REASON})
                return JsonResponse(body, status=404)
            raise Http404(message)
        return callback(request, *args, **kwargs)

    licensed_view.licensed_module = module
    return licensed_view


def _declare(patterns, module: str) -> list:
    declared = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            declared.append(
                URLResolver(
                    pattern.pattern,
                    _declare(pattern.url_patterns, module),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
            )
        else:
            declared.append(
                URLPattern(
                    pattern.pattern,
                    _guard(module, pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
            )
    return declared


def licensed(module: str, mounted: Any) -> Any:
    """Declare the module every route of `mounted` needs: an `include(...)` tuple (pages and
    DRF views alike) or one view callback. Use `ALWAYS` for what every organisation has."""
    module = _check_known(module)
    if isinstance(mounted, tuple):
        urlconf, app_name, namespace = mounted
        patterns = getattr(urlconf, "urlpatterns", urlconf)
        return (_declare(patterns, module), app_name, namespace)
    return _guard(module, mounted)


# --- navigation ---------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _module_of_path(urlconf: str | None, path: str) -> str | None:
    match = get_resolver(urlconf).resolve(path)
    return getattr(match.func, "licensed_module", None)


def module_of_url_name(url_name: str, urlconf: str | None = None) -> str | None:
    """The module the route named `url_name` declares (None for an undeclared route, which
    the navigation then treats as not licensed: fail closed)."""
    return _module_of_path(urlconf, reverse(url_name, urlconf=urlconf))


def request_may_see_url_name(request: HttpRequest, url_name: str) -> bool:
    organisation = getattr(request, "organisation", None)
    if organisation is None:  # the platform host: the navigation's host rules decide
        return True
    module = module_of_url_name(url_name, getattr(request, "urlconf", None))
    return module is not None and has_module(organisation, module)


# --- tasks --------------------------------------------------------------------------------


def module_of_task(task: Any) -> str:
    """A scheduled task's declared module (`@app.task(licensed_module=...)`); a task without
    one is refused rather than run for every organisation."""
    module = getattr(task, "licensed_module", None)
    if module is None:
        raise ImproperlyConfigured(
            f"{task.name} declares no licensed_module: say which module it serves "
            "(`@app.task(licensed_module=Module.X)`, or licensing.ALWAYS)."
        )
    return _check_known(module)


def organisation_has_module_here(module: str) -> bool:
    """In a task running in an organisation's schema: whether that organisation holds
    `module` (one query on the public organisations table)."""
    from django.db import connection

    from goldenthread.tenants.models import Organisation

    if module == ALWAYS:
        return True
    organisation = Organisation.objects.filter(schema_name=connection.schema_name).first()
    return has_module(organisation, module)


# --- GraphQL ------------------------------------------------------------------------------


def graphql_fields(object_type: Any, module: str) -> dict[str, str]:
    """`{root field name as the schema spells it: module}` for every field of one area's
    Query or Mutation class: what each area's `FIELD_MODULES` is made of."""
    from graphene.utils.str_converters import to_camel_case

    module = _check_known(module)
    return {to_camel_case(name): module for name in object_type._meta.fields}


_ROOT_TYPES = ("Query", "Mutation")


class ModuleMiddleware:
    """Graphene middleware: a root field answers only if the host's organisation holds the
    module its area declared in `FIELD_MODULES`; an undeclared root field never answers.
    On the public host the resolvers' own `require_organisation` refuses as before."""

    # It looks at root fields only, so the executor need not wrap it around the others
    # (`graphql.core.execution`).
    root_fields_only = True

    def __init__(self, field_modules: dict[str, str] | None = None):
        self._field_modules = field_modules

    @property
    def field_modules(self) -> dict[str, str]:
        if self._field_modules is None:  # read late: the schema imports this module's users
            from goldenthread.graphql.api import FIELD_MODULES

            self._field_modules = FIELD_MODULES
        return self._field_modules

    def resolve(self, next_, root, info, **kwargs):
        if info.parent_type.name in _ROOT_TYPES and not info.field_name.startswith("__"):
            from graphql import GraphQLError

            module = self.field_modules.get(info.field_name)
            if module is None:
                raise GraphQLError(
                    f"The field '{info.field_name}' declares no module.",
                    extensions={"code": "NOT_FOUND", "reason": "undeclared_module"},
                )
            organisation = getattr(info.context, "organisation", None)
            if organisation is not None and not has_module(organisation, module):
                raise GraphQLError(
                    NOT_LICENSED_MESSAGE.format(module=_label(module).lower()),
                    extensions={"code": "NOT_FOUND", "reason": NOT_LICENSED_REASON},
                )
        return next_(root, info, **kwargs)
