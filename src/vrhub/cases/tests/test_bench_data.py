"""The pathway benchmark's generator (bench/pathway.py) at a small scale: the world it writes
straight into the tables must be one the services could have made, or the benchmark measures
pages over impossible data."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bench.pathway import World, generate
from django.conf import settings
from django.db.models import Count, Max, Q
from django.test import TestCase, override_settings
from django.utils import timezone

from vrhub.accounts.models import Role, User
from vrhub.cases import services
from vrhub.cases.models import (
    SUCCESSFUL_CONTACTS,
    AtRiskEntry,
    AtRiskStatus,
    Case,
    CaseMove,
    Contact,
    ContactMethod,
    MentorAssignment,
    NeedsAssessment,
    NeedScore,
    Offer,
    OfferAnswer,
)
from vrhub.cases.pathway import ClosureReason, MoveKind, Step, check_move
from vrhub.core.demo import build_world
from vrhub.referrals.models import Eligibility, Referral, ReferralStatus

CASES, CONTACTS = 400, 8000


class BenchWorldTests(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        with override_settings(VRHUB_DEMO_REFERRALS=0):
            build_world()
        cls.world = generate(cases=CASES, contacts=CONTACTS, caseworkers=6, mentors=8, seed=7)

    def test_it_makes_what_was_asked_and_counts_it(self) -> None:
        assert Case.objects.count() == CASES
        assert Contact.objects.count() == CONTACTS
        assert self.world.rows["cases"] == CASES
        assert self.world.rows["contacts"] == CONTACTS
        assert self.world.rows["moves"] == CaseMove.objects.count()
        assert self.world.total_rows > CASES + CONTACTS
        assert User.objects.filter(role_assignments__role=Role.CASEWORKER).count() >= 6

    def test_every_case_has_its_own_accepted_eligible_referral(self) -> None:
        referrals = Referral.objects.filter(case__isnull=False)
        assert referrals.count() == CASES
        assert set(referrals.values_list("status", flat=True)) == {ReferralStatus.ACCEPTED}
        assert set(referrals.values_list("eligibility", flat=True)) == {Eligibility.ELIGIBLE}
        assert not referrals.filter(area__isnull=True).exists()

    def test_cases_are_spread_over_the_steps_and_the_ways_they_end(self) -> None:
        open_steps = set(Case.objects.filter(is_open=True).values_list("step", flat=True))
        assert open_steps == {int(s) for s in Step if s >= Step.OFFER}
        assert not Case.objects.filter(is_open=True).exclude(closure_reason="").exists()
        closed = Case.objects.filter(is_open=False)
        assert not closed.filter(Q(closure_reason="") | Q(closed_at__isnull=True)).exists()
        assert {ClosureReason.COMPLETED, ClosureReason.OFFER_DECLINED} <= set(
            closed.values_list("closure_reason", flat=True)
        )
        assert not closed.filter(closure_reason=ClosureReason.COMPLETED, placement_outcome="")
        loads = Counter(Case.objects.filter(is_open=True).values_list("caseworker", flat=True))
        assert len(loads) == 6

    def test_each_case_meets_the_conditions_of_every_step_it_reached(self) -> None:
        for case in Case.objects.filter(step__gt=Step.OFFER):
            facts = services.facts_about(case)
            for step in range(Step.MOMENT, case.step + 1):
                check_move(Step(step - 1), Step(step), facts)

    def test_each_timeline_runs_in_order_to_where_the_case_is(self) -> None:
        timelines: dict[int, list[CaseMove]] = {}
        for move in CaseMove.objects.order_by("case_id", "id"):
            timelines.setdefault(move.case_id, []).append(move)
        now = timezone.now()
        for case in Case.objects.all():
            moves = timelines[case.pk]
            assert [m.at for m in moves] == sorted(m.at for m in moves), case.reference
            assert moves[-1].at <= now
            last = moves[-1]
            if case.is_open:
                assert last.to_step == case.step
            else:
                assert last.kind == MoveKind.EXIT
                assert last.from_step == case.step

    def test_contacts_belong_to_cases_and_the_last_successful_one_agrees(self) -> None:
        today = timezone.localdate()
        assert not Contact.objects.filter(occurred_on__gt=today).exists()
        # Only people who accepted the offer are contacted, and only while their case is open.
        assert not Contact.objects.filter(case__step=Step.OFFER).exists()
        for case in Case.objects.annotate(
            last=Max("contacts__occurred_on", filter=Q(contacts__method__in=SUCCESSFUL_CONTACTS))
        ):
            assert case.last_successful_contact_on == case.last, case.reference
            ended = timezone.localtime(case.closed_at).date() if case.closed_at else today
            newest = case.contacts.aggregate(n=Max("occurred_on"))["n"]
            assert newest is None or newest <= ended

    def test_the_cases_looked_at_are_what_the_benchmark_says(self) -> None:
        world = self.world
        open_cases = Case.objects.filter(is_open=True, caseworker_id=world.caseworker_id).count()
        assert open_cases == world.caseworker_open_cases > 0
        typical = Case.objects.get(reference=world.typical_case)
        assert typical.contacts.count() == world.typical_case_contacts
        assert abs(world.typical_case_contacts - 20) <= 5
        busiest = Contact.objects.values("case").annotate(n=Count("id")).order_by("-n").first()
        assert busiest is not None
        assert world.busiest_case_contacts == busiest["n"] >= 100

    def test_offers_mentors_needs_and_reviews_agree_with_the_cases(self) -> None:
        assert Offer.objects.count() == CASES
        awaiting = Offer.objects.filter(answer=OfferAnswer.AWAITING)
        assert not awaiting.exclude(case__is_open=True, case__step=Step.OFFER).exists()
        assert not awaiting.filter(respond_by__lt=timezone.localdate()).exists()
        # Everyone past relationship building has a current mentor from an agency that mentors.
        past_5 = Case.objects.filter(step__gt=Step.RELATIONSHIP)
        with_mentor = past_5.filter(mentor_assignments__ends_on__isnull=True).distinct()
        assert with_mentor.count() == past_5.count()
        assert not MentorAssignment.objects.filter(mentor__agency__provides_mentors=False)
        scores = NeedScore.objects.values("assessment").annotate(n=Count("id"))
        assert {row["n"] for row in scores} == {9}
        for case in Case.objects.filter(assessments__isnull=False).distinct():
            last = NeedsAssessment.objects.filter(case=case).order_by("-assessed_on").first()
            assert last is not None
            assert case.next_review_on == last.next_review_on

    def test_the_at_risk_list_is_one_the_services_could_have_made(self) -> None:
        today = timezone.localdate()
        entries = AtRiskEntry.objects.select_related("case__referral")
        assert entries.count() > CASES // 10
        for entry in entries:
            assert entry.case.closure_reason in {
                ClosureReason.OFFER_DECLINED,
                ClosureReason.NO_RESPONSE,
                ClosureReason.DISENGAGED,
            }
            assert not services.victim_only(entry.case.referral)
            assert entry.review_on >= entry.added_on
        assert entries.filter(status=AtRiskStatus.EXPIRED).exists()
        assert entries.filter(status=AtRiskStatus.ACTIVE, review_on__gte=today).exists()
        assert not entries.filter(status=AtRiskStatus.ACTIVE, review_on__lt=today).exists()

    def test_the_services_carry_on_from_the_generated_rows(self) -> None:
        # Ids and sequences are where the application expects them: it can add to the world.
        case = Case.objects.filter(is_open=True, step__gte=Step.RELATIONSHIP).first()
        assert case is not None
        assert case.caseworker is not None
        today = timezone.localdate()
        contact = services.contact_log(
            case=case,
            actor=case.caseworker,
            method=ContactMethod.PHONE,
            occurred_on=today,
            duration_minutes=10,
            note="",
        )
        assert contact.pk > CONTACTS
        case.refresh_from_db()
        assert case.last_successful_contact_on == today

    def test_some_open_cases_have_had_no_successful_contact_for_too_long(self) -> None:
        quiet_since = timezone.localdate() - timedelta(days=settings.VRHUB_CONTACT_GAP_DAYS)
        engaged = Case.objects.filter(is_open=True, step__gte=Step.RELATIONSHIP)
        assert engaged.filter(last_successful_contact_on__lt=quiet_since).exists()
        assert engaged.filter(last_successful_contact_on__gte=quiet_since).exists()
