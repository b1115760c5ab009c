"""GraphQL errors with a machine-readable `extensions.code`, shared by every resolver."""

from __future__ import annotations

from graphql import GraphQLError

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"


def error_payload(message: str, code: str) -> dict:
    """One error in the standard GraphQL response shape, for answers given before execution."""
    return {"message": message, "extensions": {"code": code}}


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": FORBIDDEN})


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT})
