from django.urls import include, path

from .helpdesk import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.organisation_list, name="organisations"),
    path("support/", include("goldenthread.tenants.support.pages.console_urls")),
    path("staff-sign-ins/", views.staff_sign_ins, name="staff-sign-ins"),
    path("organisations/new/", views.organisation_provision, name="provision"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/suspend/", views.organisation_suspend, name="suspend"),
    path("organisations/<slug:slug>/resume/", views.organisation_resume, name="resume"),
]
