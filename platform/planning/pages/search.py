from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors.search import search
from .common import planning_page
from .forms import SearchForm


@planning_page(records=True)
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = search(query=form.cleaned_data["q"])
    return render(request, "planning/search.html", {"form": form, "results": results})
