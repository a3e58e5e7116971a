"""Referrals sent before the person index existed join it, one person each."""

from importlib import import_module

from django.apps import apps

from vrhub.accounts.models import Role
from vrhub.people.models import LinkMethod, SourceRecord
from vrhub.referrals.models import Referral, ReferralStatus

backfill = import_module("vrhub.people.migrations.0002_index_existing_referrals")


def test_each_sent_referral_without_a_record_becomes_a_person_and_drafts_do_not(council, make_user):
    referrer = make_user(Role.REFERRER)
    sent = Referral.objects.create(
        reference="R-BACKF222",
        referred_by=referrer,
        referring_agency=council,
        status=ReferralStatus.NEW,
        first_name="Zoë",
        last_name="Smith-Jones",
        address="4 Mill Lane\nCoventry",
        postcode="cv1 2ab",
    )
    Referral.objects.create(reference="R-BACKF223", referred_by=referrer, referring_agency=council)
    backfill.index_existing_referrals(apps, None)
    backfill.index_existing_referrals(apps, None)  # again: nothing more
    (record,) = SourceRecord.objects.select_related("person")
    assert record.referral == sent
    assert record.person is not None
    assert record.link_method == LinkMethod.NEW_PERSON
    assert (record.forename, record.surname, record.postcode) == (
        "zoe",
        "smith jones",
        "CV1 2AB",
    )
    assert record.written_address == "4 Mill Lane"
