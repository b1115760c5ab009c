from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from .selectors import organisation_list as select_organisations


@staff_member_required(login_url="accounts:sign-in")
def organisation_list(request):
    return render(
        request,
        "tenants/helpdesk/organisation_list.html",
        {"organisations": select_organisations()},
    )
