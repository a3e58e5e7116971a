"""The person index pages as caseworkers use them: the review queue, who a referral is about,
a person's page and undoing a merge."""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.people import services
from vrhub.people.matching.candidates import rank
from vrhub.people.models import LinkMethod, MatchCandidate, Merge, Person, SourceRecord
from vrhub.people.templatetags.people import probability

from .factories import A_AND_E, SCHOOL, ZOE, known_person, send

pytestmark = pytest.mark.django_db


def error_summary(response) -> list[str]:
    """The messages in the page's GOV.UK error summary, as a user reads them."""
    text = response.content.decode()
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', text, re.S)
    if "There is a problem" not in text or found is None:
        return []
    return [html.unescape(m) for m in re.findall(r"<a [^>]*>(.*?)</a>", found.group(1), re.S)]


def referral_page(source: SourceRecord) -> str:
    return reverse("people:referral", args=[source.referral.reference])


def person_page(person: Person) -> str:
    return reverse("people:person", args=[person.reference])


def last(action: AuditAction) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("pk")


# The review queue.


def test_a_referral_nobody_has_linked_is_listed_under_referrals_not_yet_linked(
    caseworker, client_for, index
):
    source = send(caseworker, **SCHOOL)
    response = client_for(caseworker).get(reverse("people:queue"), {"tab": "unlinked"})
    assert response.status_code == 200
    assert "Referrals not yet linked" in response.text
    assert f'href="{referral_page(source)}"' in response.text
    assert response.context["page"].paginator.count == 1
    event = last(AuditAction.REVIEW_QUEUE_VIEWED)
    assert event.target_id == "unlinked"
    assert event.detail["rows_shown"] == 1


def test_an_automatic_link_is_listed_under_automatic_links_to_check(caseworker, client_for, index):
    mohammed = known_person(caseworker, **SCHOOL)
    again = send(caseworker, **SCHOOL)
    client = client_for(caseworker)
    automatic = client.get(reverse("people:queue"), {"tab": "automatic"})
    assert "Automatic links to check" in automatic.text
    assert f'href="{referral_page(again)}"' in automatic.text
    assert mohammed.reference in automatic.text
    assert probability(again.link_probability) in automatic.text
    unlinked = client.get(reverse("people:queue"), {"tab": "unlinked"})
    assert f'href="{referral_page(again)}"' not in unlinked.text


PEOPLE = [
    ("Amara", "Okafor", date(2008, 2, 11), "CV1 1AA"),
    ("Bartek", "Nowak", date(2009, 3, 12), "CV2 2BB"),
    ("Chen", "Wei", date(2007, 4, 13), "CV3 3DD"),
    ("Daniel", "Murphy", date(2010, 5, 14), "CV4 4EE"),
    ("Esra", "Yilmaz", date(2008, 6, 15), "CV5 5FF"),
    ("Farah", "Hussein", date(2009, 7, 16), "CV6 6GG"),
]


def someone(i: int) -> dict[str, object]:
    forename, surname, born, postcode = PEOPLE[i]
    return {
        "first_name": forename,
        "last_name": surname,
        "date_of_birth": born,
        "postcode": postcode,
        "address": f"{i + 1} Station Road, Coventry",
    }


@pytest.mark.parametrize("tab", ["unlinked", "automatic"])
def test_the_queue_reads_in_the_same_few_queries_however_many_rows_it_lists(
    caseworker, client_for, django_assert_max_num_queries, tab, index
):
    def add_row(i: int) -> None:
        if tab == "automatic":
            known_person(caseworker, **someone(i))
            assert send(caseworker, **someone(i)).needs_review
        else:
            send(caseworker, **someone(i))

    client = client_for(caseworker)
    add_row(0)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(reverse("people:queue"), {"tab": tab}).context["page"].object_list
    for i in range(1, len(PEOPLE)):
        add_row(i)
    with django_assert_max_num_queries(len(one_row)):
        response = client.get(reverse("people:queue"), {"tab": tab})
    assert len(response.context["page"].object_list) == len(PEOPLE)


def test_only_the_cirv_team_reaches_the_person_index(make_user, client_for, analyst):
    referrer = make_user(Role.REFERRER)
    for user in (analyst, referrer):
        assert client_for(user).get(reverse("people:queue")).status_code == 403
    denied = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED)
    assert denied.count() == 2


# Who a referral is about.


@pytest.fixture
def issue(caseworker, index):
    """The issue's example: the school's referral is a known person; A&E's waits."""
    mohammed = known_person(caseworker, **SCHOOL)
    source = send(caseworker, **A_AND_E)
    assert source.person is None
    return mohammed, source


def test_the_caseworker_sees_why_the_ae_referral_may_be_the_school_one(
    issue, caseworker, client_for
):
    mohammed, source = issue
    best = rank(services.match_record_of(source), exclude=[source.pk])[0]
    assert best.person_id == mohammed.pk
    response = client_for(caseworker).get(referral_page(source))
    assert response.status_code == 200
    text = response.text
    assert f"{mohammed.reference}: match probability {probability(best.probability)}" in text
    assert "Forename agrees after a spelling variant" in text or "Forename sounds the same" in text
    assert "Date of birth has day and month swapped" in text
    assert "Mohamed Ali" in text  # what the referral says
    event = last(AuditAction.MATCHES_VIEWED)
    assert event.target_id == source.referral.reference
    assert event.person_id == ""  # not yet anyone's: the candidates shown are in the detail
    assert event.detail["candidates_shown"] >= 1
    assert mohammed.reference in event.detail["people"]


def test_saying_nothing_shows_the_error_summary(issue, caseworker, client_for):
    _, source = issue
    response = client_for(caseworker).post(referral_page(source), {})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert error_summary(response) == ["Select who this referral is about"]
    source.refresh_from_db()
    assert source.person is None


def test_choosing_a_candidate_links_the_referral_to_them(issue, caseworker, client_for):
    mohammed, source = issue
    client = client_for(caseworker)
    response = client.post(referral_page(source), {"person": mohammed.reference})
    assert response.status_code == 302
    assert response["Location"] == referral_page(source)
    source.refresh_from_db()
    assert source.person == mohammed
    assert source.link_method == LinkMethod.CASEWORKER
    assert source.link_probability > 0.5
    event = last(AuditAction.RECORD_LINKED)
    assert event.person_id == mohammed.reference
    assert event.actor == caseworker
    after = client.get(referral_page(source))
    assert f"Linked to {mohammed.reference}" in after.text
    assert "This referral is about" in after.text
    assert last(AuditAction.MATCHES_VIEWED).person_id == mohammed.reference


def test_choosing_none_of_these_records_a_new_person(issue, caseworker, client_for):
    mohammed, source = issue
    response = client_for(caseworker).post(referral_page(source), {"person": "new"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.person not in (None, mohammed)
    assert source.link_method == LinkMethod.NEW_PERSON
    assert last(AuditAction.PERSON_CREATED).person_id == source.person.reference


def test_a_choice_that_was_not_offered_is_refused(issue, caseworker, client_for, index):
    _, source = issue
    elsewhere = index[0]
    response = client_for(caseworker).post(referral_page(source), {"person": elsewhere.reference})
    assert error_summary(response) == ["Select who this referral is about"]
    source.refresh_from_db()
    assert source.person is None


def test_the_second_caseworker_to_decide_is_told_who_decided_first(
    issue, caseworker, colleague, client_for
):
    mohammed, source = issue
    first, second = client_for(caseworker), client_for(colleague)
    first.get(referral_page(source))
    second.get(referral_page(source))
    assert first.post(referral_page(source), {"person": mohammed.reference}).status_code == 302
    people = Person.objects.count()

    second.raise_request_exception = False
    response = second.post(referral_page(source), {"person": "new"})

    assert Person.objects.count() == people
    source.refresh_from_db()
    assert (source.person, source.linked_by) == (mohammed, caseworker)
    assert response.status_code == 200, "the second caseworker got a server error"
    errors = error_summary(response)
    assert errors, "the second caseworker's decision was dropped without telling them"
    assert any(caseworker.full_name in e for e in errors), errors


def test_an_automatic_link_is_confirmed_from_the_referral_page(
    caseworker, colleague, client_for, index
):
    mohammed = known_person(caseworker, **SCHOOL)
    again = send(caseworker, **SCHOOL)
    client = client_for(colleague)
    page = client.get(referral_page(again))
    assert "automatically" in page.text
    assert mohammed.reference in page.text
    assert error_summary(client.post(referral_page(again), {})) == [
        "Select whether the link is right"
    ]
    response = client.post(referral_page(again), {"answer": "confirm"})
    assert response.status_code == 302
    again.refresh_from_db()
    assert (again.person, again.needs_review, again.linked_by) == (mohammed, False, colleague)
    assert last(AuditAction.AUTOMATIC_LINK_CONFIRMED).person_id == mohammed.reference


def test_an_automatic_link_is_undone_from_the_referral_page(
    caseworker, colleague, client_for, index
):
    mohammed = known_person(caseworker, **SCHOOL)
    own = set(mohammed.records.values_list("pk", flat=True))
    again = send(caseworker, **SCHOOL)
    response = client_for(colleague).post(referral_page(again), {"answer": "undo"})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.person != mohammed
    assert not again.needs_review
    assert set(mohammed.records.values_list("pk", flat=True)) == own
    after = client_for(colleague).get(referral_page(again), follow=True)
    assert again.person.reference in after.text


def test_a_referrer_cannot_see_who_a_referral_is_about(issue, make_user, client_for):
    mohammed, source = issue
    referrer = make_user(Role.REFERRER)
    client = client_for(referrer)
    assert client.get(referral_page(source)).status_code == 403
    assert client.get(person_page(mohammed)).status_code == 403


# A person's page.


def test_a_persons_page_shows_what_their_records_say_and_is_audited(
    make_case, caseworker, client_for
):
    case = make_case(**SCHOOL)
    person = services.confirm_new_person(actor=caseworker, source=case.referral.person_record)
    response = client_for(caseworker).get(person_page(person))
    assert response.status_code == 200
    assert "Mohammed Ali" in response.text
    assert case.referral.reference in response.text
    assert reverse("cases:detail", args=[case.reference]) in response.text
    event = last(AuditAction.PERSON_VIEWED)
    assert (event.person_id, event.target_id) == (person.reference, person.reference)


def test_a_persons_page_reads_in_the_same_few_queries_however_many_records_they_have(
    caseworker, client_for, django_assert_max_num_queries
):
    person = known_person(caseworker, **ZOE)
    client = client_for(caseworker)
    with CaptureQueriesContext(connection) as one_record:
        client.get(person_page(person))
    for i in range(5):
        source = send(caseworker, **someone(i))
        services.link_record(actor=caseworker, source=source, person=person, match=None)
    assert person.records.count() == 6
    with django_assert_max_num_queries(len(one_record)):
        response = client.get(person_page(person))
    assert len(response.context["records"]) == 6


# Undoing a merge.


@pytest.fixture
def merged(caseworker, index):
    older = known_person(caseworker, **SCHOOL)
    younger = known_person(caseworker, **A_AND_E)
    return services.merge_people(actor=caseworker, first=older, second=younger)


def undo_page(merge) -> str:
    return reverse("people:undo-merge", args=[merge.pk])


def test_undoing_a_merge_needs_a_reason(merged, caseworker, client_for):
    response = client_for(caseworker).post(undo_page(merged.merge), {"reason": ""})
    assert response.status_code == 200
    assert error_summary(response) == ["Enter why the merge is being undone"]
    merged.absorbed.refresh_from_db()
    assert merged.absorbed.merged_into == merged.survivor


def test_undoing_a_merge_from_its_page_restores_the_person(merged, colleague, client_for):
    moved = set(merged.merge.moved_record_ids)
    client = client_for(colleague)
    page = client.get(undo_page(merged.merge))
    assert page.status_code == 200
    viewed = last(AuditAction.PERSON_VIEWED)
    assert viewed.person_id == merged.survivor.reference
    response = client.post(undo_page(merged.merge), {"reason": "Different GP records"})
    assert response.status_code == 302
    assert response["Location"] == person_page(merged.survivor)
    merged.absorbed.refresh_from_db()
    assert merged.absorbed.merged_into is None
    assert set(merged.absorbed.records.values_list("pk", flat=True)) == moved
    assert last(AuditAction.PEOPLE_UNMERGED).person_id == merged.survivor.reference
    again = client.post(undo_page(merged.merge), {"reason": "Different GP records"})
    assert any("already undone" in e for e in error_summary(again))


def test_a_merge_whose_survivor_was_merged_again_cannot_be_undone_from_its_page(
    caseworker, client_for
):
    earliest = known_person(caseworker, **ZOE)
    first = services.merge_people(
        actor=caseworker,
        first=known_person(caseworker, **SCHOOL),
        second=known_person(caseworker, **A_AND_E | {"first_name": "Mo"}),
    )
    services.merge_people(actor=caseworker, first=earliest, second=first.survivor)
    response = client_for(caseworker).post(undo_page(first.merge), {"reason": "Two people"})
    assert response.status_code == 200
    (message,) = error_summary(response)
    assert first.survivor.reference in message
    assert "undo that merge first" in message


# The audit trail.


def test_the_audit_trail_of_the_person_index_names_people_by_reference_only(
    caseworker, colleague, manager, analyst, client_for, index
):
    client = client_for(caseworker)
    mohammed = known_person(caseworker, **SCHOOL)
    confirmed, undone = send(caseworker, **SCHOOL), send(caseworker, **SCHOOL)
    ae = send(caseworker, **A_AND_E)
    for tab in ("pairs", "automatic", "unlinked"):
        client.get(reverse("people:queue"), {"tab": tab})
    client.get(referral_page(ae))
    client.post(referral_page(ae), {"person": mohammed.reference})
    client.post(referral_page(confirmed), {"answer": "confirm"})
    client.post(referral_page(undone), {"answer": "undo"})
    zoes = [send(caseworker, **ZOE), send(caseworker, **ZOE | {"first_name": "Zoe"})]
    for source in zoes:
        client.post(referral_page(source), {"person": "new"})
    client_for(manager).post(reverse("people:check"))
    pairs = list(MatchCandidate.objects.filter(status="open"))
    zoe_people = {s.person_id for s in SourceRecord.objects.filter(pk__in=[z.pk for z in zoes])}
    zoe_pair = next(p for p in pairs if {p.person_a_id, p.person_b_id} == zoe_people)
    merged = client.post(reverse("people:pair", args=[zoe_pair.pk]), {"decision": "merge"})
    client.get(merged["Location"])
    merge = Merge.objects.get()
    client.post(undo_page(merge), {"reason": "Zoe Smith-Jones and her cousin"})
    other = next(p for p in pairs if p.pk != zoe_pair.pk)
    client.post(reverse("people:pair", args=[other.pk]), {"decision": "not_same"})
    upload = SimpleUploadedFile(
        "list.csv", b"id,forename,surname,date_of_birth\n1,Mohammed,Ali,03/04/2008\n"
    )
    client_for(analyst).post(reverse("people:link-list"), {"file": upload})

    events = list(AuditEvent.objects.filter(action__startswith="person."))
    assert {e.action for e in events} == {
        AuditAction.PERSON_CREATED,
        AuditAction.RECORD_LINKED_AUTOMATICALLY,
        AuditAction.REVIEW_QUEUE_VIEWED,
        AuditAction.MATCHES_VIEWED,
        AuditAction.RECORD_LINKED,
        AuditAction.AUTOMATIC_LINK_CONFIRMED,
        AuditAction.AUTOMATIC_LINK_UNDONE,
        AuditAction.INDEX_CHECKED,
        AuditAction.PERSON_VIEWED,
        AuditAction.PEOPLE_MERGED,
        AuditAction.PEOPLE_UNMERGED,
        AuditAction.NOT_SAME_PERSON,
        AuditAction.LIST_LINKED,
    }
    names = {"Mohammed", "Mohamed", "Ali", "Zoë", "Zoe", "Smith", "Jones", "Smith-Jones"}
    for event in events:
        written = " ".join(
            [json.dumps(event.detail, ensure_ascii=False), event.target_id, event.person_id]
        )
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", written, re.I), (event.action, name)
    about_someone = [
        e
        for e in events
        if e.action not in (AuditAction.REVIEW_QUEUE_VIEWED, AuditAction.INDEX_CHECKED)
        and e.target_type not in ("person_index", "referral")
    ]
    assert all(e.person_id for e in about_someone)
    # A referral's candidates, seen before it is anyone's, are named in the event's detail.
    assert all(
        e.detail.get("people") is not None
        for e in events
        if e.action == AuditAction.MATCHES_VIEWED and not e.person_id
    )
