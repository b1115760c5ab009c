from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("<catalogue_code:code>/", views.catalogue_detail, name="detail"),
]
