"""The at-risk list as caseworkers and programme managers see it: only people on it today are
named, those who left are counted, every look is recorded, and managers see the list beside
the area's population."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import services
from vrhub.cases.models import AtRiskEntry, AtRiskReason, AtRiskStatus, PopulationShare
from vrhub.cases.pathway import Step
from vrhub.cases.tests.factories import adult_birth_date
from vrhub.cases.tests.quick import decline_offer, quick_listed
from vrhub.referrals.models import Concern

pytestmark = pytest.mark.django_db

URL = reverse("cases:at-risk")


@pytest.fixture
def listed(make_case, caseworker):
    """Two people who declined the offer, on the list."""
    first = decline_offer(make_case(Step.OFFER, first_name="Aaron", last_name="Ashby"), caseworker)
    second = decline_offer(
        make_case(
            Step.OFFER,
            first_name="Bella",
            last_name="Brook",
            sex="female",
            ethnicity="black_caribbean",
            date_of_birth=adult_birth_date(20),
        ),
        caseworker,
    )
    assert first is not None
    assert second is not None
    return first, second


def test_the_list_names_each_person_with_reason_owner_and_review_date(
    client_for, caseworker, listed
):
    first, second = listed
    # The second review falls in a week: tagged; the first in 3 months: not.
    AtRiskEntry.objects.filter(pk=second.pk).update(
        review_on=timezone.localdate() + timedelta(days=7)
    )
    response = client_for(caseworker).get(URL)
    assert response.status_code == 200
    page = response.text
    assert "Aaron Ashby" in page
    assert "Bella Brook" in page
    assert first.case.reference in page
    assert "Declined the CIRV offer" in page
    assert "Callum Caseworker" in page
    assert f"{first.review_on:%-d %b %Y}" in page
    rows = dict((entry.pk, due) for entry, due in response.context["rows"])
    assert rows == {first.pk: False, second.pk: True}
    assert page.count("Review due within 14 days") == 1


def test_an_entry_past_its_review_date_leaves_the_list_on_read_before_it_is_marked_expired(
    client_for, caseworker, listed
):
    first, _ = listed
    today = timezone.localdate()
    AtRiskEntry.objects.filter(pk=first.pk).update(
        added_on=today - timedelta(days=100), review_on=today - timedelta(days=1)
    )
    assert AtRiskEntry.objects.get(pk=first.pk).status == AtRiskStatus.ACTIVE  # not marked yet
    response = client_for(caseworker).get(URL)
    assert "Aaron Ashby" not in response.text
    assert first.case.reference not in response.text
    assert "Bella Brook" in response.text
    assert "1 entry expired in the last 3 months" in response.text


def test_entries_that_left_the_list_are_counted_never_named(
    client_for, caseworker, manager, listed
):
    first, second = listed
    services.at_risk_remove(entry=first, actor=manager)
    today = timezone.localdate()
    AtRiskEntry.objects.filter(pk=second.pk).update(
        added_on=today - timedelta(days=100), review_on=today - timedelta(days=2)
    )
    services.at_risk_expire_due()
    response = client_for(manager).get(URL)
    text = response.text
    assert "Aaron" not in text
    assert "Bella" not in text
    assert first.case.reference not in text
    assert second.case.reference not in text
    assert "1 entry expired in the last 3 months, and 1 was removed" in text
    assert "0 people on the list" in text


def test_a_person_recorded_only_as_a_victim_is_never_listed(client_for, caseworker, make_case):
    case = make_case(
        Step.OFFER, first_name="Vic", last_name="Timms", concerns=[Concern.VIOLENCE_VICTIM]
    )
    assert decline_offer(case, caseworker) is None
    response = client_for(caseworker).get(URL)
    assert "Timms" not in response.text
    assert response.context["page"].paginator.count == 0


def test_the_list_filters_by_owner_and_reason(client_for, caseworker, manager, listed):
    first, second = listed
    AtRiskEntry.objects.filter(pk=second.pk).update(owner=manager, reason=AtRiskReason.NO_RESPONSE)
    client = client_for(caseworker)
    by_owner = client.get(URL, {"owner": manager.pk})
    assert [e.pk for e, _ in by_owner.context["rows"]] == [second.pk]
    by_reason = client.get(URL, {"reason": AtRiskReason.OFFER_DECLINED})
    assert [e.pk for e, _ in by_reason.context["rows"]] == [first.pk]
    nonsense = client.get(URL, {"owner": "x", "reason": "nonsense"})
    assert len(nonsense.context["rows"]) == 2


def test_every_look_at_the_list_is_recorded_with_how_many_people_it_showed(
    client_for, caseworker, listed
):
    client = client_for(caseworker)
    client.get(URL)
    client.get(URL, {"reason": AtRiskReason.NO_RESPONSE})
    looks = AuditEvent.objects.filter(action=AuditAction.AT_RISK_LIST_VIEWED).order_by("id")
    assert [e.detail["entries"] for e in looks] == [2, 0]
    assert {e.actor_id for e in looks} == {caseworker.pk}


def test_managers_see_the_list_beside_the_population_and_caseworkers_do_not(
    client_for, caseworker, manager, listed
):
    PopulationShare.objects.bulk_create(
        [
            PopulationShare(
                dimension="ethnicity",
                category="black_caribbean",
                percent=Decimal("2.50"),
                source="ONS Census 2021",
            ),
            PopulationShare(
                dimension="ethnicity",
                category="white_british",
                percent=Decimal("70.00"),
                source="ONS Census 2021",
            ),
            PopulationShare(
                dimension="sex", category="female", percent=Decimal("51.00"), source="ONS"
            ),
            PopulationShare(
                dimension="age_band", category="18-24", percent=Decimal("20.00"), source="ONS"
            ),
        ]
    )
    response = client_for(manager).get(URL)
    comparisons = {c.dimension: c for c in response.context["comparisons"]}
    ethnicity = {row.category: row for row in comparisons["ethnicity"].rows}
    assert ethnicity["black_caribbean"].listed == 1
    assert ethnicity["black_caribbean"].listed_percent == Decimal("50.0")
    assert ethnicity["black_caribbean"].population_percent == Decimal("2.50")
    assert ethnicity["black_caribbean"].difference_shown == "+47.5"
    assert ethnicity["white_british"].difference_shown == "−20.0"  # noqa: RUF001
    sex = {row.category: row for row in comparisons["sex"].rows}
    assert sex["male"].population_percent is None
    assert sex["male"].difference_shown == "No population figure"
    bands = {row.category: row.listed for row in comparisons["age_band"].rows}
    assert bands == {"14-17": 1, "18-24": 1}
    assert "The list beside the area's population" in response.text
    assert "+47.5" in response.text

    # Whoever reads the list sees its make-up beside the population.
    caseworker_page = client_for(caseworker).get(URL)
    assert "+47.5" in caseworker_page.text


def test_the_list_costs_the_same_queries_for_3_or_30_people(client_for, make_user, coventry_area):
    manager = make_user(Role.PROGRAMME_MANAGER)
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    for _ in range(3):
        quick_listed(actor=manager, area=coventry_area)
    few = queries()
    for number in range(27):
        quick_listed(
            actor=make_user(Role.CASEWORKER) if number % 5 == 0 else manager,
            area=coventry_area,
            sex="female" if number % 2 else "male",
            ethnicity="black_african" if number % 3 else "asian_indian",
        )
    assert queries() == few
    assert client.get(URL).context["page"].paginator.count == 30
