from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import catalogue_indicator_list


@login_required
def catalogue_list(request):
    indicators = catalogue_indicator_list(search=request.GET.get("q", ""))
    return render(request, "shared_indicators/catalogue_list.html", {"indicators": indicators})
