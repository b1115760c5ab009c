from django.urls import path

from . import mfa, sessions, sso, sso_saml, views, webauthn

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", mfa.mfa_sign_in, name="mfa-sign-in"),
    # Single sign-on: the button, and each protocol's return address on this host.
    path("sso/start/", sso.sso_start, name="sso-start"),
    path("sso/oidc/callback/", sso.sso_oidc_callback, name="sso-oidc-callback"),
    path("sso/saml/start/", sso_saml.saml_start, name="sso-saml-start"),
    path("sso/saml/acs/", sso_saml.saml_acs, name="sso-saml-acs"),
    path("sso/saml/metadata/", sso_saml.saml_metadata, name="sso-saml-metadata"),
    path("me/mfa/", mfa.mfa_page, name="mfa"),
    path("me/mfa/set-up/", mfa.mfa_enrol_page, name="mfa-enrol"),
    path("me/mfa/set-up/qr.svg", mfa.mfa_enrol_qr, name="mfa-enrol-qr"),
    path(
        "me/mfa/recovery-codes/",
        mfa.mfa_recovery_codes_regenerate,
        name="mfa-recovery-codes",
    ),
    path("me/mfa/turn-off/", mfa.mfa_remove_page, name="mfa-remove"),
    path("sign-in/key/", webauthn.security_key_sign_in, name="security-key-sign-in"),
    path("sign-in/passkey/", webauthn.passkey_sign_in, name="passkey-sign-in"),
    path(
        "sign-in/passkey/options/",
        webauthn.passkey_sign_in_options,
        name="passkey-sign-in-options",
    ),
    path("sign-in/key/options/", webauthn.sign_in_options, name="security-key-sign-in-options"),
    path("me/mfa/keys/add/", webauthn.security_key_add, name="security-key-add"),
    path("me/mfa/keys/options/", webauthn.security_key_options, name="security-key-options"),
    path(
        "me/mfa/keys/<int:key_id>/remove/",
        webauthn.security_key_remove,
        name="security-key-remove",
    ),
    path("me/mfa/confirm/options/", webauthn.confirm_options, name="mfa-confirm-options"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("password-reset/", views.password_reset_request, name="password-reset"),
    path("me/", views.account, name="me"),
    path("me/api-keys/", views.api_key_issue, name="api-key-issue"),
    path(
        "me/sign-out-everywhere/",
        sessions.sign_out_everywhere_page,
        name="sign-out-everywhere",
    ),
    path("me/session/", sessions.session_status_view, name="session-status"),
    path("me/session/keep-alive/", sessions.session_keep_alive, name="session-keep-alive"),
    path("me/api-keys/<int:credential_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
