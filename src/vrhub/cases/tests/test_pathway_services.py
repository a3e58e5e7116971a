"""The pathway's services end to end: a case goes from triage to placement, as the table says."""

from __future__ import annotations

import pytest

from vrhub.cases.models import AtRiskEntry, AtRiskStatus, CaseMove
from vrhub.cases.pathway import ClosureReason, Step
from vrhub.cases.services import CaseChanged, CaseRefused, case_move, offer_answer, offer_make
from vrhub.referrals.models import Concern, ReferralStatus

pytestmark = pytest.mark.django_db


def test_a_case_goes_from_triage_to_placement(make_case):
    case = make_case(Step.PLACEMENT)
    assert case.step == Step.PLACEMENT
    assert case.referral.status == ReferralStatus.ACCEPTED
    steps = list(CaseMove.objects.filter(case=case).values_list("to_step", flat=True))
    assert steps == [1, 2, 3, 4, 5, 6, 7, 8]


def test_a_move_the_table_does_not_allow_is_refused_with_the_moves_it_allows(make_case, caseworker):
    case = make_case(Step.MOMENT)
    with pytest.raises(CaseRefused) as refused:
        case_move(
            case=case,
            actor=caseworker,
            to_step=Step.SEQUENCING,
            reason="",
            expected_version=case.version,
        )
    message = refused.value.problems["to_step"]
    assert "cannot move from Teachable or reachable moment to Sequencing" in message
    assert "Relationship building" in message


def test_a_save_from_an_old_page_is_refused_naming_who_changed_the_case(
    make_case, caseworker, manager
):
    case = make_case(Step.MOMENT)
    seen = case.version
    case_move(case=case, actor=manager, to_step=Step.RELATIONSHIP, reason="", expected_version=seen)
    with pytest.raises(CaseChanged) as refused:
        case_move(
            case=case, actor=caseworker, to_step=Step.RELATIONSHIP, reason="", expected_version=seen
        )
    assert "changed by Priya Programme-Manager" in refused.value.problems["__all__"]


def test_a_declined_offer_closes_the_case_and_lists_the_person_at_risk(make_case, caseworker):
    case = make_case(Step.OFFER)
    offer_make(
        case=case,
        actor=caseworker,
        made_on=case.opened_at.date(),
        method="phone",
        expected_version=case.version,
    )
    offer_answer(
        case=case,
        actor=caseworker,
        answer="declined",
        answered_on=case.opened_at.date(),
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert not case.is_open
    assert case.closure_reason == ClosureReason.OFFER_DECLINED
    assert AtRiskEntry.objects.get(case=case).status == AtRiskStatus.ACTIVE


def test_a_victim_only_never_goes_on_the_at_risk_list(make_case, caseworker):
    case = make_case(Step.OFFER, concerns=[Concern.VIOLENCE_VICTIM])
    offer_make(
        case=case,
        actor=caseworker,
        made_on=case.opened_at.date(),
        method="phone",
        expected_version=case.version,
    )
    offer_answer(
        case=case,
        actor=caseworker,
        answer="declined",
        answered_on=case.opened_at.date(),
        expected_version=case.version,
    )
    assert not AtRiskEntry.objects.filter(case=case).exists()


def test_a_lapse_leaves_a_case_closed_by_hand_alone(make_case, caseworker):
    from datetime import timedelta

    from vrhub.cases.services import case_close, offers_lapse

    case = make_case(Step.OFFER)
    made = case.opened_at.date()
    offer_make(case=case, actor=caseworker, made_on=made, method="phone", expected_version=None)
    case_close(
        case=case,
        actor=caseworker,
        reason=ClosureReason.MOVED,
        placement_outcome="",
        follow_up_on=None,
        note="",
        expected_version=None,
    )
    assert offers_lapse(today=made + timedelta(days=60)) == 0
    case.refresh_from_db()
    assert case.closure_reason == ClosureReason.MOVED
    assert not AtRiskEntry.objects.filter(case=case).exists()


def test_someone_who_declined_is_reopened_at_the_offer_not_past_it(make_case, caseworker):
    from vrhub.cases.services import case_reopen

    case = make_case(Step.OFFER)
    day = case.opened_at.date()
    offer_make(case=case, actor=caseworker, made_on=day, method="phone", expected_version=None)
    offer_answer(
        case=case, actor=caseworker, answer="declined", answered_on=day, expected_version=None
    )
    with pytest.raises(CaseRefused) as refused:
        case_reopen(
            case=case,
            actor=caseworker,
            to_step=Step.PROGRESS,
            reason="Asked",
            expected_version=None,
        )
    assert "never accepted the CIRV offer" in refused.value.problems["to_step"]
    case_reopen(
        case=case, actor=caseworker, to_step=Step.OFFER, reason="Asked", expected_version=None
    )
    case.refresh_from_db()
    assert (case.is_open, case.step) == (True, Step.OFFER)
    # Back on the pathway: off the at-risk list.
    assert AtRiskEntry.objects.get(case=case).status == AtRiskStatus.REMOVED
