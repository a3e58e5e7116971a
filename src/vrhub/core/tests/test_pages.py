"""Error pages, role homes, security headers and settings that a council's IT team relies on."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from vrhub.accounts.models import Agency, Role, User
from vrhub.audit.integrity import verify_chain
from vrhub.core.navigation import ROLE_TILES

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[4]


def test_an_unknown_page_is_a_govuk_404(make_user, client_for):
    response = client_for(make_user(Role.MENTOR)).get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "govuk-template" in response.text


def test_a_server_error_shows_only_a_reference(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.MENTOR))
    with mock.patch("vrhub.core.views.render", side_effect=RuntimeError("secret detail P-42")):
        response = client.get("/privacy/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert response["X-Request-ID"] in response.text
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_own_home_with_tiles_that_lead_somewhere(make_user, client_for, role):
    client = client_for(make_user(role))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == f"/home/{role.value}/"
    assert f"{role.label} home" in response.text
    for tile in ROLE_TILES[role]:
        assert tile.title in response.text
        if tile.available:
            assert client.get(tile.url).status_code == 200, tile.url


def test_navigation_shows_only_what_the_role_may_use(make_user, client_for):
    mentor = client_for(make_user(Role.MENTOR)).get("/home/mentor/")
    assert [i.text for i in mentor.context["navigation"]] == [
        "Home",
        "Your mentees",
        "Your account",
    ]
    caseworker = client_for(make_user(Role.CASEWORKER)).get("/home/caseworker/")
    assert [i.text for i in caseworker.context["navigation"]] == [
        "Home",
        "Referral queue",
        "Triage panels",
        "Make a referral",
        "Your cases",
        "At-risk list",
        "Person index",
        "Your account",
    ]
    admin = client_for(make_user(Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER))
    items = admin.get("/home/administrator/").context["navigation"]
    assert [i.text for i in items] == [
        "Home",
        "Audit trail",
        "Agencies",
        "Users",
        "Send referrals in a file",
        "Your account",
    ]
    assert [i.text for i in items if i.current] == ["Home"]


def test_a_user_with_several_roles_can_switch_home(make_user, client_for):
    client = client_for(make_user(Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER))
    response = client.get("/home/administrator/")
    assert 'href="/home/data_protection_officer/"' in response.text


def test_pages_forbid_inline_script_and_framing(make_user, client_for):
    response = client_for(make_user(Role.MENTOR)).get("/account/")
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.text


def _deploy_check(secret: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vrhub.settings.production",
        "DJANGO_SECRET_KEY": secret,
        "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
        "DJANGO_ALLOWED_HOSTS": "vrhub.council.example",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks():
    result = _deploy_check("k" * 20 + "-a-long-random-production-secret-0123456789")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_default_secret():
    result = _deploy_check(settings.DEFAULT_SECRET_KEY)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_the_demo_world_loads_once_and_its_sign_ins_work(db):
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    counts = (Agency.objects.count(), User.objects.count())
    call_command("load_demo", stdout=second)
    assert (Agency.objects.count(), User.objects.count()) == counts
    assert "nothing new" in second.getvalue()
    assert first.getvalue().splitlines()[2:] == second.getvalue().splitlines()[2:]
    assert {r for u in User.objects.all() for r in u.roles} == set(Role)
    assert Agency.objects.filter(hosts_partnership=True).count() == 1
    line = next(x for x in first.getvalue().splitlines() if "caseworker@" in x)
    email, password = line.split()[-2:]
    response = Client().post("/sign-in/", {"email": email, "password": password})
    assert response.status_code == 302
    assert verify_chain().intact


def test_request_lines_in_logs_lose_their_query_string():
    import logging

    from vrhub.core.logging import QueryStringScrubber

    rec = logging.LogRecord(
        "django.server",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        ("GET /audit/?person=P-42 HTTP/1.1", "200", "12"),
        None,
    )
    QueryStringScrubber().filter(rec)
    assert rec.getMessage() == '"GET /audit/ HTTP/1.1" 200 12'


def test_the_error_summary_follows_the_order_of_the_page(make_user, client_for):
    # "Select at least one area" comes from the form's clean(), after the field checks.
    manager = make_user(Role.PROGRAMME_MANAGER)
    response = client_for(manager).post("/referrals/directory/new/", {})
    summary = response.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    links = [line.split('href="#')[1].split('"')[0] for line in summary.split("<li>")[1:]]
    assert links == [
        "id_name",
        "id_provider",
        "id_areas_0",
        "id_minimum_age",
        "id_offers",
        "id_how_to_refer",
    ]


def test_the_programme_managers_home_opens_with_the_headline_figures(make_user, client_for):
    from vrhub.cases.tests.quick import quick_case
    from vrhub.referrals.models import ProgrammeArea

    manager = make_user(Role.PROGRAMME_MANAGER)
    area = ProgrammeArea.objects.create(
        name="Coventry", local_authority=manager.agency, postcode_districts=["CV1"]
    )
    for _ in range(6):
        quick_case(actor=make_user(Role.CASEWORKER), area=area)
    page = client_for(manager).get("/home/programme_manager/").text
    assert "The programme at a glance" in page
    assert '<p class="govuk-heading-l" id="headline-open">6</p>' in page
    scrutiny = client_for(make_user(Role.SCRUTINY_MEMBER)).get("/home/scrutiny_member/").text
    assert '<p class="govuk-heading-l" id="headline-open">6</p>' in scrutiny
    assert '<p class="govuk-heading-l" id="headline-at-risk">fewer than 5</p>' in scrutiny
    caseworker = client_for(make_user(Role.CASEWORKER)).get("/home/caseworker/").text
    assert "The programme at a glance" not in caseworker
