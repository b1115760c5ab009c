from django.urls import path

from . import helpdesk_views

app_name = "helpdesk"
urlpatterns = [path("", helpdesk_views.organisation_list, name="organisations")]
