"""GraphQL errors with a machine-readable `extensions.code`, shared by every resolver."""

from __future__ import annotations

from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from graphql import GraphQLError

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
CONFLICT = "CONFLICT"
THROTTLED = "THROTTLED"  # over the caller's API budget (HTTP 429, extensions.retryAfter)


def error_payload(message: str, code: str) -> dict:
    """One error in the standard GraphQL response shape, for answers given before execution."""
    return {"message": message, "extensions": {"code": code}}


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": FORBIDDEN})


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})


def unauthenticated(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": UNAUTHENTICATED})


def from_domain_error(exc: DomainError) -> GraphQLError:
    """A service's refusal as a GraphQL error: the code says which kind, `reason` the
    domain's own code (e.g. `comparison_refused`)."""
    if isinstance(exc, NotFound):
        code = NOT_FOUND
    elif isinstance(exc, PermissionDenied):
        code = FORBIDDEN
    elif isinstance(exc, Conflict):
        code = CONFLICT
    else:
        code = BAD_USER_INPUT
    return GraphQLError(exc.message, extensions={"code": code, "reason": exc.code})
