"""The data-quality report page: each service area's PIs with their score in words."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.pages import refuse_unless

from ..domain.data_quality import PI_WINDOW
from ..permissions import can_read
from ..selectors.data_quality import data_quality_report


@login_required
@require_http_methods(["GET"])
def data_quality_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_read(request.user), "Your account cannot read this organisation's reports.")
    return render(
        request,
        "indicators/data_quality.html",
        {"areas": data_quality_report(), "window": PI_WINDOW},
    )
