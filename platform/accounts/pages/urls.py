from django.urls import path

from . import sessions, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
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
