"""The programme manager's referral figures, on the page and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from vrhub.accounts.models import Role
from vrhub.referrals import services
from vrhub.referrals.tests.factories import complete_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(make_user, coventry_area, police):
    school = make_user(Role.REFERRER)
    officer = make_user(Role.REFERRER, agency=police)
    for answers, who in [
        (complete_answers(), school),
        (complete_answers(sex="female", date_of_birth=date(2008, 1, 1)), school),
        (complete_answers(postcode="B6 4AA"), officer),
    ]:
        services.referral_create(actor=who, answers=answers, on=date(2026, 5, 20))
    services.referral_start(referrer=school)  # a draft is not counted


def _table(response, slug):
    return next(t for t in response.context["tables"] if t.slug == slug)


def test_the_figures_count_sent_referrals_every_way_the_manager_asks(
    make_user, client_for, referrals
):
    response = client_for(make_user(Role.PROGRAMME_MANAGER)).get(reverse("referrals:figures"))
    assert response.status_code == 200
    assert _table(response, "by-month").total == 3
    assert _table(response, "by-quarter").total == 3
    assert dict((r[0], r[1]) for r in _table(response, "by-agency").rows) == {
        "Coventry City Council": 2,
        "West Midlands Police": 1,
    }
    assert _table(response, "by-eligibility").rows == [
        ["Eligible", 2],
        ["Not eligible", 0],
        ["Out of area", 1],
    ]
    age_sex = _table(response, "by-age-and-sex")
    assert age_sex.headers == ["Age band", "Female", "Male", "All"]
    assert age_sex.total == 3
    assert "Jayden" not in response.text
    assert "Clarke" not in response.text


def test_each_table_downloads_as_csv(make_user, client_for, referrals):
    client = client_for(make_user(Role.PROGRAMME_MANAGER))
    response = client.get(reverse("referrals:figures-csv", args=["by-eligibility"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Outcome", "Referrals"],
        ["Eligible", "2"],
        ["Not eligible", "0"],
        ["Out of area", "1"],
    ]
    assert client.get(reverse("referrals:figures-csv", args=["nonsense"])).status_code == 404


def test_downloads_cannot_run_as_spreadsheet_formulas(make_user, client_for, coventry_area):
    from vrhub.accounts.tests.factories import AgencyFactory

    rogue = AgencyFactory(name='=HYPERLINK("http://evil.example")')
    services.referral_create(
        actor=make_user(Role.REFERRER, agency=rogue), answers=complete_answers()
    )
    client = client_for(make_user(Role.PROGRAMME_MANAGER))
    response = client.get(reverse("referrals:figures-csv", args=["by-agency"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0].startswith("'=HYPERLINK")


def test_a_month_with_no_referrals_is_shown_as_none(make_user, client_for, coventry_area):
    referrer = make_user(Role.REFERRER)
    for day in (date(2026, 1, 20), date(2026, 3, 2)):
        made = services.referral_create(actor=referrer, answers=complete_answers(), on=day)
        from datetime import datetime, time

        from django.utils import timezone

        when = timezone.make_aware(datetime.combine(day, time(12)))
        type(made.referral).objects.filter(pk=made.referral.pk).update(submitted_at=when)
    response = client_for(make_user(Role.PROGRAMME_MANAGER)).get(reverse("referrals:figures"))
    assert _table(response, "by-month").rows == [
        ["January 2026", 1],
        ["February 2026", 0],
        ["March 2026", 1],
    ]
