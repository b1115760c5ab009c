"""The public performance pages (`/performance/` on an organisation's host), mounted through
`organisation_pages`; the public views are `login_exempt`: open to anyone (see
`pages.public`); the `manage/` views need sign-in and the performance team's role."""

from django.urls import path

from . import public_manage as manage
from .public import (
    public_action_page,
    public_csv,
    public_data,
    public_home,
    public_json,
    public_measure,
)

app_name = "public"

urlpatterns = [
    path("", public_home, name="home"),
    path("measures/<int:pk>/", public_measure, name="measure"),
    path("actions/<int:pk>/", public_action_page, name="action"),
    path("data/", public_data, name="data"),
    path("data/performance.csv", public_csv, name="csv"),
    path("data/performance.json", public_json, name="json"),
    # Signed in: what the performance team decides to publish.
    path("manage/", manage.publication_manage, name="manage"),
    path("manage/<int:pk>/approve/", manage.publication_approve, name="approve"),
    path("manage/<int:pk>/reject/", manage.publication_reject, name="reject"),
    path("manage/<int:pk>/withdraw/", manage.publication_withdraw, name="withdraw"),
    path("manage/pre-election/", manage.pre_election_add, name="pre-election-add"),
    path(
        "manage/pre-election/<int:pk>/remove/",
        manage.pre_election_remove,
        name="pre-election-remove",
    ),
]
