"""Referral pages: the referrer's question pages and list, the caseworker's queue and record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vrhub.accounts import permissions
from vrhub.accounts.models import User
from vrhub.accounts.permissions import Capability, require
from vrhub.core.forms import GovukForm
from vrhub.core.requests import posted, signed_in_user

from . import bulk, journey, selectors, services
from .forms import InformationForm, InformationRequestForm, SignpostForm
from .models import Eligibility, ProgrammeArea, Referral, ReferralStatus

QUEUE_PAGE_SIZE = 50


# The referrer's journey.


@require(Capability.MAKE_REFERRALS)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """'Before you start', then a new draft on 'Start now'."""
    if request.method == "POST":
        referral = services.referral_start(referrer=signed_in_user(request))
        return redirect("referrals:step", reference=referral.reference, slug=journey.STEPS[0].slug)
    return render(request, "referrals/start.html")


@require(Capability.MAKE_REFERRALS)
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_referrals(actor=signed_in_user(request)), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "referrals/mine.html", {"page": page})


def _initial(referral: Referral, step: journey.Step) -> dict[str, Any]:
    initial = {name: getattr(referral, name) for name in step.fields}
    if "immediate_risk" in initial and initial["immediate_risk"] is not None:
        initial["immediate_risk"] = "yes" if initial["immediate_risk"] else "no"
    return initial


@require(Capability.MAKE_REFERRALS)
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, reference: str, slug: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_draft(me, reference)
    current = journey.BY_SLUG.get(slug)
    if current is None:
        raise permissions.deny(
            me, target_type="referral", target_id=reference, reason="no_such_question"
        )
    form: GovukForm = current.form(posted(request), initial=_initial(referral, current))
    if request.method == "POST" and form.is_valid():
        services.referral_save_answers(referral=referral, actor=me, answers=form.cleaned_data)
        if slug == "immediate-risk" and form.cleaned_data["immediate_risk"]:
            return redirect("referrals:safeguarding", reference=reference)
        following = journey.next_step(current)
        if request.GET.get("return") == "check" or following is None:
            return redirect("referrals:check", reference=reference)
        return redirect("referrals:step", reference=reference, slug=following.slug)
    services.referral_viewed(referral=referral, actor=me)
    position = journey.STEPS.index(current)
    back = (
        reverse("referrals:step", args=[reference, journey.STEPS[position - 1].slug])
        if position
        else reverse("referrals:mine")
    )
    return render(
        request,
        "referrals/step.html",
        {
            "form": form,
            "referral": referral,
            "step": current,
            "back": back,
            "number": position + 1,
            "total": len(journey.STEPS),
        },
    )


@require(Capability.MAKE_REFERRALS)
@require_safe
def safeguarding(request: HttpRequest, reference: str) -> HttpResponse:
    """The interruption when a person is at immediate risk: act now, then finish the referral."""
    referral = permissions.access_draft(signed_in_user(request), reference)
    following = journey.next_step(journey.BY_SLUG["immediate-risk"])
    assert following is not None  # noqa: S101
    return render(request, "referrals/safeguarding.html", {"referral": referral, "next": following})


@require(Capability.MAKE_REFERRALS)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_draft(me, reference)
    problems: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.referral_submit(referral=referral, actor=me)
        except services.ReferralRefused as refused:
            problems = refused.problems
        else:
            return redirect("referrals:sent", reference=reference)
    services.referral_viewed(referral=referral, actor=me)
    missing = [
        (message, journey.STEP_OF_FIELD[name])
        for name, message in problems.items()
        if name in journey.STEP_OF_FIELD
    ]
    return render(
        request,
        "referrals/check.html",
        {"referral": referral, "answers": journey.answers(referral), "missing": missing},
    )


@require(Capability.MAKE_REFERRALS)
@require_safe
def sent(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference, whole=False)
    if referral.referred_by_id != me.pk:
        raise permissions.deny(
            me, target_type="referral", target_id=reference, reason="not_their_referral"
        )
    return render(request, "referrals/sent.html", {"referral": referral})


@require(Capability.MAKE_REFERRALS)
@require_safe
def status(request: HttpRequest, reference: str) -> HttpResponse:
    """What a referrer may still see once a referral has left them: its status, and where it
    was sent if CIRV could not take it. While at the referral stage, all of it, and any
    question the CIRV team has asked."""
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference, whole=False)
    return _render_status(request, referral, InformationForm())


def _render_status(
    request: HttpRequest, referral: Referral, reply: InformationForm, status: int = 200
) -> HttpResponse:
    me = signed_in_user(request)
    services.referral_viewed(
        referral=referral, actor=me, status_only=not referral.at_referral_stage
    )
    return render(
        request,
        "referrals/status.html",
        {
            "referral": referral,
            "onward": referral.onward.select_related("service__provider").first(),
            "answers": journey.answers(referral) if referral.at_referral_stage else [],
            "reply": reply if referral.status == ReferralStatus.AWAITING_INFORMATION else None,
        },
        status=status,
    )


@require(Capability.MAKE_REFERRALS)
@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference)
    if referral.referred_by_id != me.pk:
        raise permissions.deny(
            me, target_type="referral", target_id=reference, reason="not_their_referral"
        )
    form = InformationForm(request.POST)
    if not form.is_valid():
        return _render_status(request, referral, form, status=400)
    try:
        services.referral_give_information(
            referral=referral, actor=me, information=form.cleaned_data["information"]
        )
    except services.ReferralRefused as refused:
        form.add_error(None, str(refused))
        return _render_status(request, referral, form, status=400)
    messages.success(request, "Your answer has been sent to the CIRV team")
    return redirect("referrals:status", reference=reference)


# The caseworker's queue and record.


@require(Capability.WORK_REFERRALS)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    wanted = request.GET.get("status", ReferralStatus.NEW)
    if wanted not in {str(s) for s in selectors.QUEUE_STATUSES}:
        wanted = ReferralStatus.NEW
    area = request.GET.get("area", "")
    criteria = selectors.QueueFilter(
        status=wanted,
        eligibility=request.GET.get("eligibility", "")
        if request.GET.get("eligibility", "") in {str(e) for e in Eligibility}
        else "",
        area_id=int(area) if area.isdigit() else None,
        urgent_only=request.GET.get("urgent") == "1",
    )
    page = Paginator(selectors.queue(actor=me, criteria=criteria), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.queue_counts(actor=me)
    tabs = [(s, counts[str(s)]) for s in selectors.QUEUE_STATUSES]
    return render(
        request,
        "referrals/queue.html",
        {
            "page": page,
            "tabs": tabs,
            "criteria": criteria,
            "query": query.urlencode(),
            "areas": ProgrammeArea.objects.all(),
            "eligibilities": list(Eligibility),
        },
    )


@require(Capability.WORK_REFERRALS)
@require_safe
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference)
    return _render_detail(request, referral)


def _render_detail(
    request: HttpRequest,
    referral: Referral,
    signpost: SignpostForm | None = None,
    problem: str = "",
    status: int = 200,
    ask: InformationRequestForm | None = None,
) -> HttpResponse:
    """The caseworker's record of a referral; every showing of it is audited."""
    services.referral_viewed(referral=referral, actor=signed_in_user(request))
    suggested = selectors.suggested_services(referral)
    if signpost is None:
        signpost = SignpostForm(services=suggested)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "answers": journey.answers(referral),
            "suggested": suggested,
            "form": signpost,
            "ask": ask or InformationRequestForm(),
            "problem": problem,
            "onward": referral.onward.select_related("service", "recorded_by").first(),
            "agenda": selectors.agenda_items_of(referral),
            "person_record": selectors.person_record_of(referral),
        },
        status=status,
    )


@require(Capability.WORK_REFERRALS)
@require_POST
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference)
    decision = request.POST.get("decision", "")
    if decision not in services.DECISIONS:
        return _render_detail(request, referral, problem="Choose a decision", status=400)
    try:
        services.referral_decide(referral=referral, actor=me, decision=decision)
    except services.ReferralRefused as refused:
        return _render_detail(request, referral, problem=str(refused), status=400)
    messages.success(request, f"{referral.reference} is now: {referral.get_status_display()}")
    return redirect("referrals:detail", reference=reference)


@require(Capability.WORK_REFERRALS)
@require_POST
def ask(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference)
    form = InformationRequestForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, referral, ask=form, status=400)
    try:
        services.referral_request_information(
            referral=referral, actor=me, request=form.cleaned_data["request"]
        )
    except services.ReferralRefused as refused:
        return _render_detail(request, referral, problem=str(refused), status=400)
    messages.success(request, "The referrer has been asked for more information")
    return redirect("referrals:detail", reference=reference)


@require(Capability.WORK_REFERRALS)
@require_POST
def signpost(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference)
    # Only the services that fit this person can be chosen.
    form = SignpostForm(request.POST, services=selectors.suggested_services(referral))
    if not form.is_valid():
        return _render_detail(request, referral, signpost=form, status=400)
    try:
        services.referral_signpost(
            referral=referral, actor=me, service=form.cleaned_data["service"]
        )
    except services.ReferralRefused as refused:
        return _render_detail(request, referral, problem=str(refused), status=400)
    messages.success(request, f"Onward referral to {form.cleaned_data['service']} recorded")
    return redirect("referrals:detail", reference=reference)


@require(Capability.WORK_REFERRALS)
@require_POST
def mark_repeat(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    referral = permissions.access_referral(me, reference)
    if referral.possibly_known_as is None:
        return _render_detail(
            request, referral, problem="There is no earlier referral to link", status=400
        )
    try:
        services.referral_mark_repeat(
            referral=referral, actor=me, earlier=referral.possibly_known_as
        )
    except services.ReferralRefused as refused:
        return _render_detail(request, referral, problem=str(refused), status=400)
    messages.success(request, f"Recorded as a repeat referral of {referral.possibly_known_as}")
    return redirect("referrals:detail", reference=reference)


# Referrals sent in a CSV file by an agency's administrator.


@csrf_exempt  # checked by _upload, once the file is set to be read into memory, not to disk
@require(Capability.UPLOAD_REFERRALS)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    handler = bulk.InMemoryUpload(request)
    request.upload_handlers = [handler]
    return _upload(request, handler)


@csrf_protect
def _upload(request: HttpRequest, handler: bulk.InMemoryUpload) -> HttpResponse:
    me = signed_in_user(request)
    if request.method == "GET":
        return _upload_page(request, bulk.UploadForm())
    form = bulk.UploadForm(request.POST, request.FILES, too_big=handler.too_big)
    if not form.is_valid():
        return _upload_page(request, form)
    checked = bulk.check_file(form.records, agency=me.agency)
    if checked.bad and not (form.cleaned_data["good_rows_only"] and checked.good):
        return _upload_report(request, _report_rows(checked))
    return _send_rows(request, me, checked, not_sent=[row.number for row in checked.bad])


def _upload_page(request: HttpRequest, form: bulk.UploadForm) -> HttpResponse:
    return render(
        request,
        "referrals/bulk_upload.html",
        {
            "form": form,
            "guidance": bulk.GUIDANCE,
            "codes": bulk.CODES,
            "columns": bulk.COLUMNS,
            "max_rows": f"{bulk.MAX_ROWS:,}",
        },
    )


def _report_rows(checked: bulk.Checked) -> list[tuple[int, list[str], str]]:
    return [(row.number, row.errors, row.sent_as) for row in checked.rows]


def _upload_report(request: HttpRequest, rows: list[tuple[int, list[str], str]]) -> HttpResponse:
    bad = sum(1 for _, errors, _ in rows if errors)
    before = sum(1 for _, errors, sent_as in rows if sent_as and not errors)
    return render(
        request,
        "referrals/bulk_report.html",
        {
            "rows": rows,
            "form": bulk.UploadForm(),
            "total": len(rows),
            "bad": bad,
            "before": before,
            "good": len(rows) - bad - before,
        },
    )


def _send_rows(
    request: HttpRequest, me: User, checked: bulk.Checked, *, not_sent: list[int]
) -> HttpResponse:
    if not checked.good:
        # Nothing new to send: every row was sent before.
        return _upload_report(request, _report_rows(checked))
    try:
        made = bulk.referrals_send(actor=me, checked=checked)
    except IntegrityError:
        # Another upload of the same rows got there first: show which were sent by it.
        again = bulk.check_again(checked, agency=me.agency)
        return _upload_report(request, _report_rows(again))
    bulk.remember_sent(request.session, made, not_sent=not_sent, before=len(checked.already_sent))
    return redirect("referrals:upload-sent")


@require(Capability.UPLOAD_REFERRALS)
@require_safe
def upload_sent(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(bulk.SENT)
    if not sent:
        return redirect("referrals:upload")
    return render(request, "referrals/bulk_sent.html", sent)
