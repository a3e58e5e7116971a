"""Linking a list from elsewhere to the index: an analyst sends a CSV and gets one back, and
vrhub keeps nothing of the list."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.people import lists, services
from vrhub.people.lists import ListRefused
from vrhub.people.models import Person, SourceRecord

from .factories import SCHOOL, ZOE, known_person, send

pytestmark = pytest.mark.django_db

BOM = "\ufeff".encode()


def csv_bytes(*lines: str, bom: bool = False, newline: str = "\n") -> bytes:
    return (BOM if bom else b"") + newline.join(lines).encode() + newline.encode()


def upload(client, data: bytes):
    return client.post(
        reverse("people:link-list"),
        {"file": SimpleUploadedFile("cohort.csv", data, content_type="text/csv")},
    )


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# Reading the file.


def test_a_file_saved_by_excel_with_a_byte_order_mark_and_windows_line_endings_is_read():
    data = csv_bytes(
        "ID,Forename,Surname,Date_of_birth",
        "A1,Mohammed,Ali,03/04/2008",
        "A2,Zoë,Smith-Jones,2009-07-08",
        bom=True,
        newline="\r\n",
    )
    rows = lists.read(data)
    assert [cells for _, cells in rows] == [
        {"id": "A1", "forename": "Mohammed", "surname": "Ali", "date_of_birth": "03/04/2008"},
        {"id": "A2", "forename": "Zoë", "surname": "Smith-Jones", "date_of_birth": "2009-07-08"},
    ]
    # Lines as a spreadsheet numbers them: the header is line 1.
    assert [line for line, _ in rows] == [2, 3]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (csv_bytes("id,forename,nhs_number", "1,Jo,123"), "Column 3 of the header"),
        (csv_bytes("id,forename,surname,date_of_birth"), "a header but no rows"),
        (b"", "empty"),
        (csv_bytes("id,postcode", "1,CV1 2AB"), "at least one of"),
        ("forename,surname\nZoë,Smith\n".encode("latin-1"), "UTF-8"),
        (b"forename,surname\n" + b"Jo,Smith\n" * 300_000, "smaller than 2 MB"),
        (b'forename,surname\n"' + b"x" * 140_000 + b'",Smith\n', "must be a CSV"),
    ],
    ids=[
        "unknown column",
        "header only",
        "empty",
        "no name or date column",
        "not UTF-8",
        "too big",
        "not a CSV",
    ],
)
def test_a_file_vrhub_cannot_use_is_refused_with_the_reason(data, says):
    with pytest.raises(ListRefused) as refused:
        lists.read(data)
    assert says in refused.value.message


# Matching the rows.


@pytest.fixture
def mohammed(caseworker, index) -> Person:
    return known_person(caseworker, **SCHOOL)


def linked(*lines: str) -> lists.LinkedList:
    rows = lists.read(csv_bytes("id,forename,surname,date_of_birth,postcode", *lines))
    return lists.link(rows, threshold=services.review_probability())


def test_a_row_of_someone_in_the_index_gets_their_reference(mohammed):
    (row,) = linked("S-1,Mohammed,Ali,03/04/2008,CV1 2AB").rows
    assert row.person == mohammed.reference
    assert row.outcome == "matched"
    assert row.id == "S-1"


def test_rows_that_cannot_be_matched_say_why(mohammed):
    result = linked(
        "1,,,,CV1 2AB",
        "2,Mohammed,Ali,not a date,CV1 2AB",
        "3,Nobody,Known-Anywhere,01/01/2001,CV7 9ZZ",
    )
    assert [(r.outcome, r.person) for r in result.rows] == [
        ("not matched: no name or date of birth", ""),
        ("not matched: date of birth not understood", ""),
        ("not found", ""),
    ]


def test_a_row_that_matches_two_people_says_so(caseworker, index):
    twice = [send(caseworker, **ZOE), send(caseworker, **ZOE)]
    people = {services.confirm_new_person(actor=caseworker, source=s).reference for s in twice}
    (row,) = linked("1,Zoe,Smith Jones,08/07/2009,CV2 3CD").rows
    assert row.person in people
    assert row.outcome == "matched, another person also likely"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_comes_back_as_text(mohammed):
    result = linked(
        '"=HYPERLINK(""http://example.com"")",Mohammed,Ali,03/04/2008,CV1 2AB',
        "+1,Nobody,Known,01/01/2001,CV7 9ZZ",
    )
    back = list(csv.DictReader(io.StringIO(result.as_csv())))
    assert back[0]["id"] == "'" + '=HYPERLINK("http://example.com")'
    assert back[1]["id"] == "'+1"


# The page.


def test_the_analyst_links_a_list_and_gets_a_csv_back(mohammed, analyst, client_for):
    records, people = SourceRecord.objects.count(), Person.objects.count()
    data = csv_bytes(
        "id,forename,surname,date_of_birth,postcode",
        "S-1,Mohammed,Ali,03/04/2008,CV1 2AB",
        "S-2,,,,",
        "=SUM(A1),Nobody,Known-Anywhere,01/01/2001,CV7 9ZZ",
        bom=True,
        newline="\r\n",
    )
    response = upload(client_for(analyst), data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    # No probability: moving one detail and watching it change would reveal what the index holds.
    assert list(rows[0]) == ["line", "id", "person_reference", "outcome"]
    assert [(r["line"], r["id"], r["person_reference"], r["outcome"]) for r in rows] == [
        ("2", "S-1", mohammed.reference, "matched"),
        ("3", "S-2", "", "not matched: no name or date of birth"),
        ("4", "'=SUM(A1)", "", "not found"),
    ]
    # Nothing from the list is kept, and nothing of the index but references goes back.
    assert (SourceRecord.objects.count(), Person.objects.count()) == (records, people)
    assert "Ali" not in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LIST_LINKED, target_type="person_index")
    assert event.actor == analyst
    assert event.detail == {"rows": 3, "matched": 1}


def test_a_list_with_a_column_vrhub_does_not_know_is_refused_on_the_page(analyst, client_for, db):
    response = upload(client_for(analyst), csv_bytes("id,forename,nhs_number", "1,Jo,123"))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Column 3 of the header is not one vrhub knows" in response.text
    assert "nhs_number" not in response.text  # a header cell may be a name: never echoed
    assert not AuditEvent.objects.filter(action=AuditAction.LIST_LINKED).exists()


def test_a_list_with_only_a_header_is_refused_on_the_page(analyst, client_for, db):
    response = upload(client_for(analyst), csv_bytes("id,forename,surname"))
    assert "There is a problem" in response.text
    assert "The file has a header but no rows" in response.text


def test_the_page_asks_for_a_file(analyst, client_for, db):
    response = client_for(analyst).post(reverse("people:link-list"), {})
    assert "There is a problem" in response.text
    assert "Select a CSV file" in response.text


def test_the_analyst_links_lists_but_never_sees_the_index(analyst, mohammed, client_for):
    client = client_for(analyst)
    assert client.get(reverse("people:link-list")).status_code == 200
    assert client.get(reverse("people:queue")).status_code == 403
    assert client.get(reverse("people:person", args=[mohammed.reference])).status_code == 403


def test_a_caseworker_does_not_link_lists(caseworker, client_for, db):
    assert client_for(caseworker).get(reverse("people:link-list")).status_code == 403


def test_the_audit_trail_of_a_list_holds_counts_and_no_names(mohammed, analyst, client_for):
    upload(
        client_for(analyst),
        csv_bytes("id,forename,surname,date_of_birth", "1,Mohammed,Ali,03/04/2008"),
    )
    (event, disclosed) = AuditEvent.objects.filter(action=AuditAction.LIST_LINKED).order_by("id")
    assert event.detail == {"rows": 1, "matched": 1}
    # The person whose reference went out has the disclosure on their own trail.
    assert disclosed.person_id == mohammed.reference
    assert disclosed.target_id == str(event.pk)
    for written in (
        json.dumps(event.detail, ensure_ascii=False) + event.target_id,
        json.dumps(disclosed.detail, ensure_ascii=False) + disclosed.target_id,
    ):
        for name in ("Mohammed", "mohammed", "Ali", "ali", "2008"):
            assert name not in written
