"""Managing the public performance pages (signed in): propose an item for publication,
approve or reject a proposal (someone other than its proposer), withdraw an item, and set
pre-election periods. Every write is a service in `services.public`."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from goldenthread.platform.indicators.models import Indicator

from .. import permissions
from ..errors import DomainError
from ..models import Action, PreElectionPeriod, Publication, PublicationState
from ..services import public as services
from .common import planning_page


class ProposeForm(forms.Form):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        label="Measure (PI)",
        help_text="Choose a measure or an action, not both.",
    )
    action = forms.ModelChoiceField(queryset=Action.objects.none(), required=False, label="Action")
    values_from = forms.DateField(
        required=False,
        label="Publish values of periods starting on or after",
        help_text="For example 1/4/2024. Leave empty to publish every approved value.",
    )
    include_commentary = forms.BooleanField(
        required=False, initial=True, label="Publish commentary"
    )
    embargo_date = forms.DateField(
        required=False,
        label="Embargo date",
        help_text=(
            "Nothing shows before this date and time. Leave empty for as soon as it is approved."
        ),
    )
    embargo_time = forms.TimeField(
        required=False, label="Embargo time", help_text="For example 09:30."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True).order_by(
            "code"
        )
        self.fields["action"].queryset = Action.objects.order_by("code")

    def clean(self):
        data = super().clean()
        if bool(data.get("indicator")) == bool(data.get("action")):
            raise forms.ValidationError("Choose one measure or one action to publish.")
        return data

    def embargo(self) -> datetime | None:
        day = self.cleaned_data.get("embargo_date")
        if day is None:
            return None
        moment = datetime.combine(day, self.cleaned_data.get("embargo_time") or time(0, 0))
        return timezone.make_aware(moment)


class PreElectionForm(forms.Form):
    name = forms.CharField(
        max_length=200, label="Name", help_text="For example Local elections May 2027."
    )
    starts_on = forms.DateField(label="First day", help_text="For example 20/3/2027.")
    ends_on = forms.DateField(label="Last day", help_text="Publication resumes the day after.")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError("The last day must be on or after the first day.")
        return data


def _manage_page(view):
    @planning_page(records=True)
    def wrapper(request: HttpRequest, *args, **kwargs):
        permissions.require_manage_publication(request.user)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@_manage_page
def publication_manage(request: HttpRequest) -> HttpResponse:
    """Everything decided about publication, newest first, and the proposal form."""
    form = ProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_propose(
                actor=request.user,
                indicator=form.cleaned_data["indicator"],
                action=form.cleaned_data["action"],
                values_from=form.cleaned_data["values_from"],
                include_commentary=form.cleaned_data["include_commentary"],
                embargo_until=form.embargo(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Proposed for publication: someone else must approve it.")
            return redirect("public:manage")
    rows = Publication.objects.select_related(
        "indicator", "action", "proposed_by", "decided_by"
    ).order_by("-proposed_at", "-id")[:200]
    return render(
        request,
        "planning/public/manage.html",
        {
            "form": form,
            "rows": rows,
            "waiting": PublicationState.PROPOSED,
            "in_force": PublicationState.APPROVED,
            "periods": PreElectionPeriod.objects.all(),
            "period_form": PreElectionForm(),
            "can_set_periods": request.user.has_role("org_admin"),
        },
    )


def _decide(request: HttpRequest, pk: int, doing) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    try:
        doing(publication)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("public:manage")


@require_POST
@_manage_page
def publication_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def approve(row):
        services.publication_approve(actor=request.user, publication=row)
        messages.success(request, "Approved for publication.")

    return _decide(request, pk, approve)


@require_POST
@_manage_page
def publication_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def reject(row):
        services.publication_reject(
            actor=request.user, publication=row, reason=request.POST.get("reason", "")
        )
        messages.success(request, "Not approved.")

    return _decide(request, pk, reject)


@require_POST
@_manage_page
def publication_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def withdraw(row):
        services.publication_withdraw(
            actor=request.user, publication=row, reason=request.POST.get("reason", "")
        )
        messages.success(request, "Withdrawn from the public pages.")

    return _decide(request, pk, withdraw)


@require_POST
@_manage_page
def pre_election_add(request: HttpRequest) -> HttpResponse:
    form = PreElectionForm(request.POST)
    if form.is_valid():
        start = timezone.make_aware(datetime.combine(form.cleaned_data["starts_on"], time(0, 0)))
        end = timezone.make_aware(datetime.combine(form.cleaned_data["ends_on"], time(23, 59, 59)))
        try:
            services.pre_election_create(
                actor=request.user, name=form.cleaned_data["name"], starts_at=start, ends_at=end
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Pre-election period set.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("public:manage")


@require_POST
@_manage_page
def pre_election_remove(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(PreElectionPeriod, pk=pk)
    try:
        services.pre_election_delete(actor=request.user, period=period)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("public:manage")
