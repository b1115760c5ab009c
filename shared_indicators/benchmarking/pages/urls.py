from django.urls import path

from . import views

app_name = "benchmarking"
urlpatterns = [
    path("", views.club_list, name="clubs"),
    path("<int:club_id>/", views.club_detail, name="club"),
    path("<int:club_id>/consent/", views.consent_change, name="consent"),
    path("<int:club_id>/members/", views.membership_change, name="members"),
    path("<int:club_id>/history/", views.club_history, name="history"),
    path("<int:club_id>/labelling/", views.club_labelling, name="labelling"),
    path("<int:club_id>/<catalogue_code:code>/", views.comparison, name="comparison"),
]
