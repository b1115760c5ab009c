"""The GraphQL endpoint: authenticated like the REST API, with every operation measured
against the limits in `limits` (depth, fields, aliases, period selections, cost; introspection
included, and off unless GRAPHQL_INTROSPECTION) before anything executes.

Authentication (security-relevant):
- `Authorization: Bearer gt_…` is checked by the REST API's own ApiCredentialAuthentication,
  so a key only works on its own organisation's host. Bearer requests need no CSRF token.
- Otherwise the browser session is used, and then a POST must carry the CSRF token (the
  endpoint is CSRF-exempt for API clients only, not for cookie-authenticated browsers).
- An unauthenticated operation is answered with HTTP 401, `WWW-Authenticate: Bearer`, and a
  standard GraphQL error body: `{"errors": [{"message": …, "extensions": {"code":
  "UNAUTHENTICATED"}}]}`. A browser asking for GraphiQL without a session is sent to sign in.
  We answer 401 rather than 200 so that HTTP clients, proxies and monitoring see the refusal
  without parsing the body, as they do for REST.
- Every authenticated operation spends the caller's API budgets, as REST does
  (`core.throttling`): over budget, HTTP 429 with `Retry-After` and one error with the code
  `THROTTLED` and `retryAfter` (seconds) in its extensions, before anything is parsed.
"""

from __future__ import annotations

import json

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView
from rest_framework import exceptions

from goldenthread.platform.accounts.rest.authentication import ApiCredentialAuthentication
from goldenthread.platform.core.licensing import ModuleMiddleware
from goldenthread.platform.core.throttling import THROTTLED_MESSAGE, api_budget_wait
from graphql import ExecutionResult, GraphQLError, parse, specified_rules

from .errors import FORBIDDEN, THROTTLED, UNAUTHENTICATED, error_payload
from .execution import SynchronousExecutionContext
from .limits import IntrospectionSwitch, limit_errors

SIGN_IN_HINT = "Sign in, or send an API key for this organisation as 'Authorization: Bearer <key>'."


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class GraphQLRefusal(Exception):
    def __init__(self, message: str, *, code: str, status: int):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def authenticate_graphql_request(request: HttpRequest):
    """The user behind a GraphQL request and the API credential it used: (user, credential),
    (user, None) for a session, or (None, None) when there is none.

    Raises GraphQLRefusal for a bad API key or a session POST without a valid CSRF token.
    """
    if request.headers.get("Authorization", "").startswith(ApiCredentialAuthentication.keyword):
        try:
            result = ApiCredentialAuthentication().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise GraphQLRefusal(str(exc.detail), code=UNAUTHENTICATED, status=401) from None
        if result is not None:
            return result
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None, None
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check = _CsrfCheck(lambda _request: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise GraphQLRefusal(
                f"CSRF check failed ({reason}); send the X-CSRFToken header.",
                code=FORBIDDEN,
                status=403,
            )
    return user, None


def refusal_response(
    message: str, *, code: str, status: int, retry_after: int | None = None
) -> HttpResponse:
    error = error_payload(message, code)
    if retry_after is not None:
        error["extensions"]["retryAfter"] = retry_after
    response = HttpResponse(
        json.dumps({"errors": [error]}), status=status, content_type="application/json"
    )
    if status == 401:
        response["WWW-Authenticate"] = ApiCredentialAuthentication.keyword
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


class OrganisationGraphQLView(GraphQLView):
    execution_context_class = SynchronousExecutionContext
    _graphiql = False

    # graphene-django replaces the specification's rules with whatever is given here, so the
    # standard rules (unknown fields, fragment cycles, …) must be listed alongside ours.
    validation_rules = (*specified_rules, IntrospectionSwitch)

    def execute_graphql_request(self, request, data, query, variables, *args, **kwargs):
        """Refuses an operation over the limits before anything else looks at it."""
        if query:
            try:
                document = parse(query)
            except GraphQLError:
                document = None  # graphene-django reports the syntax error
            if document is not None:
                refused = limit_errors(self.schema.graphql_schema, document, variables)
                if refused:
                    return ExecutionResult(data=None, errors=refused)
        result = super().execute_graphql_request(request, data, query, variables, *args, **kwargs)
        # graphql-core turns a resolver's exception into an error whose message is the
        # exception's text: for a database error that is SQL and process ids. It leaves the
        # view instead, and the URLconf's handler answers (`core.unavailable`): 503 with
        # Retry-After for a transient one (connection lost, deadlock), else a plain 500.
        for error in (result.errors if result else None) or ():
            original = getattr(error, "original_error", None) or error
            if isinstance(original, DatabaseError):
                raise original
        return result

    @property
    def graphiql(self) -> bool:
        """GraphiQL is offered only where introspection is answered (it needs it)."""
        return self._graphiql and settings.GRAPHQL_INTROSPECTION

    @graphiql.setter
    def graphiql(self, value: bool) -> None:
        self._graphiql = value

    def dispatch(self, request, *args, **kwargs):
        try:
            user, credential = authenticate_graphql_request(request)
        except GraphQLRefusal as refusal:
            return refusal_response(refusal.message, code=refusal.code, status=refusal.status)
        if user is None:
            if request.method == "GET" and self.graphiql and self.request_wants_html(request):
                return redirect_to_login(request.get_full_path())
            return refusal_response(SIGN_IN_HINT, code=UNAUTHENTICATED, status=401)
        wait = api_budget_wait(user=user, credential=credential)
        if wait is not None:
            return refusal_response(
                THROTTLED_MESSAGE.format(seconds=wait),
                code=THROTTLED,
                status=429,
                retry_after=wait,
            )
        request.user = user
        return super().dispatch(request, *args, **kwargs)


def graphiql_policy(view: type[GraphQLView]) -> dict[str, list[str]]:
    """What the GraphiQL page adds to the site's Content-Security-Policy: each file
    graphene-django loads from its CDN, named by its exact pinned URL (a path in a CSP source
    matches that file only), each also checked by the browser against graphene-django's
    Subresource Integrity hash. The page's two inline blocks carry the request's nonce
    (`templates/graphene/graphiql.html`). No other page allows any other host; GraphiQL is
    offered only where introspection is on (off in production unless GRAPHQL_INTROSPECTION)."""
    npm = "https://cdn.jsdelivr.net/npm"
    return {
        "script-src": [
            f"{npm}/whatwg-fetch@{view.whatwg_fetch_version}/dist/fetch.umd.js",
            f"{npm}/react@{view.react_version}/umd/react.production.min.js",
            f"{npm}/react-dom@{view.react_version}/umd/react-dom.production.min.js",
            f"{npm}/graphiql@{view.graphiql_version}/graphiql.min.js",
            f"{npm}/graphql-ws@{view.subscriptions_transport_ws_version}/umd/graphql-ws.min.js",
            f"{npm}/@graphiql/plugin-explorer@{view.graphiql_plugin_explorer_version}"
            "/dist/graphiql-plugin-explorer.umd.js",
        ],
        "style-src": [
            f"{npm}/graphiql@{view.graphiql_version}/graphiql.min.css",
            f"{npm}/@graphiql/plugin-explorer@{view.graphiql_plugin_explorer_version}"
            "/dist/style.css",
        ],
    }


GRAPHIQL_CSP = graphiql_policy(OrganisationGraphQLView)

# Licensed modules: each root field answers only for an organisation holding its module
# (`core.licensing`; the modules are declared by each area's FIELD_MODULES).
graphql_view = csrf_exempt(
    csp_update(GRAPHIQL_CSP)(
        OrganisationGraphQLView.as_view(graphiql=True, middleware=[ModuleMiddleware()])
    )
)
