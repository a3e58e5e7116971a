"""Programme figures: a small world counted exactly for the programme manager, the same world
with small numbers suppressed for scrutiny, each table as CSV, and a page that costs the same
queries however many cases there are."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import figures, services
from vrhub.cases.models import OfferMethod
from vrhub.cases.pathway import ClosureReason, Step
from vrhub.cases.tests.factories import adult_birth_date, awaiting_triage
from vrhub.cases.tests.quick import decline_offer, quick_case, quick_listed
from vrhub.referrals import services as referral_services
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Referral
from vrhub.referrals.tests.factories import complete_answers

pytestmark = pytest.mark.django_db

PAGE = reverse("cases:programme")


@pytest.fixture
def world(make_case, caseworker, make_user):
    """8 referrals sent (and a draft): 2 awaiting triage, 1 out of area, 5 accepted; of those,
    2 being worked with (steps 3 and 5), 1 declined the offer, 1 let it lapse, 1 moved away."""
    today = timezone.localdate()
    awaiting_triage(caseworker)
    awaiting_triage(caseworker, sex="female", first_name="Freya")
    referral_services.referral_start(referrer=make_user(Role.REFERRER))  # a draft: not counted
    referral_services.referral_create(
        actor=caseworker, answers=complete_answers(postcode="B6 4AA", first_name="Omar")
    )
    make_case(Step.OFFER, first_name="Ada")
    make_case(Step.RELATIONSHIP, first_name="Ben")
    decline_offer(make_case(Step.OFFER, first_name="Cal"), caseworker)
    lapsing = make_case(Step.OFFER, first_name="Dev")
    services.offer_make(
        case=lapsing,
        actor=caseworker,
        made_on=today - timedelta(days=20),
        method=OfferMethod.LETTER,
        expected_version=lapsing.version,
    )
    assert services.offers_lapse() == 1
    moving = make_case(
        Step.MOMENT, first_name="Eve", sex="female", date_of_birth=adult_birth_date(20)
    )
    services.case_close(
        case=moving,
        actor=caseworker,
        reason=ClosureReason.MOVED,
        placement_outcome="",
        follow_up_on=None,
        note="",
        expected_version=moving.version,
    )


def _numbers(rows: list[figures.Figure]) -> dict[str, int | None]:
    return {row.code: row.count.value for row in rows}


def test_the_small_world_is_counted_exactly(world):
    today = timezone.localdate()
    summary = figures.programme_summary(start=today - timedelta(days=30), end=today, exact=True)
    assert summary.referrals_to_date.value == 8
    assert summary.referrals_in_period.value == 8
    assert summary.awaiting_triage.value == 2
    assert summary.accepted_at_triage.value == 5
    assert summary.offers_declined.value == 1
    assert summary.offers_no_response.value == 1
    assert summary.being_worked_with.value == 2
    assert summary.on_at_risk_list.value == 2
    assert _numbers(summary.by_step) == {"3": 1, "4": 0, "5": 1, "6": 0, "7": 0, "8": 0}
    closed = _numbers(summary.closed_by_reason)
    assert closed == {
        "completed": 0,
        "disengaged": 0,
        "offer_declined": 1,
        "no_response": 1,
        "moved_out_of_area": 1,
        "custody": 0,
        "deceased": 0,
        "other": 0,
    }
    assert _numbers(summary.open_by_area) == {"Coventry": 2}
    assert _numbers(summary.open_by_sex) == {"female": 0, "male": 2}
    assert _numbers(summary.open_by_age_band) == {
        "10-13": 0,
        "14-17": 2,
        "18-24": 0,
        "25-30": 0,
        "31+": 0,
    }
    assert _numbers(summary.referrals_by_area) == {"Coventry": 7, "Out of area": 1}
    assert _numbers(summary.referrals_by_sex) == {"female": 2, "male": 6}
    assert _numbers(summary.referrals_by_age_band) == {
        "10-13": 0,
        "14-17": 7,
        "18-24": 1,
        "25-30": 0,
        "31+": 0,
    }


def test_flows_are_counted_in_the_period_and_stocks_as_they_are_today(world):
    long_ago = date(2020, 1, 1)
    summary = figures.programme_summary(start=long_ago, end=long_ago, exact=True)
    assert summary.referrals_to_date.value == 8  # to date, whatever the period
    assert summary.referrals_in_period.value == 0
    assert summary.accepted_at_triage.value == 0
    assert summary.offers_declined.value == 0
    assert _numbers(summary.closed_by_reason)["offer_declined"] == 0
    assert summary.awaiting_triage.value == 2
    assert summary.being_worked_with.value == 2
    assert summary.on_at_risk_list.value == 2
    assert sum(_numbers(summary.referrals_by_sex).values()) == 0


def test_scrutiny_sees_every_count_under_5_as_fewer_than_5(world):
    summary = figures.programme_summary(start=None, end=None, exact=False)
    assert summary.referrals_to_date.shown == "8"
    assert summary.referrals_to_date.value == 8
    for small in (summary.awaiting_triage, summary.being_worked_with, summary.on_at_risk_list):
        assert small.value is None
        assert small.shown == "fewer than 5"
    # 0 too: a zero can identify as surely as a one.
    assert all(row.count.shown == "fewer than 5" for row in summary.by_step)
    assert _numbers(summary.referrals_by_age_band)["14-17"] == 7
    assert _numbers(summary.referrals_by_age_band)["18-24"] is None


def test_the_page_shows_the_figures_as_tables_and_each_look_is_recorded(client_for, manager, world):
    response = client_for(manager).get(PAGE)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.period.start == figures.financial_year_start(timezone.localdate())
    assert summary.period.end == timezone.localdate()
    text = response.text
    assert {table.slug for table in summary.tables()} == figures.TABLE_SLUGS
    for table in summary.tables():
        assert f'id="{table.slug}"' in text
        assert reverse("cases:programme-csv", kwargs={"table": table.slug}) in text
    assert "Being worked with now, by step" in text
    assert "Referrals to date" in text  # the headline figures
    event = AuditEvent.objects.get(action=AuditAction.PROGRAMME_FIGURES_VIEWED)
    assert event.person_id == ""
    assert event.detail["view"] == "page"
    assert event.detail["exact"] is True
    assert "Ada" not in text
    assert "Clarke" not in text


def test_scrutiny_members_see_fewer_than_5_on_the_page_and_in_downloads(
    client_for, make_user, world
):
    client = client_for(make_user(Role.SCRUTINY_MEMBER))
    page = client.get(PAGE)
    assert "fewer than 5" in page.text
    assert page.context["summary"].being_worked_with.value is None
    download = client.get(reverse("cases:programme-csv", kwargs={"table": "by-step"}))
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["Step", "People"]
    assert {row[1] for row in rows[1:]} == {"fewer than 5"}


def test_each_table_downloads_as_csv_for_the_period_chosen(client_for, manager, world):
    today = timezone.localdate()
    period = {
        "start_0": "1",
        "start_1": "1",
        "start_2": "2020",
        "end_0": str(today.day),
        "end_1": str(today.month),
        "end_2": str(today.year),
    }
    client = client_for(manager)
    response = client.get(reverse("cases:programme-csv", kwargs={"table": "pathway"}), period)
    assert response["Content-Type"].startswith("text/csv")
    rows = dict(csv.reader(io.StringIO(response.content.decode())))
    assert rows["Referrals sent to date"] == "8"
    assert rows[f"Referrals sent from 1 January 2020 to {today:%-d %B %Y}"] == "8"
    assert rows["On the at-risk list now"] == "2"
    event = AuditEvent.objects.get(action=AuditAction.PROGRAMME_FIGURES_VIEWED)
    assert event.detail["table"] == "pathway"
    assert event.detail["start"] == "2020-01-01"
    assert (
        client.get(reverse("cases:programme-csv", kwargs={"table": "nonsense"})).status_code == 404
    )


def test_a_period_that_ends_before_it_starts_is_refused(client_for, manager):
    response = client_for(manager).get(
        PAGE,
        {
            "start_0": "2",
            "start_1": "5",
            "start_2": "2026",
            "end_0": "1",
            "end_1": "5",
            "end_2": "2026",
        },
    )
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.text
    assert response.context["summary"] is None


def test_the_financial_year_starts_on_1_april():
    assert figures.financial_year_start(date(2027, 3, 31)) == date(2026, 4, 1)
    assert figures.financial_year_start(date(2027, 4, 1)) == date(2027, 4, 1)


def test_the_headline_include_renders_a_summary(world):
    html = render_to_string(
        "cases/_programme_summary.html",
        {"summary": figures.programme_summary(start=None, end=None, exact=False)},
    )
    assert "Referrals to date" in html
    assert ">8<" in html
    assert "On the at-risk list" in html
    assert "fewer than 5" in html


@pytest.mark.parametrize("on", [date(2026, 2, 28), date(2026, 3, 1), date(2028, 2, 29)])
def test_ages_and_bands_in_the_database_agree_with_age_on(caseworker, coventry_area, on):
    """Birthdays the day before, on and after the referral date, and on 29 February."""
    births = [
        date(2013, 2, 28),
        date(2012, 2, 28),
        date(2012, 3, 1),
        date(2008, 2, 29),
        date(2008, 2, 27),
        date(2008, 3, 1),
        date(1995, 2, 28),
        date(1995, 3, 1),
        date(2020, 1, 1),
        None,
    ]
    for born in births:
        case = quick_case(actor=caseworker, area=coventry_area, born=born)
        Referral.objects.filter(pk=case.referral_id).update(referral_date=on)
    rows = Referral.objects.annotate(
        band_today=figures.age_band_today("date_of_birth", on),
    ).values_list("date_of_birth", "band_today")
    for born, band_today in rows:
        age = age_on(born, on) if born else None
        assert figures.band_of_age(age) == figures.age_band_of(born, on), born
        assert band_today == figures.age_band_of(born, on), born
    assert figures.age_band_of(date(2008, 2, 29), date(2026, 2, 28)) == "14-17"
    assert figures.age_band_of(date(2008, 2, 29), date(2026, 3, 1)) == "18-24"
    assert figures.age_band_of(None, on) == "Not known"
    assert figures.age_band_of(date(2020, 1, 1), on) == "Under 10"


def test_the_page_costs_the_same_queries_for_3_or_30_cases(client_for, make_user, coventry_area):
    manager = make_user(Role.PROGRAMME_MANAGER)
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    for _ in range(3):
        quick_case(actor=manager, area=coventry_area)
    few = queries()
    for number in range(27):
        if number % 4 == 0:
            quick_listed(actor=manager, area=coventry_area)
        else:
            quick_case(
                actor=manager,
                area=coventry_area if number % 3 else None,
                step=Step(3 + number % 6),
                sex="female" if number % 2 else "male",
                born=adult_birth_date(18 + number),
            )
    assert queries() == few
    assert client.get(PAGE).context["summary"].referrals_to_date.value == 30


def test_a_small_count_cannot_be_worked_out_from_the_total(make_user, coventry_area):
    """8 being worked with, 7 male and 1 female: showing 7 would give the 1 away."""
    caseworker = make_user(Role.CASEWORKER)
    for _ in range(7):
        quick_case(actor=caseworker, area=coventry_area, sex="male")
    quick_case(actor=caseworker, area=coventry_area, sex="female")
    summary = figures.programme_summary(start=None, end=None, exact=False)
    assert summary.being_worked_with.shown == "8"
    by_sex = {line.code: line.count.shown for line in summary.open_by_sex}
    assert by_sex == {"female": "fewer than 5", "male": "withheld"}
    exact = figures.programme_summary(start=None, end=None, exact=True)
    assert {line.code: line.count.shown for line in exact.open_by_sex} == {
        "female": "1",
        "male": "7",
    }
