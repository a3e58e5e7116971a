"""The partnership's settings for referrals: eligibility rules per area, the services directory."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from vrhub.accounts.permissions import Capability, require
from vrhub.core.requests import posted, signed_in_user

from . import services
from .forms import ProgrammeAreaForm, ServiceForm
from .models import Concern, ProgrammeArea, Service


@require(Capability.CONFIGURE_REFERRALS)
@require_safe
def areas(request: HttpRequest) -> HttpResponse:
    concern_labels = dict(Concern.choices)
    rows = [
        (area, ", ".join(str(concern_labels[c]) for c in area.required_concerns) or "Any")
        for area in ProgrammeArea.objects.select_related("local_authority")
    ]
    return render(request, "referrals/areas.html", {"rows": rows})


@require(Capability.CONFIGURE_REFERRALS)
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, area_id: int) -> HttpResponse:
    # Areas are the partnership's own settings, not any agency's records: no agency scope.
    area = get_object_or_404(ProgrammeArea, pk=area_id)
    form = ProgrammeAreaForm(
        posted(request),
        initial={
            "postcode_districts": ", ".join(area.postcode_districts),
            "minimum_age": area.minimum_age,
            "maximum_age": area.maximum_age,
            "required_concerns": area.required_concerns,
            "is_active": area.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.programme_area_update(
            actor=signed_in_user(request), area=area, **form.cleaned_data
        )
        messages.success(request, f"The eligibility rules for {area.name} have been saved")
        return redirect("referrals:areas")
    return render(request, "referrals/area_form.html", {"form": form, "area": area})


@require(Capability.CONFIGURE_REFERRALS)
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    listed = Service.objects.select_related("provider").prefetch_related("areas")
    return render(request, "referrals/directory.html", {"services": listed})


@require(Capability.CONFIGURE_REFERRALS)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    service = get_object_or_404(Service, pk=service_id) if service_id is not None else None
    form = ServiceForm(posted(request), instance=service)
    if request.method == "POST" and form.is_valid():
        saved = services.service_save(
            actor=signed_in_user(request), service=service, **form.cleaned_data
        )
        messages.success(request, f"{saved.name} has been saved in the directory")
        return redirect("referrals:directory")
    return render(request, "referrals/service_form.html", {"form": form, "service": service})
