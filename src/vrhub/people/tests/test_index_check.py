"""Checking the whole index for people recorded twice, and a caseworker deciding each pair."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.people import services
from vrhub.people.models import (
    CandidateStatus,
    MatchCandidate,
    Merge,
    NotSamePerson,
    Person,
    SourceRecord,
)
from vrhub.people.templatetags.people import probability

from .factories import SCHOOL, ZOE, ZOE_PLAIN, known_person, send

pytestmark = pytest.mark.django_db

# The school's Mohammed Ali, written again at the same home by someone who spelt his name with
# one "m" and swapped the day and month of his birth.
MOHAMED_AT_HOME = SCHOOL | {
    "first_name": "Mohamed",
    "date_of_birth": SCHOOL["date_of_birth"].replace(month=3, day=4),
    "address": "5 High St, Coventry",
}


def recorded_twice(actor, first: dict, second: dict) -> tuple[Person, Person]:
    """One person recorded as two: both referrals arrived before either was confirmed."""
    sources = [send(actor, **first), send(actor, **second)]
    older, younger = (services.confirm_new_person(actor=actor, source=s) for s in sources)
    return older, younger


def open_pair(first: Person, second: Person) -> MatchCandidate:
    low, high = sorted([first.pk, second.pk])
    return MatchCandidate.objects.get(person_a=low, person_b=high, status=CandidateStatus.OPEN)


@pytest.fixture
def duplicates(caseworker, index) -> dict[str, tuple[Person, Person]]:
    return {
        "mohammed": recorded_twice(caseworker, SCHOOL, MOHAMED_AT_HOME),
        "zoe": recorded_twice(caseworker, ZOE, ZOE_PLAIN),
    }


def pair_page(candidate: MatchCandidate) -> str:
    return reverse("people:pair", args=[candidate.pk])


def test_the_check_finds_people_recorded_twice_under_variants(duplicates, manager):
    result = services.check_index(actor=manager)
    for first, second in duplicates.values():
        found = open_pair(first, second)
        assert found.probability >= services.review_probability()
        assert found.weight > 0
    assert result.new_candidates == MatchCandidate.objects.count()
    assert result.records == SourceRecord.objects.filter(person__isnull=False).count()
    event = AuditEvent.objects.get(action=AuditAction.INDEX_CHECKED)
    assert event.actor == manager
    assert event.detail == {
        "records": result.records,
        "compared": result.compared,
        "pairs_found": result.pairs_found,
        "new_candidates": result.new_candidates,
    }


def test_the_check_never_proposes_a_person_as_their_own_duplicate(caseworker, index):
    mohammed = known_person(caseworker, **SCHOOL)
    again = send(caseworker, **SCHOOL)  # the same details again: the same person
    assert again.person == mohammed
    result = services.check_index(actor=caseworker)
    assert result.records == len(index) + 2
    assert not MatchCandidate.objects.filter(person_a=mohammed).exists()
    assert not MatchCandidate.objects.filter(person_b=mohammed).exists()


def test_running_the_check_twice_adds_no_second_copy_of_a_pair(duplicates, caseworker):
    first = services.check_index(actor=caseworker)
    before = set(MatchCandidate.objects.values_list("person_a", "person_b", "status"))
    second = services.check_index(actor=caseworker)
    assert first.new_candidates > 0
    assert second.new_candidates == 0
    assert second.pairs_found == first.pairs_found
    assert set(MatchCandidate.objects.values_list("person_a", "person_b", "status")) == before
    checks = AuditEvent.objects.filter(action=AuditAction.INDEX_CHECKED).order_by("pk")
    assert [e.detail["new_candidates"] for e in checks] == [first.new_candidates, 0]


def test_the_programme_manager_checks_the_index_from_the_queue(duplicates, manager, client_for):
    client = client_for(manager)
    assert "Check the whole index for duplicates now" in client.get(reverse("people:queue")).text
    response = client.post(reverse("people:check"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:queue")
    assert "Index checked" in response.text
    for first, second in duplicates.values():
        found = open_pair(first, second)
        assert f'href="{pair_page(found)}"' in response.text
        assert f"{found.person_a.reference} and {found.person_b.reference}" in response.text
        assert probability(found.probability) in response.text


def test_only_the_programme_manager_may_check_the_whole_index(caseworker, client_for, index):
    client = client_for(caseworker)
    assert "Check the whole index" not in client.get(reverse("people:queue")).text
    assert client.post(reverse("people:check")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.INDEX_CHECKED).exists()


def test_the_queue_of_pairs_reads_in_the_same_few_queries_however_many_it_lists(
    duplicates, caseworker, client_for, django_assert_max_num_queries
):
    services.check_index(actor=caseworker)
    client = client_for(caseworker)
    keep = open_pair(*duplicates["zoe"])
    MatchCandidate.objects.exclude(pk=keep.pk).update(status=CandidateStatus.GONE)
    with CaptureQueriesContext(connection) as one_pair:
        client.get(reverse("people:queue"))
    MatchCandidate.objects.update(status=CandidateStatus.OPEN)
    listed = MatchCandidate.objects.count()
    assert listed > 1
    with django_assert_max_num_queries(len(one_pair)):
        response = client.get(reverse("people:queue"))
    assert len(response.context["page"].object_list) == listed


@pytest.fixture
def mohammed_pair(duplicates, caseworker) -> MatchCandidate:
    services.check_index(actor=caseworker)
    return open_pair(*duplicates["mohammed"])


def test_a_pair_is_shown_side_by_side_with_the_reasons(mohammed_pair, caseworker, client_for):
    response = client_for(caseworker).get(pair_page(mohammed_pair))
    assert response.status_code == 200
    first, second = response.context["first"], response.context["second"]
    assert first["person"] == mohammed_pair.person_a
    assert second["person"] == mohammed_pair.person_b
    assert first["facts"]["names"] == ["Mohammed Ali"]
    assert second["facts"]["names"] == ["Mohamed Ali"]
    text = response.text
    assert text.index("Mohammed Ali") < text.index("Mohamed Ali")
    assert "Forename agrees after a spelling variant" in text or "Forename sounds the same" in text
    assert "Date of birth has day and month swapped" in text
    assert "3 April 2008" in text
    assert "4 March 2008" in text
    viewed = AuditEvent.objects.filter(
        action=AuditAction.PERSON_VIEWED, target_id=str(mohammed_pair.pk)
    )
    assert {e.person_id for e in viewed} == {
        mohammed_pair.person_a.reference,
        mohammed_pair.person_b.reference,
    }


def test_merging_a_pair_goes_to_the_survivor_who_can_undo_it(mohammed_pair, caseworker, client_for):
    older, younger = mohammed_pair.person_a, mohammed_pair.person_b
    assert older.created_at <= younger.created_at
    client = client_for(caseworker)
    response = client.post(pair_page(mohammed_pair), {"decision": "merge", "reason": "Same GP"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person", args=[older.reference])
    mohammed_pair.refresh_from_db()
    assert mohammed_pair.status == CandidateStatus.MERGED
    younger.refresh_from_db()
    assert younger.merged_into == older
    merge = Merge.objects.get()
    assert merge.reason == "Same GP"
    page = client.get(response["Location"])
    assert f"{younger.reference} merged into {older.reference}" in page.text
    assert "Undo this merge" in page.text
    assert reverse("people:undo-merge", args=[merge.pk]) in page.text
    assert {"Mohammed Ali", "Mohamed Ali"} <= set(page.context["facts"]["names"])
    absorbed_page = client.get(reverse("people:person", args=[younger.reference]))
    assert "Merged into" in absorbed_page.text
    assert "Undo this merge" not in absorbed_page.text


def test_two_people_decided_different_leave_the_queue_for_good(
    mohammed_pair, caseworker, client_for
):
    client = client_for(caseworker)
    response = client.post(pair_page(mohammed_pair), {"decision": "not_same"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:queue")
    mohammed_pair.refresh_from_db()
    assert mohammed_pair.status == CandidateStatus.NOT_SAME
    assert NotSamePerson.objects.filter(
        person_a=mohammed_pair.person_a, person_b=mohammed_pair.person_b
    ).exists()
    services.check_index(actor=caseworker)
    assert not MatchCandidate.objects.filter(
        person_a=mohammed_pair.person_a,
        person_b=mohammed_pair.person_b,
        status=CandidateStatus.OPEN,
    ).exists()
    assert f'href="{pair_page(mohammed_pair)}"' not in client.get(reverse("people:queue")).text


def test_a_pair_needs_a_decision(mohammed_pair, caseworker, client_for):
    response = client_for(caseworker).post(pair_page(mohammed_pair), {})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Select whether they are the same person" in response.text
    mohammed_pair.refresh_from_db()
    assert mohammed_pair.status == CandidateStatus.OPEN


def test_a_pair_already_decided_cannot_be_decided_again(
    mohammed_pair, caseworker, colleague, client_for
):
    client_for(caseworker).post(pair_page(mohammed_pair), {"decision": "not_same"})
    response = client_for(colleague).post(pair_page(mohammed_pair), {"decision": "merge"})
    assert response.status_code == 200
    assert "This pair has already been decided" in response.text
    assert not Merge.objects.exists()
