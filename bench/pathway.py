"""The CIRV pathway over 100,000 cases and 2,000,000 contacts: the caseworker's cases, the case
page, the programme figures (page and API) and the at-risk list.

Target: p95 under 150 ms for each page on this machine. The world is written straight
into the tables in batches (no services, no audit trail), spread across the steps, caseworkers,
mentors and outcomes like a programme several years old. Scale it down for a quick run:

    BENCH_CASES=5000 BENCH_CONTACTS=100000 python -m bench.pathway

A page whose URL does not exist yet, or that does not answer 200, is reported as such (and the
run fails); no number is made up for it.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

CASES = int(os.environ.get("BENCH_CASES", "100000"))
CONTACTS = int(os.environ.get("BENCH_CONTACTS", "2000000"))
CASEWORKERS = int(os.environ.get("BENCH_CASEWORKERS", "40"))
MENTORS = int(os.environ.get("BENCH_MENTORS", "60"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
TARGET_P95_MS = 150

# Shares of the world: a programme several years old, most cases closed.
OPEN_SHARE = 0.12
OPEN_STEPS = {3: 10, 4: 15, 5: 25, 6: 22, 7: 16, 8: 12}
CLOSED_WEIGHTS = {
    "offer_declined": 38,
    "no_response": 18,
    "completed": 16,
    "disengaged": 18,
    "moved_out_of_area": 4,
    "custody": 3,
    "other": 3,
}
# Of those who declined, did not answer or disengaged: how many are (or were) on the at-risk
# list, which makes about one case in five.
AT_RISK_SHARE = 0.31
MIN_DAYS_AT_STEP = {3: 1, 4: 10, 5: 25, 6: 50, 7: 85, 8: 115}
YEARS_OF_CASES = 730
# Contacts: 45% face to face, 25% by phone, 15% by message, 15% attempted (unsuccessful).
CASE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BATCH_CASES = 2000


@dataclass
class World:
    """What the generator made, and the people and cases the benchmark looks at."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    caseworker_id: int = 0  # the caseworker with the median open caseload
    caseworker_open_cases: int = 0
    typical_case: str = ""  # a case with about 20 contacts
    typical_case_contacts: int = 0
    busiest_case: str = ""  # the case with the most contacts
    busiest_case_contacts: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class _Plan:
    """One case's life: opened `opened` days ago, at `step` now (or when it closed)."""

    opened: date
    step: int
    reason: str  # "" while open
    ended: date  # the day it closed, or today
    steps: dict[int, date]  # the day it entered each step from 3
    contacts: int = 0
    gap: bool = False  # no successful contact lately


class _Table:
    """Rows for one table, written with executemany in the caller's transaction. Columns not
    given take the field's default; each row gets the next id."""

    def __init__(self, model: Any, columns: list[str], now: Any) -> None:
        from django.db import connection

        self.model = model
        meta = model._meta
        given = [meta.get_field(name) for name in columns]
        names = {f.column for f in given}
        rest = [f for f in meta.concrete_fields if not f.primary_key and f.column not in names]
        tail = []
        for f in rest:
            automatic = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            value = now if automatic else f.get_default()
            tail.append(f.get_db_prep_save(value, connection))
        self.tail = tuple(tail)
        quote = connection.ops.quote_name
        cols = [meta.pk.column, *(f.column for f in given), *(f.column for f in rest)]
        marks = ", ".join(["%s"] * len(cols))
        # Table and column names come from the models, never from input.
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in cols)}) "  # noqa: S608
            f"VALUES ({marks})"
        )
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next_id = (last or 0) + 1
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, *values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.tail))
        return pk

    def flush(self) -> None:
        from django.db import connection

        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.written += len(self.rows)
            self.rows = []


class _Dates:
    """Dates and times adapted for the database once, not once per row."""

    def __init__(self) -> None:
        from django.db import connection
        from django.utils import timezone

        self.ops = connection.ops
        self.tz = timezone.get_current_timezone()
        self._days: dict[date, Any] = {}
        self._times: dict[tuple[date, int], Any] = {}

    def day(self, value: date | None) -> Any:
        if value is None:
            return None
        found = self._days.get(value)
        if found is None:
            found = self._days[value] = self.ops.adapt_datefield_value(value)
        return found

    def at(self, value: date, hour: int = 12) -> Any:
        found = self._times.get((value, hour))
        if found is None:
            aware = datetime.combine(value, clock(hour), tzinfo=self.tz)
            found = self._times[(value, hour)] = self.ops.adapt_datetimefield_value(aware)
        return found


def _reference(prefix: str, number: int) -> str:
    digits = []
    for _ in range(8):
        number, digit = divmod(number, len(CASE_ALPHABET))
        digits.append(CASE_ALPHABET[digit])
    return prefix + "".join(reversed(digits))


def _staff(count: int, role: str, agencies: list[Any], label: str) -> list[int]:
    """Bench users with one role (no password: the benchmark signs them in directly)."""
    from django.contrib.auth.hashers import make_password

    from vrhub.accounts.models import RoleAssignment, User

    users = User.objects.bulk_create(
        User(
            email=f"bench-{label}-{n}@bench.vrhub.example",
            full_name=f"Bench {label.title()} {n}",
            agency=agencies[n % len(agencies)],
            password=make_password(None),
        )
        for n in range(1, count + 1)
    )
    ids = [u.pk for u in users] if users and users[0].pk else []
    if not ids:  # backends that do not return ids from bulk_create
        ids = list(
            User.objects.filter(email__startswith=f"bench-{label}-").values_list("pk", flat=True)
        )
    RoleAssignment.objects.bulk_create(RoleAssignment(user_id=pk, role=role) for pk in ids)
    return ids


def _plans(rng: random.Random, cases: int, today: date) -> list[_Plan]:
    plans = []
    reasons, weights = zip(*CLOSED_WEIGHTS.items(), strict=True)
    for _ in range(cases):
        if rng.random() < OPEN_SHARE:
            step = rng.choices(list(OPEN_STEPS), weights=list(OPEN_STEPS.values()))[0]
            low = MIN_DAYS_AT_STEP[step]
            opened = today - timedelta(days=rng.randint(low, min(YEARS_OF_CASES, low + 300)))
            # Worked with until yesterday: nothing is dated later in the day than now.
            reason, ended = "", today - timedelta(days=1)
        else:
            reason = rng.choices(reasons, weights=weights)[0]
            step, length = {
                "offer_declined": (3, rng.randint(2, 14)),
                "no_response": (3, 16),
                "completed": (8, rng.randint(150, 330)),
                "disengaged": (rng.randint(5, 7), rng.randint(45, 250)),
            }.get(reason, (rng.randint(4, 6), rng.randint(30, 200)))
            ago = max(rng.randint(20, YEARS_OF_CASES), length + 1)
            opened = today - timedelta(days=ago)
            ended = min(opened + timedelta(days=length), today - timedelta(days=1))
        steps = {3: opened}
        if step >= 4:
            accepted = min(opened + timedelta(days=rng.randint(2, 14)), ended)
            steps[4] = accepted
            later = list(range(5, step + 1))
            span = max((ended - accepted).days, 2 * len(later) + 1)
            cuts = sorted(rng.uniform(0.1, 0.95) for _ in later)
            for s, cut in zip(later, cuts, strict=True):
                steps[s] = min(accepted + timedelta(days=max(1, round(span * cut))), ended)
        plan = _Plan(opened=opened, step=step, reason=reason, ended=ended, steps=steps)
        plan.gap = not reason and step >= 5 and rng.random() < 0.15
        plans.append(plan)
    return plans


def _share_contacts(rng: random.Random, plans: list[_Plan], contacts: int) -> None:
    """Contacts in proportion to how long each person was worked with (from step 4); one
    open case gets many."""
    engaged = [(i, (p.ended - p.steps[4]).days + 1) for i, p in enumerate(plans) if 4 in p.steps]
    if not engaged or contacts <= 0:
        return
    busiest = max((i for i, _ in engaged if not plans[i].reason), default=engaged[0][0])
    many = min(max(200, contacts // 1000), max(contacts // 4, 1))
    plans[busiest].contacts = many
    rest = max(contacts - many, 0)
    total_days = sum(d for i, d in engaged if i != busiest) or 1
    given = many
    for i, days in engaged:
        if i == busiest:
            continue
        wanted = rest * days / total_days * rng.uniform(0.6, 1.4)
        plans[i].contacts = int(wanted) + (rng.random() < wanted % 1)
        given += plans[i].contacts
    # Even out the rounding so the total is what was asked for.
    order = [i for i, _ in engaged if i != busiest]
    while given != contacts and order:
        i = rng.choice(order)
        if given < contacts:
            plans[i].contacts += 1
            given += 1
        elif plans[i].contacts > 0:
            plans[i].contacts -= 1
            given -= 1


def generate(
    *,
    cases: int,
    contacts: int,
    caseworkers: int = CASEWORKERS,
    mentors: int = MENTORS,
    seed: int = 1,
) -> World:
    """Write `cases` cases (each with its accepted referral) and `contacts` contacts, with
    their moves, offers, moments, mentors, needs, goals, service plans and at-risk entries.
    Needs the demo's agencies, areas and services (manage.py load_demo, or build_world)."""
    from dateutil.relativedelta import relativedelta
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from vrhub.accounts.models import Agency, AgencyKind, Role, User
    from vrhub.cases import models as m
    from vrhub.cases.pathway import ClosureReason
    from vrhub.referrals.eligibility import age_on
    from vrhub.referrals.models import (
        Concern,
        Eligibility,
        Ethnicity,
        ProgrammeArea,
        Referral,
        ReferralStatus,
        Service,
    )

    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    referrer = User.objects.filter(role_assignments__role=Role.REFERRER).first()
    areas = list(ProgrammeArea.objects.all())
    police = Agency.objects.filter(kind=AgencyKind.POLICE).first()
    mentor_agencies = list(Agency.objects.filter(provides_mentors=True))
    directory = list(Service.objects.filter(is_active=True, serves_out_of_area=False))
    if referrer is None or not areas or police is None or not mentor_agencies or not directory:
        raise RuntimeError("Load the demo world first (manage.py load_demo).")
    workers = _staff(caseworkers, Role.CASEWORKER, [police], "caseworker")
    mentor_ids = _staff(mentors, Role.MENTOR, mentor_agencies, "mentor")
    worker_weights = [rng.uniform(0.5, 1.5) for _ in workers]
    mentor_weights = [rng.uniform(0.5, 1.5) for _ in mentor_ids]

    today = timezone.localdate()
    now = timezone.now()
    dates = _Dates()
    plans = _plans(rng, cases, today)
    _share_contacts(rng, plans, contacts)
    gap_days = settings.VRHUB_CONTACT_GAP_DAYS
    review_every = timedelta(days=settings.VRHUB_NEEDS_REVIEW_DAYS)
    at_risk_months = relativedelta(months=settings.VRHUB_AT_RISK_REVIEW_MONTHS)
    concerns = [c.value for c in Concern]
    ethnicities = [e.value for e in Ethnicity]
    domains = [d.value for d in m.NeedDomain]
    json_field = Referral._meta.get_field("concerns")

    def as_json(value: list[str]) -> Any:
        return json_field.get_db_prep_save(value, connection)

    tables = {
        "referrals": _Table(
            Referral,
            [
                "reference",
                "status",
                "referred_by",
                "referring_agency",
                "first_name",
                "last_name",
                "date_of_birth",
                "sex",
                "ethnicity",
                "postcode",
                "concerns",
                "risk_factors",
                "immediate_risk",
                "person_aware",
                "urgency",
                "referral_date",
                "age_at_referral",
                "area",
                "eligibility",
                "submitted_at",
                "created_at",
            ],
            now,
        ),
        "cases": _Table(
            m.Case,
            [
                "reference",
                "referral",
                "caseworker",
                "step",
                "step_entered_at",
                "is_open",
                "opened_at",
                "closed_at",
                "closure_reason",
                "placement_outcome",
                "last_successful_contact_on",
                "next_review_on",
                "offer_respond_by",
                "changed_at",
                "changed_by",
            ],
            now,
        ),
        "moves": _Table(
            m.CaseMove, ["case", "kind", "from_step", "to_step", "reason", "by", "at"], now
        ),
        "offers": _Table(
            m.Offer,
            ["case", "made_on", "method", "answer", "answered_on", "respond_by", "recorded_by"],
            now,
        ),
        "moments": _Table(
            m.ReachableMoment,
            [
                "case",
                "kind",
                "occurred_on",
                "contacted_on",
                "contact_method",
                "recorded_by",
                "recorded_at",
            ],
            now,
        ),
        "mentors": _Table(m.MentorAssignment, ["case", "mentor", "starts_on", "assigned_by"], now),
        "contacts": _Table(
            m.Contact,
            [
                "case",
                "method",
                "occurred_on",
                "duration_minutes",
                "note",
                "recorded_by",
                "recorded_at",
            ],
            now,
        ),
        "assessments": _Table(
            m.NeedsAssessment,
            ["case", "assessed_on", "is_review", "next_review_on", "assessed_by"],
            now,
        ),
        "scores": _Table(m.NeedScore, ["assessment", "domain", "score"], now),
        "goals": _Table(
            m.Goal, ["case", "domain", "description", "status", "set_by", "set_on"], now
        ),
        "plans": _Table(
            m.PlannedService,
            ["case", "service", "position", "status", "status_on", "planned_by"],
            now,
        ),
        "at_risk": _Table(
            m.AtRiskEntry,
            ["case", "reason", "owner", "added_on", "review_on", "status", "ended_on"],
            now,
        ),
        "at_risk_reviews": _Table(
            m.AtRiskReview,
            ["entry", "reviewed_by", "reviewed_on", "justification", "next_review_on"],
            now,
        ),
    }
    order = list(tables)
    areas_districts = [(a, a.postcode_districts or ["CV1"]) for a in areas]
    case_offset = rng.randint(31**6, 31**7)  # references apart from any the services made
    contact_counts: dict[int, tuple[str, int]] = {}
    cases_table, contacts_table = tables["cases"], tables["contacts"]
    draw = rng.random
    never = date.max.toordinal()
    day_of: dict[int, tuple[Any, Any]] = {}

    for start in range(0, len(plans), BATCH_CASES):
        for index in range(start, min(start + BATCH_CASES, len(plans))):
            plan = plans[index]
            worker = rng.choices(workers, weights=worker_weights)[0]
            area, districts = rng.choice(areas_districts)
            referred = plan.opened - timedelta(days=rng.randint(14, 40))
            age = rng.choices(
                range(14, 31), weights=[9, 12, 14, 14, 12, 10, 8, 6, 5, 4, 3, 3, 2, 2, 2, 1, 1]
            )[0]
            born = referred - timedelta(days=age * 365 + rng.randint(0, 364))
            sex = "male" if rng.random() < 0.87 else "female"
            its_concerns = rng.sample(concerns, rng.randint(1, 3))
            referral = tables["referrals"].add(
                _reference("R-", case_offset + index),
                ReferralStatus.ACCEPTED.value,
                referrer.pk,
                referrer.agency_id,
                "Bench",
                f"Person {index}",
                dates.day(born),
                sex,
                rng.choice(ethnicities),
                f"{rng.choice(districts)} {rng.randint(1, 9)}AB",
                as_json(its_concerns),
                as_json([]),
                False,
                "agrees",
                "routine",
                dates.day(referred),
                age_on(born, referred),
                area.pk,
                Eligibility.ELIGIBLE.value,
                dates.at(referred),
                dates.at(referred),
            )
            reference = _reference("C-", case_offset + index)
            offer_made = min(plan.opened + timedelta(days=rng.randint(1, 3)), plan.ended)
            if plan.step == 3 and not plan.reason:
                offer_made = max(plan.opened, today - timedelta(days=rng.randint(0, 10)))
            respond_by = offer_made + timedelta(days=14)
            ended_at = plan.ended if plan.reason else None
            last_entry = plan.steps[plan.step] if not plan.reason else plan.ended
            mentor = None
            if plan.step >= 5 and (plan.reason or plan.step > 5 or rng.random() < 0.7):
                mentor = rng.choices(mentor_ids, weights=mentor_weights)[0]
            mentor_from = (
                plan.steps[5] + timedelta(days=rng.randint(0, 6)) if 5 in plan.steps else None
            )
            if mentor_from is not None:
                mentor_from = min(mentor_from, plan.ended)

            # Contacts, written as they are drawn (the hot loop: 2 million of them). Their
            # dates decide the case's last successful contact, which goes on the case's row.
            case_id = cases_table.next_id
            made, last_ordinal = 0, 0
            if plan.contacts and 4 in plan.steps:
                first = plan.steps[4].toordinal()
                width = max((plan.ended - plan.steps[4]).days, 0) + 1
                quiet = never
                if plan.gap:
                    quiet = today.toordinal() - rng.randint(gap_days + 2, gap_days * 3)
                mentor_on = mentor_from.toordinal() if mentor and mentor_from else never
                append, tail, pk = (
                    contacts_table.rows.append,
                    contacts_table.tail,
                    contacts_table.next_id,
                )
                for _ in range(plan.contacts):
                    ordinal = first + int(draw() * width)
                    x = draw()
                    if x >= 0.85 or ordinal >= quiet:
                        how, minutes = "attempted", None
                    elif x < 0.45:
                        how, minutes = "face_to_face", 45
                    elif x < 0.70:
                        how, minutes = "phone", 10
                    else:
                        how, minutes = "message", None
                    by = mentor if ordinal >= mentor_on and draw() < 0.85 else worker
                    stamp = day_of.get(ordinal)
                    if stamp is None:
                        on = date.fromordinal(ordinal)
                        stamp = day_of[ordinal] = (dates.day(on), dates.at(on, 17))
                    append((pk, case_id, how, stamp[0], minutes, "", by, stamp[1], *tail))
                    pk += 1
                    if how != "attempted" and ordinal > last_ordinal:
                        last_ordinal = ordinal
                made = plan.contacts
                contacts_table.next_id = pk
            last_success = date.fromordinal(last_ordinal) if last_ordinal else None

            assessments: list[date] = []
            if 6 in plan.steps:
                day = min(plan.steps[6] + timedelta(days=rng.randint(0, 5)), plan.ended)
                while day <= plan.ended and len(assessments) < 4:
                    assessments.append(day)
                    day += review_every
            next_review = assessments[-1] + review_every if assessments else None

            case = tables["cases"].add(
                reference,
                referral,
                worker,
                plan.step,
                dates.at(last_entry, 15),
                not plan.reason,
                dates.at(plan.opened, 11),
                dates.at(ended_at, 16) if ended_at else None,
                plan.reason,
                rng.choice(["education", "training", "employment", "relocation"])
                if plan.reason == "completed"
                else "",
                dates.day(last_success),
                dates.day(next_review),
                dates.day(respond_by) if plan.step == 3 and not plan.reason else None,
                dates.at(plan.ended, 17),
                worker,
            )
            assert case == case_id  # the contacts above point at it
            if made:
                contact_counts[case] = (reference, made)

            moves = tables["moves"]
            moves.add(case, "history", None, 1, "", referrer.pk, dates.at(referred))
            moves.add(
                case, "history", 1, 2, "", worker, dates.at(plan.opened - timedelta(days=7), 9)
            )
            moves.add(
                case,
                "opened",
                2,
                3,
                "Accepted at the multi-agency triage panel",
                worker,
                dates.at(plan.opened, 11),
            )
            for s in range(4, plan.step + 1):
                moves.add(case, "forward", s - 1, s, "", worker, dates.at(plan.steps[s], 15))
            if plan.reason:
                why = ClosureReason(plan.reason).label
                moves.add(case, "exit", plan.step, None, why, worker, dates.at(plan.ended, 16))

            answer, answered = "awaiting", None
            if plan.step >= 4:
                answer, answered = "accepted", plan.steps[4]
            elif plan.reason == "offer_declined":
                answer, answered = "declined", plan.ended
            elif plan.reason == "no_response":
                answer = "no_response"
            tables["offers"].add(
                case,
                dates.day(offer_made),
                rng.choice(["in_person", "phone", "letter"]),
                answer,
                dates.day(answered),
                dates.day(respond_by),
                worker,
            )
            if 4 in plan.steps:
                occurred = plan.steps[4] + timedelta(days=rng.randint(0, 5))
                occurred = min(occurred, plan.ended)
                tables["moments"].add(
                    case,
                    rng.choice([k.value for k in m.MomentKind]),
                    dates.day(occurred),
                    dates.day(occurred),
                    "face_to_face",
                    worker,
                    dates.at(occurred, 18),
                )
            if mentor is not None and mentor_from is not None:
                tables["mentors"].add(case, mentor, dates.day(mentor_from), worker)
            scores = {d: rng.randint(1, 4) for d in domains}
            for n, day in enumerate(assessments):
                assessment = tables["assessments"].add(
                    case, dates.day(day), n > 0, dates.day(day + review_every), worker
                )
                for domain in domains:
                    tables["scores"].add(assessment, domain, scores[domain])
                scores = {d: min(5, s + rng.choice((0, 0, 1))) for d, s in scores.items()}
            if assessments:
                for domain in rng.sample(domains, rng.randint(1, 2)):
                    tables["goals"].add(
                        case,
                        domain,
                        "Bench goal",
                        rng.choice(["open", "open", "achieved"]),
                        worker,
                        dates.day(assessments[0]),
                    )
            if 7 in plan.steps:
                for position, service in enumerate(
                    rng.sample(directory, min(len(directory), rng.randint(1, 3))), 1
                ):
                    tables["plans"].add(
                        case,
                        service.pk,
                        position,
                        rng.choice(["planned", "referred", "started"]),
                        dates.day(plan.steps[7]),
                        worker,
                    )
            if (
                plan.reason in ("offer_declined", "no_response", "disengaged")
                and (rng.random() < AT_RISK_SHARE)
                and its_concerns != [Concern.VIOLENCE_VICTIM.value]
            ):
                added = plan.ended
                review = added + at_risk_months
                status, ended_on, review_on = "active", None, review
                rejustified = review < today and rng.random() < 0.35
                if rejustified:
                    review_on = today + timedelta(days=rng.randint(1, 90))
                elif review < today:
                    status, ended_on = "expired", review + timedelta(days=1)
                entry = tables["at_risk"].add(
                    case,
                    plan.reason,  # the at-risk reasons are named as the closures
                    worker,
                    dates.day(added),
                    dates.day(review_on),
                    status,
                    dates.day(ended_on),
                )
                if rejustified:
                    tables["at_risk_reviews"].add(
                        entry,
                        worker,
                        dates.day(min(review, today)),
                        "Bench justification",
                        dates.day(review_on),
                    )
        with transaction.atomic():
            for name in order:
                tables[name].flush()

    world = World(rows={name: tables[name].written for name in order})
    world.rows["users"] = len(workers) + len(mentor_ids)
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        models = [t.model for t in tables.values()]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    world.seconds = time.perf_counter() - started

    loads = sorted(
        m.Case.objects.filter(is_open=True, caseworker_id__in=workers)
        .values_list("caseworker_id")
        .annotate(n=Count("id"))
        .values_list("n", "caseworker_id")
    )
    if loads:
        world.caseworker_open_cases, world.caseworker_id = loads[len(loads) // 2]
    if contact_counts:
        typical = min(contact_counts.values(), key=lambda rc: (abs(rc[1] - 20), rc[0]))
        world.typical_case, world.typical_case_contacts = typical
        most = max(contact_counts.values(), key=lambda rc: rc[1])
        world.busiest_case, world.busiest_case_contacts = most
    return world


# The pages measured: name, URL name, URL arguments, query, who asks.
def _pages(world: World) -> list[tuple[str, str, dict[str, str], dict[str, str], str]]:
    later = str(max(2, math.ceil(world.caseworker_open_cases / 50) // 2 + 1))
    return [
        ("my_cases_first_page", "cases:mine", {}, {}, "caseworker"),
        ("my_cases_later_page", "cases:mine", {}, {"page": later}, "caseworker"),
        (
            "case_page_about_20_contacts",
            "cases:detail",
            {"reference": world.typical_case},
            {},
            "caseworker",
        ),
        (
            "case_page_most_contacts",
            "cases:detail",
            {"reference": world.busiest_case},
            {},
            "caseworker",
        ),
        ("programme_page", "cases:programme", {}, {}, "manager"),
        ("api_programme_summary", "api:programme-summary", {}, {}, "manager"),
        ("at_risk_list", "cases:at-risk", {}, {}, "manager"),
    ]


def measure(
    world: World, clients: dict[str, Any], requests: int
) -> tuple[dict[str, object], list[str], dict[str, str]]:
    """p50/p95 of each page, the pages whose URL does not exist, and those that failed."""
    from django.urls import NoReverseMatch, reverse

    from .common import summary, timed

    results: dict[str, object] = {}
    missing: list[str] = []
    failed: dict[str, str] = {}
    for name, url_name, kwargs, query, who in _pages(world):
        if not all(kwargs.values()):
            failed[name] = "nothing to look at: no case in this world has contacts"
            continue
        try:
            url = reverse(url_name, kwargs=kwargs or None)
        except NoReverseMatch:
            missing.append(f"{name} ({url_name})")
            continue
        client = clients[who]
        try:
            status = client.get(url, query).status_code
        except Exception as error:  # the page is being built: report it, do not stop
            failed[name] = f"{url_name} raised {type(error).__name__}: {error}"
            continue
        if status != 200:
            failed[name] = f"{url_name} answered {status}"
            continue

        def one(u: str = url, q: dict[str, str] = query, c: Any = client) -> None:
            if c.get(u, q).status_code != 200:
                raise RuntimeError(f"{u} stopped answering 200")

        try:
            results[name] = {"url": url, "query": query, **summary(timed(one, requests))}
        except Exception as error:
            failed[name] = f"{url_name}: {type(error).__name__}: {error}"
    return results, missing, failed


def main() -> None:
    from .common import client_for, setup_django, write

    setup_django("pathway")
    from django.conf import settings

    from vrhub.accounts.models import User
    from vrhub.core.demo import build_world

    # The demo's agencies, areas, services and users, without its year of referrals.
    settings.VRHUB_DEMO_REFERRALS = 0
    demo = build_world()
    print(f"Building {CASES:,} cases and {CONTACTS:,} contacts...", flush=True)
    world = generate(cases=CASES, contacts=CONTACTS)
    print(
        f"Built {world.total_rows:,} rows in {world.seconds:.1f} s "
        f"({world.total_rows / world.seconds:,.0f} rows a second)",
        flush=True,
    )
    clients = {
        "caseworker": client_for(User.objects.get(pk=world.caseworker_id)),
        "manager": client_for(demo.users["manager"]),
    }
    results, missing, failed = measure(world, clients, REQUESTS)
    timed_p95 = [r["p95_ms"] for r in results.values()]  # type: ignore[index]
    worst = max(timed_p95) if timed_p95 else None
    write(
        "pathway",
        results,
        cases=world.rows.get("cases", 0),
        contacts=world.rows.get("contacts", 0),
        rows=world.rows,
        build_seconds=round(world.seconds, 1),
        rows_per_second=round(world.total_rows / world.seconds) if world.seconds else None,
        requests_per_page=REQUESTS,
        looked_at={
            "caseworker_open_cases": world.caseworker_open_cases,
            "typical_case_contacts": world.typical_case_contacts,
            "busiest_case_contacts": world.busiest_case_contacts,
        },
        missing_pages=missing,
        failed_pages=failed,
        target_p95_ms=TARGET_P95_MS,
        worst_p95_ms=worst,
        meets_target=worst is not None and not missing and not failed and worst < TARGET_P95_MS,
    )
    for name, result in results.items():
        print(f"  {name:<30} p50 {result['p50_ms']:>8.1f} ms  p95 {result['p95_ms']:>8.1f} ms")  # type: ignore[index]
    for page in missing:
        print(f"  MISSING: {page}: its URL does not exist yet, so it was not measured")
    for name, why in failed.items():
        print(f"  FAILED: {name}: {why}")
    if missing or failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
