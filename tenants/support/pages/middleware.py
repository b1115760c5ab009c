"""Support access on an organisation's host, enforced once for every page, REST call and
GraphQL request (`SupportAccessMiddleware`, right after Django's authentication middleware).

Security-relevant. A session of a helpdesk visitor's account (`services.access.
support_account_for`) carries the id of the access it was opened under. On every request:

* the access must still be live, for this organisation and this staff member; otherwise
  the session is ended and the request refused (403) — so a revocation or the end of a
  grant stops the very next request;
* a read-only access refuses every unsafe method (POST, PUT, PATCH, DELETE) and every GraphQL
  mutation, whatever the view would have allowed; signing out is the one exception;
* no helpdesk visitor issues API keys (a key would outlive the access);
* every request, allowed or refused, is written to the access log the organisation reads;
* a refused request of an ended access deactivates the visitor's account (`access_close`).

A session of a helpdesk visitor's account without a live access id is ended as well: the
account can be entered by no other way.
"""

from __future__ import annotations

import json

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from goldenthread.platform.core.door import organisation_of
from goldenthread.platform.core.responses import error_response

from ..domain.choices import SUPPORT_EMAIL_DOMAIN
from ..models import SupportAccess
from ..permissions import is_support_account
from ..services.access import access_close, log_request

SESSION_KEY = "support_access_id"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _graphql_is_read_only(request: HttpRequest) -> bool:
    """True when a GraphQL POST holds queries only. Anything unreadable counts as a write."""
    from graphql.error import GraphQLError

    from graphql import OperationType, parse

    try:
        if request.content_type == "application/json":
            payload = json.loads(request.body or b"{}")
        else:
            payload = request.POST
        documents = payload if isinstance(payload, list) else [payload]
        for item in documents:
            document = parse(item.get("query") or "")
            for definition in document.definitions:
                if getattr(definition, "operation", None) not in (None, OperationType.QUERY):
                    return False
    except (ValueError, TypeError, AttributeError, GraphQLError):
        return False
    return True


def _writes(request: HttpRequest) -> bool:
    if request.method not in UNSAFE:
        return False
    if request.path.startswith("/graphql"):
        return not _graphql_is_read_only(request)
    return True


class SupportAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.support_access = None
        organisation = organisation_of(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if organisation is None or session is None or user is None:
            return self.get_response(request)
        access_id = session.get(SESSION_KEY)
        if access_id is None and not (user.is_authenticated and is_support_account(user)):
            return self.get_response(request)  # an ordinary session of the organisation

        access = (
            SupportAccess.objects.filter(pk=access_id, organisation=organisation).first()
            if access_id is not None
            else None
        )
        if (
            access is None
            or not access.is_live()
            or not user.is_authenticated
            or user.email != f"helpdesk-{access.staff_id}@{SUPPORT_EMAIL_DOMAIN}"
        ):
            logout(request)
            response = error_response(
                request,
                status=403,
                message=f"Your support access to {organisation.name} has ended or was revoked.",
                template="support/access_ended.html",
                code="support_access_ended",
            )
            if access is not None:
                # The grant has ended: its visitor's account goes inactive now, not only at
                # the periodic cleanup.
                access_close(access=access)
                log_request(
                    access=access,
                    method=request.method,
                    path=request.get_full_path(),
                    status_code=403,
                    refused=True,
                )
            return response

        request.support_access = access
        refusal = None
        if request.path == reverse("accounts:api-key-issue") and request.method in UNSAFE:
            refusal = "Helpdesk visitors cannot issue API keys."
        elif (
            not access.allow_write
            and _writes(request)
            and request.path != reverse("accounts:sign-out")
        ):
            refusal = (
                "Your support access is read only: ask the organisation's administrator for a "
                "grant that allows changes."
            )
        if refusal is not None:
            response = error_response(
                request,
                status=403,
                message=refusal,
                template="support/read_only.html",
                code="support_read_only",
            )
        else:
            response = self.get_response(request)
        log_request(
            access=access,
            method=request.method,
            path=request.get_full_path(),
            status_code=response.status_code,
            refused=refusal is not None,
        )
        return response
