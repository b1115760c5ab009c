"""REST routes of accounts, under /api/v1/accounts/."""

from django.urls import path

from . import organisation_settings, sso, users

urlpatterns = [
    path("sso/", sso.SsoConfigurationApi.as_view(), name="accounts-sso"),
    path("users/", users.UserListApi.as_view(), name="accounts-users"),
    path("users/<int:pk>/", users.UserDetailApi.as_view(), name="accounts-user"),
    path("users/<int:pk>/history/", users.UserHistoryApi.as_view(), name="accounts-user-history"),
    path(
        "users/<int:pk>/deactivate/",
        users.UserDeactivateApi.as_view(),
        name="accounts-user-deactivate",
    ),
    path(
        "users/<int:pk>/reactivate/",
        users.UserReactivateApi.as_view(),
        name="accounts-user-reactivate",
    ),
    path(
        "users/<int:pk>/mfa-reset/", users.UserMfaResetApi.as_view(), name="accounts-user-mfa-reset"
    ),
    path("users/imports/", users.UserImportApi.as_view(), name="accounts-user-imports"),
    path(
        "users/imports/<int:pk>/", users.UserImportDetailApi.as_view(), name="accounts-user-import"
    ),
    path(
        "users/imports/<int:pk>/commit/",
        users.UserImportCommitApi.as_view(),
        name="accounts-user-import-commit",
    ),
    path(
        "security-settings/",
        organisation_settings.SecuritySettingsApi.as_view(),
        name="accounts-security-settings",
    ),
    path(
        "security-settings/history/",
        organisation_settings.SecuritySettingsHistoryApi.as_view(),
        name="accounts-security-settings-history",
    ),
]
