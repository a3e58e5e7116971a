"""Governing the at-risk list: downloads are redacted unless a named recipient needs names and
says why (then the download is a share, in the share log), and the population table the list is
compared with is replaced from a CSV file, all of it or nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases.models import AtRiskShare, PopulationShare
from vrhub.cases.pathway import Step
from vrhub.cases.tests.quick import decline_offer, quick_listed

pytestmark = pytest.mark.django_db

EXPORT = reverse("cases:at-risk-export")
SHARES = reverse("cases:at-risk-shares")
POPULATION = reverse("cases:population-shares")


@pytest.fixture
def listed(make_case, caseworker):
    entry = decline_offer(make_case(Step.OFFER), caseworker)  # Jayden Clarke, born 14 March 2011
    assert entry is not None
    return entry


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_download_is_redacted_by_default_with_no_names_or_dates_of_birth(
    client_for, manager, listed
):
    client = client_for(manager)
    form = client.get(EXPORT)
    assert form.context["form"]["version"].value() == "redacted"
    response = client.post(EXPORT, {"version": "redacted"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "redacted" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == [
        "Case reference",
        "Initials",
        "Age band",
        "Sex",
        "Ethnic group",
        "Reason",
        "Added",
        "Review date",
    ]
    assert rows[1][:4] == [listed.case.reference, "JC", "14-17", "Male"]
    text = response.content.decode()
    assert "Jayden" not in text
    assert "Clarke" not in text
    assert "2011-03-14" not in text
    assert AuditEvent.objects.filter(
        action=AuditAction.AT_RISK_LIST_EXPORTED, detail__redacted=True
    ).exists()
    assert not AtRiskShare.objects.exists()


def test_names_need_a_recipient_and_a_purpose(client_for, manager, listed):
    response = client_for(manager).post(EXPORT, {"version": "names"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Say who the names are for" in response.text
    assert "Say why they need the names" in response.text
    assert not AtRiskShare.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=[AuditAction.AT_RISK_LIST_EXPORTED, AuditAction.AT_RISK_LIST_SHARED]
    ).exists()


def test_a_download_with_names_is_a_share_in_the_share_log(client_for, manager, listed):
    client = client_for(manager)
    response = client.post(
        EXPORT,
        {
            "version": "names",
            "recipient": "DS Patel, Coventry Safeguarding Hub",
            "purpose": "Strategy meeting about the knife incident",
        },
    )
    rows = _rows(response)
    assert rows[0][:3] == ["Case reference", "Name", "Date of birth"]
    assert rows[1][:3] == [listed.case.reference, "Jayden Clarke", "2011-03-14"]
    share = AtRiskShare.objects.get()
    assert (share.recipient, share.redacted, share.entries, share.shared_by) == (
        "DS Patel, Coventry Safeguarding Hub",
        False,
        1,
        manager,
    )
    shared = AuditEvent.objects.get(action=AuditAction.AT_RISK_LIST_SHARED)
    assert shared.detail == {"entries": 1, "redacted": False}
    log = client.get(SHARES)
    assert "DS Patel, Coventry Safeguarding Hub" in log.text
    assert "Strategy meeting about the knife incident" in log.text
    assert "With names" in log.text


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_made_safe(
    client_for, manager, coventry_area
):
    quick_listed(actor=manager, area=coventry_area, first_name="=HYPERLINK(1)", last_name="-2")
    response = client_for(manager).post(
        EXPORT, {"version": "names", "recipient": "A", "purpose": "B"}
    )
    name = _rows(response)[1][1]
    assert name == "'=HYPERLINK(1) -2"


def test_caseworkers_may_look_at_the_list_but_not_download_or_share_it(
    client_for, caseworker, listed
):
    client = client_for(caseworker)
    assert client.post(EXPORT, {"version": "redacted"}).status_code == 403
    assert client.get(SHARES).status_code == 403
    assert client.get(POPULATION).status_code == 403


# The population table.

GOOD_FILE = (
    "dimension,category,percent,source\n"
    "ethnicity,white_british,55.5,ONS Census 2021\n"
    "ethnicity,black_caribbean,1.2,ONS Census 2021\n"
    "sex,female,50.8,ONS mid-year 2023\n"
    "sex,male,49.2,ONS mid-year 2023\n"
    "age_band,14-17,18,ONS mid-year 2023\n"
    "age_band,31+,40,ONS mid-year 2023\n"
)


def _upload(client, text: str, name: str = "population.csv"):
    return client.post(POPULATION, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_a_good_file_replaces_the_whole_table(client_for, manager):
    PopulationShare.objects.create(
        dimension="ethnicity", category="white_irish", percent=Decimal("1.00"), source="Old"
    )
    client = client_for(manager)
    response = _upload(client, GOOD_FILE)
    assert response.status_code == 302
    shares = {(s.dimension, s.category): s.percent for s in PopulationShare.objects.all()}
    assert shares == {
        ("ethnicity", "white_british"): Decimal("55.50"),
        ("ethnicity", "black_caribbean"): Decimal("1.20"),
        ("sex", "female"): Decimal("50.80"),
        ("sex", "male"): Decimal("49.20"),
        ("age_band", "14-17"): Decimal("18.00"),
        ("age_band", "31+"): Decimal("40.00"),
    }
    event = AuditEvent.objects.get(target_type="population_shares")
    assert event.detail == {"rows": 6, "replaced": 1}
    assert "ONS Census 2021" in client.get(POPULATION).text


def test_a_bad_file_is_reported_row_by_row_and_changes_nothing(client_for, manager):
    PopulationShare.objects.create(
        dimension="sex", category="male", percent=Decimal("49.00"), source="Kept"
    )
    bad = (
        "Dimension,Category,Percent,Source\n"
        "ethnicity,white_british,55.5,ONS\n"
        "ethnicity,martian,2,ONS\n"
        "sex,female,hundred,ONS\n"
        "age_band,12-15,10,\n"
        "ethnicity,white_british,3,ONS\n"
    )
    response = _upload(client_for(manager), bad)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The selected file has problems on 4 rows" in response.text
    report = {row.number: row.errors for row in response.context["report"].rows}
    assert report[2] == []
    assert report[3] == ["Ethnic group must be one of the 2021 census codes, like white_british"]
    assert report[4] == ["Percent must be a number from 0 to 100, like 12.5"]
    assert report[5] == [
        "Age band must be one of 10-13, 14-17, 18-24, 25-30, 31+",
        "Enter the source of the figure, like ONS Census 2021",
    ]
    assert report[6] == ["This category is already on row 2"]
    assert list(PopulationShare.objects.values_list("source", flat=True)) == ["Kept"]
    assert not AuditEvent.objects.filter(target_type="population_shares").exists()


def test_shares_adding_up_to_more_than_100_are_refused(client_for, manager):
    response = _upload(
        client_for(manager), "dimension,category,percent,source\nsex,male,60,A\nsex,female,60,A\n"
    )
    assert "The sex shares add up to 120%" in response.text
    assert not PopulationShare.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("", "population.csv", "The selected file is empty"),
        ("a,b\n1,2\n", "population.csv", "must have a header row with the columns"),
        ("dimension,category,percent,source\n", "population.csv", "has no shares in it"),
        (GOOD_FILE, "population.xlsx", "The selected file must be a CSV"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(client_for, make_user, content, name, message):
    client = client_for(make_user(Role.PROGRAMME_MANAGER))
    response = _upload(client, content, name)
    assert response.status_code == 200
    assert message in response.text
    assert not PopulationShare.objects.exists()
