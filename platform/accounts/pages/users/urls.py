"""User administration pages, mounted at users/ on an organisation's host."""

from django.urls import path

from . import sso, views

app_name = "users"

urlpatterns = [
    path("", views.user_list, name="list"),
    path("export.csv", views.user_export, name="export"),
    path("invite/", views.user_invite_page, name="invite"),
    path("import/", views.user_import_upload, name="import-upload"),
    path("import/<int:pk>/", views.user_import_detail, name="import"),
    path("import/<int:pk>/status.json", views.user_import_status, name="import-status"),
    path("import/<int:pk>/commit/", views.user_import_commit_page, name="import-commit"),
    path("<int:pk>/", views.user_detail, name="detail"),
    path("<int:pk>/deactivate/", views.user_deactivate_page, name="deactivate"),
    path("<int:pk>/mfa-reset/", views.user_mfa_reset_page, name="mfa-reset"),
    path("<int:pk>/sso-unlink/", views.user_sso_unlink_page, name="sso-unlink"),
    path("mfa-policy/", views.user_mfa_policy_page, name="mfa-policy"),
    path("<int:pk>/reactivate/", views.user_reactivate_page, name="reactivate"),
    path(
        "<int:pk>/sign-out-everywhere/",
        views.user_sign_out_everywhere_page,
        name="sign-out-everywhere",
    ),
    path("session-timeout/", views.session_settings_page, name="session-settings"),
    path("single-sign-on/", sso.sso_settings_page, name="sso-settings"),
]
