"""The person index as the services change it: referrals arriving, links, merges and unmerges."""

from __future__ import annotations

from datetime import date

import pytest

from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.people import selectors, services
from vrhub.people.matching.candidates import rank
from vrhub.people.matching.standardise import phonetic, standardise
from vrhub.people.models import (
    CandidateStatus,
    LinkMethod,
    MatchCandidate,
    Merge,
    NotSamePerson,
    Person,
    SourceRecord,
)
from vrhub.people.services import PersonRefused
from vrhub.referrals.models import Sex

from .factories import A_AND_E, SCHOOL, ZOE, known_person, send

pytestmark = pytest.mark.django_db

# Twins: the same surname, date of birth and home; only the forename tells them apart.
TWINS = {
    "last_name": "Begum",
    "date_of_birth": date(2009, 6, 7),
    "sex": Sex.MALE,
    "address": "3 Oak Road, Coventry",
    "postcode": "CV2 1AA",
}


def candidate(first: Person, second: Person, probability: float = 0.9) -> MatchCandidate:
    low, high = sorted([first, second], key=lambda p: p.pk)
    return MatchCandidate.objects.create(
        person_a=low,
        person_b=high,
        probability=probability,
        weight=10.0,
        found_at=low.created_at,
    )


def records_of(person: Person) -> set[int]:
    return set(SourceRecord.objects.filter(person=person).values_list("pk", flat=True))


def events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# Arrival.


def test_a_referral_reaches_the_index_in_the_form_the_model_compares(caseworker):
    source = send(
        caseworker,
        first_name="Zoë",
        last_name="Smith-Jones",
        date_of_birth=date(2009, 7, 8),
        sex=Sex.FEMALE,
        address="Flat 2, 41 Far Gosford Street\nCoventry",
        postcode="cv1 5dz",
    )
    assert source.referral is not None
    assert source.source == "referral"
    assert (source.forename, source.surname) == ("zoe", "smith jones")
    assert source.forename_phonetic == phonetic("zoe")
    assert source.surname_phonetic == phonetic("smith jones")
    assert (source.dob, source.birth_year) == ("2009-07-08", "2009")
    assert (source.postcode, source.postcode_sector, source.postcode_district) == (
        "CV1 5DZ",
        "CV1 5",
        "CV1",
    )
    assert source.sex == "f"
    assert source.address == "flat 2 41 far gosford street"
    # As written, for people to read: only the first line of the address.
    assert source.written_name == "Zoë Smith-Jones"
    assert source.written_dob == date(2009, 7, 8)
    assert source.written_address == "Flat 2, 41 Far Gosford Street"


def test_a_referral_of_someone_the_index_does_not_know_waits_unlinked(caseworker, index):
    source = send(caseworker, **SCHOOL)
    assert source.person is None
    assert not source.needs_review
    assert source.link_method == ""
    assert events(AuditAction.RECORD_LINKED_AUTOMATICALLY) == []
    assert list(selectors.queue("unlinked")) == [source]


def test_a_near_identical_second_referral_is_linked_automatically_for_checking(caseworker, index):
    mohammed = known_person(caseworker, **SCHOOL)
    again = send(caseworker, **SCHOOL)
    assert again.person == mohammed
    assert again.needs_review
    assert again.link_method == LinkMethod.AUTOMATIC
    assert again.linked_by is None
    assert again.link_probability >= services.auto_link_probability()
    reasons = {e["field"]: e["reason"] for e in again.link_evidence}
    assert reasons["forename"] == "forename agrees"
    assert reasons["dob"] == "date of birth agrees"
    (event,) = events(AuditAction.RECORD_LINKED_AUTOMATICALLY)
    assert event.person_id == mohammed.reference
    assert event.target_id == again.referral.reference
    assert list(selectors.queue("automatic")) == [again]
    assert list(selectors.queue("unlinked")) == []


def test_no_automatic_link_when_two_known_people_match_well(caseworker, index):
    # Both twins were referred before either was confirmed, so each is a person of their own.
    twins = [send(caseworker, **TWINS, first_name=name) for name in ("Hassan", "Hussain")]
    people = {services.confirm_new_person(actor=caseworker, source=t).pk for t in twins}
    newcomer = send(caseworker, **TWINS, first_name="Hasan")
    assert newcomer.person is None
    matches = rank(services.match_record_of(newcomer), exclude=[newcomer.pk])
    assert {m.person_id for m in matches[:2]} == people
    assert all(m.probability >= services.review_probability() for m in matches[:2])
    assert events(AuditAction.RECORD_LINKED_AUTOMATICALLY) == []


def test_no_automatic_link_when_the_index_already_holds_the_person_twice(caseworker, index):
    earlier = [send(caseworker, **SCHOOL), send(caseworker, **SCHOOL)]
    for source in earlier:
        services.confirm_new_person(actor=caseworker, source=source)
    third = send(caseworker, **SCHOOL)
    assert third.person is None
    assert not third.needs_review
    assert events(AuditAction.RECORD_LINKED_AUTOMATICALLY) == []


def test_a_twin_is_not_linked_automatically_to_their_sibling(caseworker, index):
    """Amir is known; his twin Zain is referred for the first time. Everything but the forename
    agrees, and the forename plainly differs: that is two people, and vrhub must not attach
    Zain's referral to Amir without a caseworker deciding."""
    amir = known_person(caseworker, **TWINS, first_name="Amir")
    zain = send(caseworker, **TWINS, first_name="Zain")
    assert zain.person != amir, (
        "Zain's referral was linked automatically to his twin Amir "
        f"(match probability {zain.link_probability})"
    )
    assert zain.person is None


# The issue's example.


def test_the_issues_example_ranks_the_school_referral_first_and_says_why(caseworker, index):
    mohammed = known_person(caseworker, **SCHOOL)
    matches = rank(standardise(forename="Mohamed", surname="Ali", dob="04/03/2008"))
    best = matches[0]
    assert best.person_id == mohammed.pk
    assert best.probability > 0.5
    assert all(m.probability < best.probability for m in matches[1:])
    reasons = {e.field: e.reason for e in best.score.evidence}
    assert reasons["forename"] in (
        "forename agrees after a spelling variant",
        "forename sounds the same",
    )
    assert reasons["dob"] == "date of birth has day and month swapped"
    assert reasons["surname"] == "surname agrees"
    weights = {e.field: e.weight for e in best.score.evidence}
    assert weights["forename"] > 0
    assert weights["dob"] > 0


# Odd input: never an error, and the person is still found, with less confidence.


@pytest.fixture
def known(caseworker, index) -> dict[str, Person]:
    return {
        "john": known_person(
            caseworker,
            first_name="John",
            last_name="Smith",
            date_of_birth=date(2007, 1, 15),
            postcode="CV3 1AA",
            address="7 Mill Lane, Coventry",
        ),
        "zoe": known_person(caseworker, **ZOE),
        "mohammed": known_person(caseworker, **SCHOOL),
        "arabic": known_person(
            caseworker,
            first_name="محمد",
            last_name="علي",
            date_of_birth=date(2008, 9, 10),
            postcode="CV6 2BB",
            address="14 Foleshill Road, Coventry",
        ),
    }


WHOLE = {
    "john": {"forename": "John", "surname": "Smith", "dob": "2007-01-15", "postcode": "CV3 1AA"},
    "mohammed": {
        "forename": "Mohammed",
        "surname": "Ali",
        "dob": "2008-04-03",
        "postcode": "CV1 2AB",
    },
}


@pytest.mark.parametrize(
    ("who", "written"),
    [
        ("mohammed", {"forename": "Mohammed", "surname": "Ali", "postcode": "CV1 2AB"}),
        ("mohammed", {"forename": "Ali", "dob": "2008-04-03", "postcode": "CV1 2AB"}),
        ("john", {"forename": "J", "surname": "Smith", "dob": "2007-01-15", "postcode": "CV3 1AA"}),
        ("john", {"forename": "John", "surname": "Smith", "dob": "2007-01-15", "postcode": ""}),
    ],
    ids=["no date of birth", "a single name", "an initial", "no postcode"],
)
def test_a_record_with_less_to_go_on_still_finds_its_person_less_surely(known, who, written):
    partial = rank(standardise(**written))
    whole = rank(standardise(**WHOLE[who]))
    assert partial[0].person_id == known[who].pk
    assert whole[0].person_id == known[who].pk
    assert partial[0].probability < whole[0].probability


@pytest.mark.parametrize(
    ("who", "written"),
    [
        ("zoe", {"forename": "Zoe", "surname": "Smith Jones", "dob": "2009-07-08"}),
        ("zoe", {"forename": "ZOË", "surname": "SMITH\u2013JONES", "dob": "08/07/2009"}),
        ("arabic", {"forename": "محمد", "surname": "علي", "dob": "2008-09-10"}),
    ],
    ids=["accent and hyphen dropped", "capitals and a dash", "Arabic script"],
)
def test_names_written_with_or_without_accents_or_in_another_script_agree(known, who, written):
    best = rank(standardise(**written))[0]
    assert best.person_id == known[who].pk
    reasons = {e.field: e.reason for e in best.score.evidence}
    assert reasons["forename"] == "forename agrees"
    assert reasons["surname"] == "surname agrees"


@pytest.mark.parametrize(
    "written",
    [
        {},
        {"forename": "   ", "surname": "--"},
        {"dob": "31/02/2008", "surname": "Ali"},
        {"dob": "not known", "forename": "Mohammed", "surname": "Ali"},
        {"postcode": "2600", "forename": "Mohammed", "surname": "Ali"},
        {"forename": "محمد", "surname": "Ali", "dob": "2008-04-03"},
    ],
    ids=[
        "nothing",
        "only punctuation",
        "31 February",
        "unreadable date",
        "foreign postcode",
        "mixed scripts",
    ],
)
def test_odd_input_is_ranked_without_error(known, written):
    matches = rank(standardise(**written))
    assert all(0.0 <= m.probability <= 1.0 for m in matches)
    assert len({m.person_id for m in matches}) == len(matches)


@pytest.mark.parametrize(
    ("who", "answers"),
    [
        ("mohammed", SCHOOL | {"first_name": "Ali", "last_name": ""}),
        ("john", {"first_name": "J", "last_name": "Smith", "date_of_birth": date(2007, 1, 15)}),
        (
            "john",
            {
                "first_name": "John",
                "last_name": "Smith",
                "date_of_birth": date(2007, 1, 15),
                "postcode": "",
                "address": "",
            },
        ),
        ("zoe", ZOE | {"first_name": "Zoe", "last_name": "Smith Jones", "address": "Elsewhere"}),
        (
            "arabic",
            {"first_name": "محمد", "last_name": "علي", "date_of_birth": date(2008, 9, 10)},
        ),
    ],
    ids=["a single name", "an initial", "no postcode or address", "no accent", "Arabic script"],
)
def test_an_odd_referral_arrives_and_its_person_is_a_candidate(known, caseworker, who, answers):
    source = send(caseworker, **answers)
    matches = rank(services.match_record_of(source), exclude=[source.pk])
    assert matches, "the referral's person should be among its candidates"
    assert matches[0].person_id == known[who].pk


# Linking a record to a person.


def test_linking_a_referral_to_a_candidate_attaches_it_and_is_audited(caseworker, index):
    mohammed = known_person(caseworker, **SCHOOL)
    source = send(caseworker, **A_AND_E)
    assert source.person is None
    match = rank(services.match_record_of(source), exclude=[source.pk])[0]
    services.link_record(actor=caseworker, source=source, person=mohammed, match=match)
    source.refresh_from_db()
    assert source.person == mohammed
    assert source.link_method == LinkMethod.CASEWORKER
    assert source.linked_by == caseworker
    assert source.link_probability == pytest.approx(match.probability)
    assert {e["reason"] for e in source.link_evidence} >= {
        "date of birth has day and month swapped"
    }
    assert records_of(mohammed) == {mohammed.records.first().pk, source.pk}
    (event,) = events(AuditAction.RECORD_LINKED)
    assert event.person_id == mohammed.reference
    assert event.target_id == source.referral.reference
    assert event.actor == caseworker


def test_recording_a_referral_as_a_new_person_creates_them_and_is_audited(caseworker):
    source = send(caseworker, **SCHOOL)
    person = services.confirm_new_person(actor=caseworker, source=source)
    source.refresh_from_db()
    assert source.person == person
    assert source.link_method == LinkMethod.NEW_PERSON
    assert person.created_by == caseworker
    assert person.reference.startswith("P-")
    (event,) = events(AuditAction.PERSON_CREATED)
    assert event.person_id == person.reference
    assert event.target_id == source.referral.reference


def test_a_second_decision_on_a_record_is_refused_naming_who_made_the_first(
    caseworker, colleague, index
):
    mohammed = known_person(caseworker, **SCHOOL)
    source = send(caseworker, **A_AND_E)  # both caseworkers have it open
    services.link_record(actor=caseworker, source=source, person=mohammed, match=None)
    people = Person.objects.count()
    with pytest.raises(PersonRefused) as new_person:
        services.confirm_new_person(actor=colleague, source=source)
    with pytest.raises(PersonRefused) as linked:
        services.link_record(actor=colleague, source=source, person=mohammed, match=None)
    for refused in (new_person, linked):
        assert "already linked" in refused.value.message
        assert caseworker.full_name in refused.value.message
    assert Person.objects.count() == people
    source.refresh_from_db()
    assert (source.person, source.linked_by) == (mohammed, caseworker)
    assert len(events(AuditAction.RECORD_LINKED)) == 1


def test_a_record_cannot_be_linked_to_someone_merged_away(caseworker, index):
    older = known_person(caseworker, **SCHOOL)
    younger = known_person(caseworker, **ZOE)
    services.merge_people(actor=caseworker, first=older, second=younger)
    source = send(caseworker, **A_AND_E)
    with pytest.raises(PersonRefused) as refused:
        services.link_record(actor=caseworker, source=source, person=younger, match=None)
    assert younger.reference in refused.value.message
    assert older.reference in refused.value.message
    source.refresh_from_db()
    assert source.person is None


def test_confirming_an_automatic_link_keeps_it_and_takes_it_off_the_list(
    caseworker, colleague, index
):
    mohammed = known_person(caseworker, **SCHOOL)
    again = send(caseworker, **SCHOOL)
    services.confirm_automatic_link(actor=colleague, source=again)
    again.refresh_from_db()
    assert again.person == mohammed
    assert not again.needs_review
    assert again.linked_by == colleague
    assert list(selectors.queue("automatic")) == []
    (event,) = events(AuditAction.AUTOMATIC_LINK_CONFIRMED)
    assert event.person_id == mohammed.reference
    with pytest.raises(PersonRefused) as refused:
        services.confirm_automatic_link(actor=caseworker, source=again)
    assert "already been checked" in refused.value.message


def test_undoing_an_automatic_link_makes_the_record_a_new_person(caseworker, colleague, index):
    mohammed = known_person(caseworker, **SCHOOL)
    own = records_of(mohammed)
    again = send(caseworker, **SCHOOL)
    assert again.person == mohammed
    person = services.undo_automatic_link(actor=colleague, source=again)
    again.refresh_from_db()
    assert person != mohammed
    assert again.person == person
    assert not again.needs_review
    assert again.link_method == LinkMethod.NEW_PERSON
    assert records_of(mohammed) == own
    assert records_of(person) == {again.pk}
    (event,) = events(AuditAction.AUTOMATIC_LINK_UNDONE)
    assert event.person_id == person.reference
    assert event.detail["was_linked_to"] == mohammed.reference
    with pytest.raises(PersonRefused):
        services.undo_automatic_link(actor=caseworker, source=again)


# Merging two people.


def test_a_merge_moves_every_record_with_its_referral_and_case_to_the_person_known_longer(
    make_case, caseworker, colleague, index
):
    older = known_person(caseworker, **SCHOOL)
    case = make_case(**A_AND_E)
    younger = services.confirm_new_person(actor=caseworker, source=case.referral.person_record)
    another = send(caseworker, **A_AND_E | {"address": "Room 4, 1 Hostel Way"})
    services.link_record(actor=caseworker, source=another, person=younger, match=None)
    theirs, ours = records_of(younger), records_of(older)
    assert len(theirs) == 2

    # The younger person is named first: the one known longer survives all the same.
    result = services.merge_people(
        actor=colleague, first=younger, second=older, reason="Same GP and school"
    )

    assert (result.survivor, result.absorbed) == (older, younger)
    assert records_of(older) == ours | theirs
    assert records_of(younger) == set()
    younger.refresh_from_db()
    assert younger.merged_into == older
    merge = Merge.objects.get()
    assert set(merge.moved_record_ids) == theirs
    assert (merge.survivor, merge.absorbed, merge.merged_by) == (older, younger, colleague)
    assert merge.reason == "Same GP and school"
    page = selectors.person_page(older)
    assert case in [c for _, c in page["records"]]
    assert case.referral in [r.referral for r, _ in page["records"]]
    (event,) = events(AuditAction.PEOPLE_MERGED)
    assert event.person_id == older.reference
    assert event.target_id == younger.reference
    assert event.detail["records_moved"] == len(theirs)


def test_a_merge_settles_the_open_pairs_that_named_the_person_absorbed(caseworker, index):
    older = known_person(caseworker, **SCHOOL)
    younger = known_person(caseworker, **A_AND_E)
    third = known_person(caseworker, **ZOE)
    this_pair = candidate(older, younger)
    with_absorbed = candidate(younger, third)
    elsewhere = candidate(older, third)
    services.merge_people(actor=caseworker, first=older, second=younger, candidate_id=this_pair.pk)
    for c in (this_pair, with_absorbed, elsewhere):
        c.refresh_from_db()
    assert this_pair.status == CandidateStatus.MERGED
    assert this_pair.decided_by == caseworker
    assert with_absorbed.status == CandidateStatus.GONE
    assert elsewhere.status == CandidateStatus.OPEN


def test_two_caseworkers_merging_the_same_pair_at_once_make_one_merge(caseworker, colleague, index):
    older = known_person(caseworker, **SCHOOL)
    younger = known_person(caseworker, **A_AND_E)
    # Both caseworkers loaded the pair before either merged it.
    seen_by_colleague = (Person.objects.get(pk=older.pk), Person.objects.get(pk=younger.pk))
    services.merge_people(actor=caseworker, first=older, second=younger)
    moved = records_of(older)
    with pytest.raises(PersonRefused) as refused:
        services.merge_people(
            actor=colleague, first=seen_by_colleague[0], second=seen_by_colleague[1]
        )
    message = refused.value.message
    assert younger.reference in message
    assert "already merged" in message
    assert caseworker.full_name in message
    assert Merge.objects.count() == 1
    assert records_of(older) == moved
    assert len(events(AuditAction.PEOPLE_MERGED)) == 1


def test_a_person_cannot_be_merged_with_themselves(caseworker):
    person = known_person(caseworker, **SCHOOL)
    with pytest.raises(PersonRefused):
        services.merge_people(actor=caseworker, first=person, second=person)
    assert not Merge.objects.exists()


def test_people_decided_different_are_not_proposed_again(caseworker, colleague, index):
    first, second = send(caseworker, **ZOE), send(caseworker, **ZOE)
    people = sorted(
        (services.confirm_new_person(actor=caseworker, source=s) for s in (first, second)),
        key=lambda p: p.pk,
    )
    services.check_index(actor=caseworker)
    pair = MatchCandidate.objects.get(person_a=people[0], person_b=people[1])
    services.decide_not_same(actor=colleague, candidate=pair)
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_SAME
    assert pair.decided_by == colleague
    assert NotSamePerson.objects.filter(person_a=people[0], person_b=people[1]).exists()
    (event,) = events(AuditAction.NOT_SAME_PERSON)
    assert {event.person_id, event.target_id} == {p.reference for p in people}

    services.check_index(actor=caseworker)
    assert not MatchCandidate.objects.filter(
        person_a=people[0], person_b=people[1], status=CandidateStatus.OPEN
    ).exists()
    with pytest.raises(PersonRefused) as refused:
        services.decide_not_same(actor=caseworker, candidate=pair)
    assert colleague.full_name in refused.value.message


# Undoing a merge.


@pytest.fixture
def merged(caseworker, index):
    """Two people merged: the younger had two records."""
    older = known_person(caseworker, **SCHOOL)
    younger = known_person(caseworker, **A_AND_E)
    another = send(caseworker, **A_AND_E | {"address": "Room 4, 1 Hostel Way"})
    services.link_record(actor=caseworker, source=another, person=younger, match=None)
    before = {"older": records_of(older), "younger": records_of(younger)}
    result = services.merge_people(actor=caseworker, first=older, second=younger)
    return result, before


def test_undoing_a_merge_gives_back_exactly_the_records_it_moved(merged, colleague):
    result, before = merged
    services.unmerge(actor=colleague, merge=result.merge, reason="Different GP records")
    result.absorbed.refresh_from_db()
    assert result.absorbed.merged_into is None
    assert records_of(result.absorbed) == before["younger"]
    assert records_of(result.survivor) == before["older"]
    merge = Merge.objects.get(pk=result.merge.pk)
    assert merge.unmerged_by == colleague
    assert merge.unmerge_reason == "Different GP records"
    (event,) = events(AuditAction.PEOPLE_UNMERGED)
    assert event.person_id == result.survivor.reference
    assert event.target_id == result.absorbed.reference
    assert event.detail["records_returned"] == len(before["younger"])


def test_a_record_linked_to_the_survivor_after_the_merge_stays_with_them(
    merged, caseworker, colleague
):
    result, before = merged
    later = send(caseworker, **ZOE)
    services.link_record(actor=caseworker, source=later, person=result.survivor, match=None)
    services.unmerge(actor=colleague, merge=result.merge, reason="Twins after all")
    assert records_of(result.survivor) == before["older"] | {later.pk}
    assert records_of(result.absorbed) == before["younger"]


def test_a_merge_cannot_be_undone_twice(merged, caseworker, colleague):
    result, before = merged
    services.unmerge(actor=colleague, merge=result.merge, reason="Different people")
    with pytest.raises(PersonRefused) as refused:
        services.unmerge(actor=caseworker, merge=result.merge, reason="Different people")
    assert "already undone" in refused.value.message
    assert colleague.full_name in refused.value.message
    assert records_of(result.absorbed) == before["younger"]
    assert len(events(AuditAction.PEOPLE_UNMERGED)) == 1


def test_undoing_a_merge_needs_a_reason(merged, colleague):
    result, _ = merged
    with pytest.raises(PersonRefused) as refused:
        services.unmerge(actor=colleague, merge=result.merge, reason="   ")
    assert "Enter why" in refused.value.message
    result.absorbed.refresh_from_db()
    assert result.absorbed.merged_into == result.survivor


def test_a_merge_cannot_be_undone_once_its_survivor_is_merged_into_a_third_person(
    caseworker, index
):
    earliest = known_person(caseworker, **ZOE)
    older = known_person(caseworker, **SCHOOL)
    younger = known_person(caseworker, **A_AND_E)
    first = services.merge_people(actor=caseworker, first=older, second=younger)
    second = services.merge_people(actor=caseworker, first=earliest, second=older)
    assert second.survivor == earliest
    held = records_of(earliest)
    with pytest.raises(PersonRefused) as refused:
        services.unmerge(actor=caseworker, merge=first.merge, reason="Different people")
    assert older.reference in refused.value.message
    assert "undo that merge first" in refused.value.message
    assert records_of(earliest) == held
    assert Merge.objects.get(pk=first.merge.pk).unmerged_at is None


def test_after_an_unmerge_the_check_does_not_propose_the_pair_again(caseworker, index):
    first, second = send(caseworker, **ZOE), send(caseworker, **ZOE)
    people = [services.confirm_new_person(actor=caseworker, source=s) for s in (first, second)]
    result = services.merge_people(actor=caseworker, first=people[0], second=people[1])
    services.unmerge(actor=caseworker, merge=result.merge, reason="Cousins, not one person")
    services.check_index(actor=caseworker)
    low, high = sorted(p.pk for p in people)
    assert not MatchCandidate.objects.filter(person_a=low, person_b=high).exists()
