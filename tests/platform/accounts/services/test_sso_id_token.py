"""The ID token checks of the OpenID Connect relying party, against the real test provider's
discovery document and signing keys: a token signed by the provider for us, for this
sign-in, is accepted; any tampering is refused, naming the check that failed."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from goldenthread.platform.accounts.services.sso import oidc
from tests.fixtures.oidc import rsa_private_key_pem

CLIENT_ID, NONCE = "our-client", "the-nonce-we-sent"


@pytest.fixture
def provider_keys(oidc_provider, db):
    metadata = oidc.provider_metadata(oidc_provider.discovery_url, fresh=True)
    kid = requests.get(metadata["jwks_uri"], timeout=10).json()["keys"][0]["kid"]
    return metadata, RSAKey.import_key(oidc_provider.private_key_pem, {"kid": kid}), kid


def claims(metadata, **changes) -> dict:
    now = int(time.time())
    return {
        "iss": metadata["issuer"],
        "aud": CLIENT_ID,
        "sub": "42",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "email": "person@alpha.example",
        **changes,
    }


def signed(payload: dict, key, kid: str, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": kid}, payload, key)


def verify(token: str, metadata) -> dict:
    return oidc.id_token_verify(id_token=token, metadata=metadata, client_id=CLIENT_ID, nonce=NONCE)


def test_a_token_the_provider_signed_for_this_sign_in_is_accepted(provider_keys):
    metadata, key, kid = provider_keys
    assert verify(signed(claims(metadata), key, kid), metadata)["email"] == "person@alpha.example"


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"nonce": "a-replayed-nonce"}, "nonce"),
        ({"iss": "https://impostor.example/"}, "iss"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "exp"),
    ],
    ids=["wrong audience", "wrong nonce", "wrong issuer", "expired"],
)
def test_a_token_with_a_wrong_claim_is_refused(provider_keys, changes, check):
    metadata, key, kid = provider_keys
    with pytest.raises(oidc.OidcCheckFailed) as refused:
        verify(signed(claims(metadata, **changes), key, kid), metadata)
    assert refused.value.check == check


def test_a_token_signed_with_another_key_is_refused(provider_keys):
    metadata, _, kid = provider_keys
    impostor = RSAKey.import_key(rsa_private_key_pem(), {"kid": kid})
    with pytest.raises(oidc.OidcCheckFailed) as refused:
        verify(signed(claims(metadata), impostor, kid), metadata)
    assert refused.value.check == "signature"


def test_a_token_whose_claims_were_changed_after_signing_is_refused(provider_keys):
    metadata, key, kid = provider_keys
    header, _, signature = signed(claims(metadata), key, kid).split(".")
    forged = base64.urlsafe_b64encode(
        json.dumps(claims(metadata, email="boss@alpha.example")).encode()
    ).rstrip(b"=")
    with pytest.raises(oidc.OidcCheckFailed) as refused:
        verify(f"{header}.{forged.decode()}.{signature}", metadata)
    assert refused.value.check == "signature"


def test_an_unsigned_or_shared_secret_token_is_refused(provider_keys):
    metadata, _, kid = provider_keys
    payload = claims(metadata)
    unsigned = ".".join(
        base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
        for part in ({"alg": "none", "kid": kid}, payload)
    )
    hmac = signed(payload, OctKey.import_key("our-client-secret-" * 3), kid, alg="HS256")
    for token in (unsigned + ".", hmac):
        with pytest.raises(oidc.OidcCheckFailed) as refused:
            verify(token, metadata)
        assert refused.value.check == "signature"


def test_a_token_signed_by_an_unknown_key_is_refused_after_fetching_the_keys_again(
    provider_keys,
):
    metadata, _, _ = provider_keys
    stranger = RSAKey.import_key(rsa_private_key_pem(), {"kid": "not-a-provider-key"})
    with pytest.raises(oidc.OidcCheckFailed) as refused:
        verify(signed(claims(metadata), stranger, "not-a-provider-key"), metadata)
    assert refused.value.check == "signature"
