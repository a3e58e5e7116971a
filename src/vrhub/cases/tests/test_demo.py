"""The demo world's pathway: what `make run` shows must be there, and loading again adds nothing.

The world is built once for the class (setUpTestData, rolled back afterwards), from 150 demo
referrals rather than 300 to keep it quick; the builders scale with the referrals."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.test import TestCase, override_settings
from django.utils import timezone

from vrhub.accounts.models import AgencyKind, User
from vrhub.accounts.permissions import mentees_of
from vrhub.audit.integrity import verify_chain
from vrhub.audit.models import AuditEvent
from vrhub.cases.models import (
    SUCCESSFUL_CONTACTS,
    AtRiskEntry,
    AtRiskStatus,
    Case,
    CaseMove,
    Contact,
    CustodyRelease,
    DisruptionPlan,
    Family,
    FamilyMember,
    MentorAssignment,
    NeedsAssessment,
    Offer,
    PopulationDimension,
    PopulationShare,
)
from vrhub.cases.pathway import OFFER_CLOSURES, ClosureReason, Step, check_move
from vrhub.cases.services import facts_about, victim_only
from vrhub.core.demo import build_world
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Ethnicity
from vrhub.triage.models import AgendaItem, Contribution, TriagePanel

DEMO_REFERRALS = 150
COUNTED = [
    TriagePanel,
    AgendaItem,
    Contribution,
    Case,
    CaseMove,
    Offer,
    Contact,
    MentorAssignment,
    NeedsAssessment,
    AtRiskEntry,
    FamilyMember,
    DisruptionPlan,
    PopulationShare,
    User,
    AuditEvent,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


class DemoPathwayTests(TestCase):
    created: dict[str, int]
    mentor_email: str
    police_email: str

    @classmethod
    def setUpTestData(cls) -> None:
        with override_settings(VRHUB_DEMO_REFERRALS=DEMO_REFERRALS):
            world = build_world()
        cls.created = dict(world.created)
        cls.mentor_email = world.users["mentor"].email
        cls.police_email = world.users["caseworker"].email

    def setUp(self) -> None:
        self.today = timezone.localdate()

    def test_open_cases_are_at_every_step_from_the_offer_to_placement(self) -> None:
        steps = set(Case.objects.filter(is_open=True).values_list("step", flat=True))
        assert steps == {int(s) for s in Step if s >= Step.OFFER}

    def test_every_open_case_has_done_the_work_its_step_requires(self) -> None:
        # The pathway's table refuses a move whose conditions do not hold; the demo went
        # through the services, so each case past a step meets that step's conditions.
        for case in Case.objects.filter(is_open=True, step__gt=Step.OFFER):
            facts = facts_about(case)
            for step in range(Step.MOMENT, case.step + 1):
                check_move(Step(step - 1), Step(step), facts)

    def test_closed_cases_end_in_several_ways_with_placements_for_those_completed(self) -> None:
        reasons = set(Case.objects.filter(is_open=False).values_list("closure_reason", flat=True))
        assert {
            ClosureReason.COMPLETED,
            ClosureReason.DISENGAGED,
            ClosureReason.OFFER_DECLINED,
            ClosureReason.NO_RESPONSE,
        } <= reasons
        completed = Case.objects.filter(closure_reason=ClosureReason.COMPLETED)
        assert completed.exists()
        assert not completed.filter(placement_outcome="").exists()

    def test_the_at_risk_list_has_current_entries_some_due_soon_and_some_expired(self) -> None:
        today = self.today
        current = AtRiskEntry.objects.filter(status=AtRiskStatus.ACTIVE, review_on__gte=today)
        assert current.count() >= 10
        assert current.filter(review_on__lte=today + timedelta(days=14)).exists()
        expired = AtRiskEntry.objects.filter(status=AtRiskStatus.EXPIRED)
        assert expired.exists()
        assert not expired.filter(Q(review_on__gte=today) | Q(ended_on__isnull=True)).exists()
        # Nothing is left on the list past its review date without a review.
        assert not AtRiskEntry.objects.filter(
            status=AtRiskStatus.ACTIVE, review_on__lt=today
        ).exists()
        # Every entry comes from someone who declined, did not answer or disengaged.
        assert set(AtRiskEntry.objects.values_list("case__closure_reason", flat=True)) <= {
            ClosureReason.OFFER_DECLINED,
            ClosureReason.NO_RESPONSE,
            ClosureReason.DISENGAGED,
        }

    def test_a_victim_only_person_who_declined_is_not_on_the_list(self) -> None:
        declined = Case.objects.filter(closure_reason=ClosureReason.OFFER_DECLINED).select_related(
            "referral"
        )
        victims = [c for c in declined if victim_only(c.referral)]
        assert victims
        assert not AtRiskEntry.objects.filter(case__in=victims).exists()

    def test_police_opened_a_disruption_plan_for_an_adult_who_refused(self) -> None:
        plan = DisruptionPlan.objects.select_related("case__referral", "opened_by__agency").get()
        assert plan.opened_by.email == self.police_email
        assert plan.opened_by.agency.kind == AgencyKind.POLICE
        assert plan.case.closure_reason in OFFER_CLOSURES
        born = plan.case.referral.date_of_birth
        assert born is not None
        assert age_on(born, self.today) >= 18
        assert plan.opened_on <= self.today

    def test_families_have_siblings_one_under_14_and_one_involved_in_serious_violence(self) -> None:
        with_two_cases = Family.objects.annotate(cases=Count("members__case")).filter(cases__gte=2)
        assert with_two_cases.exists()
        members = FamilyMember.objects.all()
        under_14 = [
            m for m in members if m.date_of_birth and age_on(m.date_of_birth, self.today) < 14
        ]
        assert under_14
        assert members.filter(involved_in_serious_violence=True, case__isnull=True).exists()

    def test_mentors_have_caseloads_and_the_demo_mentor_several_mentees(self) -> None:
        mentor = User.objects.get(email=self.mentor_email)
        assert mentees_of(mentor).count() >= 3
        mentors = (
            MentorAssignment.objects.filter(ends_on__isnull=True, case__is_open=True)
            .values("mentor")
            .distinct()
        )
        assert mentors.count() >= 3

    def test_caseworkers_have_caseloads(self) -> None:
        loads = Case.objects.filter(is_open=True).values("caseworker").annotate(n=Count("id"))
        assert len(loads) >= 3
        assert all(row["caseworker"] is not None for row in loads)

    def test_contacts_run_over_weeks_and_some_people_are_flagged_for_no_contact(self) -> None:
        gap = self.today - timedelta(days=settings.VRHUB_CONTACT_GAP_DAYS)
        engaged = Case.objects.filter(is_open=True, step__gte=Step.RELATIONSHIP)
        assert engaged.filter(last_successful_contact_on__lt=gap).exists()
        assert engaged.filter(last_successful_contact_on__gte=gap).exists()
        spans = Contact.objects.values("case").annotate(
            first=Min("occurred_on"), last=Max("occurred_on"), n=Count("id")
        )
        assert any(s["n"] >= 5 and (s["last"] - s["first"]).days >= 28 for s in spans)
        # The case's last successful contact, kept by the services, agrees with its contacts.
        for case in Case.objects.annotate(
            last=Max("contacts__occurred_on", filter=Q(contacts__method__in=SUCCESSFUL_CONTACTS))
        ):
            assert case.last_successful_contact_on == case.last, case.reference

    def test_needs_were_reviewed_and_changed(self) -> None:
        reviewed = NeedsAssessment.objects.filter(is_review=True).select_related("case")
        assert reviewed.exists()
        changed = 0
        for review in reviewed:
            first = review.case.assessments.order_by("assessed_on", "id").first()
            assert first is not None
            before = dict(first.scores.values_list("domain", "score"))
            after = dict(review.scores.values_list("domain", "score"))
            changed += before != after
        assert changed

    def test_someone_leaving_custody_has_a_mentor_before_release(self) -> None:
        release = CustodyRelease.objects.select_related("case").get()
        assert release.release_on > self.today
        mentor = release.case.mentor_assignments.get(ends_on__isnull=True)
        assert mentor.starts_on < release.release_on

    def test_past_and_upcoming_panels_with_contributions_and_one_flag(self) -> None:
        now = timezone.now()
        past = TriagePanel.objects.filter(meets_at__lt=now)
        assert past.exists()
        decisions = set(
            AgendaItem.objects.filter(panel__in=past).values_list("decision", flat=True)
        )
        assert {"accept", "not_suitable", "more_information"} <= decisions
        upcoming = TriagePanel.objects.filter(meets_at__gte=now)
        assert upcoming.count() == 2
        contributions = Contribution.objects.filter(item__panel__in=upcoming)
        kinds = set(contributions.values_list("agency__kind", flat=True))
        assert {
            AgencyKind.POLICE,
            AgencyKind.YOUTH_JUSTICE,
            AgencyKind.EDUCATION,
            AgencyKind.HEALTH,
        } <= kinds
        assert contributions.filter(criminally_active=True).count() == 1

    def test_population_shares_for_the_disproportionality_table(self) -> None:
        shares = PopulationShare.objects.all()
        assert {s.source for s in shares} == {"Demo figures, not real"}
        for dimension in PopulationDimension:
            total = sum(s.percent for s in shares if s.dimension == dimension)
            assert total == 100, dimension
        ethnicities = set(
            shares.filter(dimension=PopulationDimension.ETHNICITY).values_list(
                "category", flat=True
            )
        )
        assert ethnicities == set(Ethnicity.values) - {Ethnicity.NOT_KNOWN}
        bands = set(
            shares.filter(dimension=PopulationDimension.AGE_BAND).values_list("category", flat=True)
        )
        assert bands == {"10-13", "14-17", "18-24", "25-30", "31+"}

    def test_nothing_is_dated_in_the_future_and_the_audit_trail_is_intact(self) -> None:
        now = timezone.now()
        assert not Contact.objects.filter(occurred_on__gt=self.today).exists()
        assert not Contact.objects.filter(recorded_at__gt=now).exists()
        assert not CaseMove.objects.filter(at__gt=now).exists()
        assert not Case.objects.filter(Q(opened_at__gt=now) | Q(changed_at__gt=now)).exists()
        assert verify_chain().intact

    def test_loading_again_adds_nothing(self) -> None:
        before = _counts()
        with override_settings(VRHUB_DEMO_REFERRALS=DEMO_REFERRALS):
            again = build_world()
        assert again.created == {}
        assert _counts() == before
        assert self.created["cases"] > 0
