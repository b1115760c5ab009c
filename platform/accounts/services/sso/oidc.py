"""The OpenID Connect relying party: the organisation's provider found by discovery, the
authorization code flow with PKCE, state and nonce, and the ID token checked before anyone
is signed in.

Security-relevant. Authlib drives the OAuth 2.0 exchange (the authorization URL with its PKCE
challenge, the token request with the client's credentials); joserfc (Authlib's JOSE library)
verifies the ID token:

* its signature, with a key from the provider's JWKS (fetched from `jwks_uri`, cached; an
  unknown key id fetches the set again once, as providers rotate keys), by an asymmetric
  algorithm only (never "none", never HS* with the client secret);
* `iss` equal to the discovery document's issuer, `aud` containing our client id (and `azp`
  equal to it when there are several audiences), `exp`/`iat`/`nbf` with a minute's leeway,
  `sub` present, and `nonce` equal to the one this browser's session sent.

Any failure raises `OidcCheckFailed` naming what failed; nobody is signed in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from goldenthread.platform.core.errors import DomainError

from ...models import SsoConfiguration
from .secrets import secret_decrypt

SCOPES = "openid email profile"
# Asymmetric signatures only: an ID token is never accepted unsigned or HMAC-signed.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
LEEWAY_SECONDS = 60


class OidcCheckFailed(DomainError):
    """The provider's answer failed a check; `check` says which (kept in the sign-in
    history: "signature", "aud", "nonce", "iss", "exp", "state", "token_request", ...)."""

    status_code = 403

    def __init__(self, check: str, message: str = ""):
        super().__init__(message or f"The identity provider's answer failed the {check} check.")
        self.check = check


def provider_url_problem(url: str) -> str | None:
    """Provider URLs must use HTTPS; plain HTTP only for a provider on this machine (the tests'
    and a developer's own)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in {"localhost", "127.0.0.1", "::1"}:
        return None
    return "The discovery URL must start with https:// (for example Microsoft Entra ID's)."


def _get_json(url: str, *, what: str) -> dict:
    problem = provider_url_problem(url)
    if problem:
        raise DomainError(f"The provider's {what} is not at an https:// address: {url}")
    try:
        response = requests.get(url, timeout=settings.SSO_HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DomainError(
            f"Could not read the identity provider's {what} at {url} ({error.__class__.__name__})."
        ) from None
    if not isinstance(document, dict):
        raise DomainError(f"The identity provider's {what} at {url} is not a JSON object.")
    return document


def provider_metadata(discovery_url: str, *, fresh: bool = False) -> dict:
    """The provider's discovery document (`.well-known/openid-configuration`), cached."""
    key = f"sso:oidc:discovery:{discovery_url}"
    metadata = None if fresh else cache.get(key)
    if metadata is None:
        metadata = _get_json(discovery_url, what="discovery document")
        missing = [name for name in REQUIRED_METADATA if not metadata.get(name)]
        if missing:
            raise DomainError(
                f"The discovery document at {discovery_url} does not name its "
                f"{', '.join(missing)}: is this an OpenID Connect discovery URL?"
            )
        cache.set(key, metadata, settings.SSO_METADATA_CACHE_SECONDS)
    return metadata


def _key_set(jwks_uri: str, *, fresh: bool = False) -> KeySet:
    key = f"sso:oidc:jwks:{jwks_uri}"
    document = None if fresh else cache.get(key)
    if document is None:
        document = _get_json(jwks_uri, what="signing keys")
        cache.set(key, document, settings.SSO_METADATA_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(document)
    except (JoseError, ValueError, TypeError, KeyError):
        raise OidcCheckFailed("jwks", "The provider's signing keys cannot be read.") from None


@dataclass(frozen=True)
class PendingSignIn:
    """What the browser's session keeps between the start and the callback."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next_url: str

    def as_session(self) -> dict:
        return dict(self.__dict__)


def authorization_start(
    *, config: SsoConfiguration, redirect_uri: str, next_url: str
) -> tuple[str, PendingSignIn]:
    """Where to send the browser (the provider's authorization endpoint with state, nonce and
    an S256 PKCE challenge), and what to keep in the session until it comes back."""
    metadata = provider_metadata(config.oidc_discovery_url)
    pending = PendingSignIn(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        redirect_uri=redirect_uri,
        next_url=next_url,
    )
    client = OAuth2Session(
        config.oidc_client_id,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, _ = client.create_authorization_url(
        metadata["authorization_endpoint"],
        state=pending.state,
        code_verifier=pending.code_verifier,
        nonce=pending.nonce,
    )
    return url, pending


def _auth_method(metadata: dict) -> str:
    supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return "client_secret_basic" if "client_secret_basic" in supported else "client_secret_post"


def authorization_finish(*, config: SsoConfiguration, pending: PendingSignIn, code: str) -> dict:
    """Exchange the code (with the PKCE verifier and the client's secret) for tokens and
    return the verified ID token's claims."""
    metadata = provider_metadata(config.oidc_discovery_url)
    client = OAuth2Session(
        config.oidc_client_id,
        secret_decrypt(config.oidc_client_secret_encrypted),
        token_endpoint_auth_method=_auth_method(metadata),
        redirect_uri=pending.redirect_uri,
        code_challenge_method="S256",
    )
    try:
        token = client.fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.code_verifier,
            timeout=settings.SSO_HTTP_TIMEOUT_SECONDS,
        )
    except (OAuth2Error, requests.RequestException, ValueError) as error:
        raise OidcCheckFailed("token_request", f"The token request failed: {error}") from None
    id_token = token.get("id_token")
    if not id_token:
        raise OidcCheckFailed("id_token", "The provider sent no ID token.")
    return id_token_verify(
        id_token=id_token, metadata=metadata, client_id=config.oidc_client_id, nonce=pending.nonce
    )


def _algorithms(metadata: dict) -> list[str]:
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [alg for alg in offered if alg in SIGNING_ALGORITHMS]
    if not allowed:
        raise OidcCheckFailed("alg", "The provider signs ID tokens only in ways we do not accept.")
    return allowed


def id_token_verify(*, id_token: str, metadata: dict, client_id: str, nonce: str) -> dict:
    """The ID token's claims once its signature and claims are checked (see the module's
    docstring), or `OidcCheckFailed`."""
    algorithms = _algorithms(metadata)
    try:
        try:
            token = jwt.decode(id_token, _key_set(metadata["jwks_uri"]), algorithms=algorithms)
        except InvalidKeyIdError:  # a key newer than our cached set: fetch it once
            token = jwt.decode(
                id_token, _key_set(metadata["jwks_uri"], fresh=True), algorithms=algorithms
            )
    except InvalidKeyIdError:
        raise OidcCheckFailed("signature", "The ID token is signed by an unknown key.") from None
    except JoseError as error:
        message = f"The ID token's signature is not valid ({error.error})."
        raise OidcCheckFailed("signature", message) from None
    except (ValueError, TypeError):
        raise OidcCheckFailed("signature", "The ID token cannot be read.") from None
    claims = token.claims
    registry = JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise OidcCheckFailed("exp", "The ID token has expired.") from None
    except ClaimError as error:
        message = f"The ID token's '{error.claim}' is not right."
        raise OidcCheckFailed(error.claim, message) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OidcCheckFailed("azp", "The ID token was issued to another party.")
    return claims


def identity_claims(claims: dict, *, groups_claim: str) -> dict:
    """The person in a verified ID token: e-mail (the `email` claim; Microsoft Entra ID may
    send only `preferred_username`, the sign-in name, which is an address), name and groups."""
    email = claims.get("email") or ""
    if claims.get("email_verified") is False:
        # An address the provider itself has not verified is no identity (nor is a fallback).
        fallbacks = {"preferred_username", "upn"}
        email, claims = "", {k: v for k, v in claims.items() if k not in fallbacks}
    if not email:
        candidate = claims.get("preferred_username") or claims.get("upn") or ""
        email = candidate if "@" in candidate else ""
    groups = claims.get(groups_claim or "groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return {
        "email": email,
        "name": claims.get("name") or "",
        "groups": tuple(str(g) for g in groups if isinstance(g, str | int)),
    }
