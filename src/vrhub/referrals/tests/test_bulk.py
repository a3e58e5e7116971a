"""An agency's administrator sends referrals in a CSV file, with a row-by-row report."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files import uploadhandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.referrals import bulk, eligibility, services
from vrhub.referrals.models import Eligibility, Referral, ReferralStatus

pytestmark = pytest.mark.django_db

UPLOAD = reverse("referrals:upload")
SENT = reverse("referrals:upload-sent")
COLUMNS = bulk.COLUMNS


def _row(**overrides: str) -> dict[str, str]:
    row = {
        "first_name": "Jayden",
        "last_name": "Clarke",
        "other_names": "",
        "date_of_birth": "2011-03-14",
        "sex": "male",
        "gender": "",
        "ethnicity": "white_british",
        "address": "12 Station Road, Coventry",
        "postcode": "CV2 4AB",
        "school": "",
        "phone": "",
        "concerns": "weapon_carrying;gang_involvement",
        "risk_factors": "",
        "concern_details": "Seen with a knife at the bus station",
        "immediate_risk": "no",
        "person_aware": "agrees",
        "urgency": "routine",
    }
    row.update(overrides)
    return row


def _csv(*rows: dict[str, str], columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _file(content: bytes, name: str = "referrals.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, full_name="Ada Administrator")


@pytest.fixture
def client(admin, client_for):
    return client_for(admin)


def _upload(client, content: bytes, name: str = "referrals.csv"):
    return client.post(UPLOAD, {"file": _file(content, name)})


def _report(response) -> dict[int, str]:
    """The report table as a reader sees it: each row's number and its result."""
    rows = response.context["rows"]
    return {
        number: "; ".join(errors) if errors else f"Already sent as {sent_as}" if sent_as else "OK"
        for number, errors, sent_as in rows
    }


def test_the_upload_page_says_what_to_put_in_each_column(client):
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert 'type="file"' in response.text
    assert 'enctype="multipart/form-data"' in response.text
    for column in COLUMNS:
        assert f"<code>{column}</code>" in response.text
    assert "weapon_carrying" in response.text  # the codes


def test_a_good_file_is_sent_at_once(admin, client, coventry_area):
    content = _csv(
        _row(),
        _row(first_name="Mia", sex="female", postcode="B6 4AA", date_of_birth="20/05/2010"),
    )
    response = _upload(client, b"\xef\xbb\xbf" + content)  # Excel's "CSV UTF-8" starts so
    assert response.status_code == 302
    assert response["Location"] == SENT
    page = client.get(SENT)
    assert "2 referrals sent" in page.text
    jayden, mia = Referral.objects.order_by("id")
    for referral in (jayden, mia):
        assert referral.referred_by == admin
        assert referral.referring_agency == admin.agency
        assert referral.status == ReferralStatus.NEW
        assert referral.reference in page.text
    assert jayden.eligibility == Eligibility.ELIGIBLE
    assert jayden.concerns == ["weapon_carrying", "gang_involvement"]
    assert jayden.immediate_risk is False
    assert jayden.concern_details == "Seen with a knife at the bus station"
    assert mia.eligibility == Eligibility.OUT_OF_AREA
    assert str(mia.date_of_birth) == "2010-05-20"
    assert "Out of area" in page.text
    uploaded = AuditEvent.objects.get(action=AuditAction.REFERRALS_UPLOADED)
    assert uploaded.actor == admin
    assert uploaded.detail == {"rows": 2, "sent": 2, "not_sent": 0, "sent_before": 0}
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_SUBMITTED).count() == 2
    # Nothing from the file is kept in the session.
    assert "Jayden" not in str(dict(client.session))


def test_bad_rows_stop_the_whole_file_and_say_what_is_wrong(client, coventry_area):
    content = _csv(
        _row(),
        _row(first_name="", postcode="CV99"),
        _row(first_name="Mia", date_of_birth="2020-01-01", concerns="knives"),
        _row(first_name="Leah", immediate_risk="maybe"),
    )
    response = _upload(client, content)
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert _report(response) == {
        2: "OK",
        3: "Enter the person's first name; Enter a real postcode, like CV1 2AB",
        4: "The person must be 10 or older: for a younger child, use your safeguarding "
        "procedures; Each concern must be gang_involvement, violence_victim, "
        "violence_perpetrator, exploitation, weapon_carrying or firearms",
        5: "Say whether the person is at immediate risk of harm: yes (true) or no (false)",
    }
    assert "There are problems with 3 rows" in response.text
    assert "Send the 1 good row only" in response.text
    assert "Jayden" not in str(dict(client.session))  # nothing of the file is kept
    assert "Jayden" not in response.text  # rows by number, not by name


def test_the_good_rows_only_when_the_administrator_says_so(admin, client, coventry_area):
    content = _csv(_row(), _row(postcode="nowhere"), _row(first_name="Mia"))
    not_ticked = _upload(client, content)
    assert _report(not_ticked)[3] == "Enter a real postcode, like CV1 2AB"
    assert "choose the same file again" in not_ticked.text
    assert not Referral.objects.exists()
    ticked = client.post(
        UPLOAD,
        {"file": SimpleUploadedFile("referrals.csv", content, "text/csv"), "good_rows_only": "on"},
    )
    assert ticked["Location"] == SENT
    assert sorted(Referral.objects.values_list("first_name", flat=True)) == ["Jayden", "Mia"]
    page = client.get(SENT)
    assert "2 referrals sent" in page.text
    assert "1 row was not sent: row 3" in page.text
    # The same again (a double click, the back button) sends nothing more.
    again = client.post(
        UPLOAD,
        {"file": SimpleUploadedFile("referrals.csv", content, "text/csv"), "good_rows_only": "on"},
    )
    assert again.status_code == 200
    assert Referral.objects.count() == 2


def test_a_file_sent_twice_makes_each_referral_once(client, coventry_area):
    content = _csv(_row(), _row(first_name="Mia"))
    _upload(client, content)
    again = _upload(client, content)
    assert again.status_code == 200
    assert "Every row has been sent before" in again.text
    first, second = Referral.objects.order_by("id")
    assert _report(again) == {
        2: f"Already sent as {first.reference}",
        3: f"Already sent as {second.reference}",
    }
    # A corrected file that repeats rows already sent sends only the new ones.
    corrected = _upload(client, _csv(_row(), _row(first_name="Mia"), _row(first_name="Leah")))
    assert corrected["Location"] == SENT
    assert Referral.objects.count() == 3
    assert "2 rows were sent before" in client.get(SENT).text


def test_rows_are_numbered_as_in_a_spreadsheet(client, coventry_area):
    header, good, bad, _ = _csv(_row(), _row(first_name="")).split(b"\r\n")
    lines = [b"", header, b"", good, bad, good + b",extra"]
    response = _upload(client, b"\r\n".join(lines))
    assert _report(response) == {
        4: "OK",
        5: "Enter the person's first name",
        6: "This row has more cells than the header row has columns",
    }


def test_the_same_row_twice_in_a_file_is_pointed_out(client, coventry_area):
    response = _upload(client, _csv(_row(), _row(first_name="Mia"), _row()))
    assert _report(response)[4] == "This row is the same as row 2"


def test_sending_is_all_or_nothing(client, coventry_area, monkeypatch):
    calls = {"n": 0}
    real_decide = eligibility.decide

    def fails_on_the_third(**kwargs: Any) -> eligibility.Decision:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the database went away")
        return real_decide(**kwargs)

    monkeypatch.setattr(services, "decide", fails_on_the_third)
    client.raise_request_exception = False
    response = _upload(client, _csv(*(_row(first_name=f"Person{i}") for i in range(5))))
    assert response.status_code == 500
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="referral.").exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_is_sent_in_one_real_transaction(make_user, client_for, coventry_area):
    """Outside the test's own transaction, as in production: nesting would fail here."""
    client = client_for(make_user(Role.ADMINISTRATOR))
    assert _upload(client, _csv(_row(), _row(first_name="Mia")))["Location"] == SENT
    assert Referral.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "referrals.csv", "The selected file is empty"),
        (b"  \n\n", "referrals.csv", "The selected file is empty"),
        (b",,,\r\n , ,\r\n", "referrals.csv", "The selected file is empty"),
        (b"PK\x03\x04\x00\x00", "referrals.xlsx", "The selected file must be a CSV"),
        (b"first_name\x00,last", "referrals.csv", "The selected file must be a CSV"),
        (
            "first_name\nZo\xeb\n".encode("latin-1"),
            "referrals.csv",
            "The selected file must be saved as UTF-8",
        ),
        (
            _csv(_row(), columns=[c for c in COLUMNS if c not in ("postcode", "urgency")]),
            "referrals.csv",
            "The selected file is missing these columns: postcode, urgency",
        ),
        (
            _csv(_row(), columns=[c for c in COLUMNS if c != "sex"]),
            "referrals.csv",
            "The selected file is missing the column: sex",
        ),
        (
            _csv(_row(), columns=[*COLUMNS, "nhs_number"]).replace(b"\r\n", b",\r\n", 1),
            "referrals.csv",
            "The selected file has a column vrhub does not use: nhs_number",
        ),
        (_csv(), "referrals.csv", "The selected file has no referrals in it"),
    ],
)
def test_a_file_that_cannot_be_read_is_explained(client, content, name, message):
    response = _upload(client, content, name)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message.replace("'", "&#x27;") in response.text
    assert 'href="#id_file"' in response.text
    assert not Referral.objects.exists()


def test_too_many_rows_or_too_big_a_file_is_refused(client):
    many = _csv(*[_row(first_name=f"P{i}") for i in range(bulk.MAX_ROWS + 1)])
    assert len(many) < bulk.MAX_BYTES
    assert "must have 2,000 referrals or fewer" in _upload(client, many).text
    big = _csv(_row(concern_details="x" * (bulk.MAX_BYTES + 1)))
    response = _upload(client, big)
    assert "The selected file must be smaller than 2 MB" in response.text
    assert not Referral.objects.exists()


def test_the_file_is_read_in_memory_never_written_to_disk(
    client, coventry_area, settings, monkeypatch
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django's own handlers would spool it to disk
    spooled: list[object] = []
    monkeypatch.setattr(
        uploadhandler.TemporaryFileUploadHandler, "new_file", lambda *a, **k: spooled.append(a)
    )
    assert _upload(client, _csv(_row()))["Location"] == SENT
    assert spooled == []


def test_no_file_is_asked_for(client):
    response = client.post(UPLOAD, {})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Select a CSV file" in response.text


def test_only_administrators_upload(make_user, client_for, coventry_area):
    caseworker = client_for(make_user(Role.CASEWORKER))
    assert caseworker.post(UPLOAD, {"file": _file(_csv(_row()))}).status_code == 403
    assert not Referral.objects.exists()


def test_the_upload_form_is_protected_from_cross_site_posts(admin, coventry_area):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(UPLOAD, {"file": _file(_csv(_row()))})
    assert response.status_code == 403
    assert not Referral.objects.exists()
