"""Every referral sent before the person index existed becomes a person of its own.

The nightly index check (`manage.py check_person_index`) then proposes those recorded twice, for
a caseworker to merge: nothing is merged without a person deciding.
"""

import secrets

from django.db import migrations
from django.utils import timezone

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def index_existing_referrals(apps, schema_editor):
    from vrhub.people.matching.standardise import standardise

    Referral = apps.get_model("referrals", "Referral")
    Person = apps.get_model("people", "Person")
    SourceRecord = apps.get_model("people", "SourceRecord")
    now = timezone.now()
    waiting = Referral.objects.exclude(status="draft").filter(person_record__isnull=True)
    for referral in waiting.iterator(chunk_size=2_000):
        person = Person.objects.create(
            reference="P-" + "".join(secrets.choice(ALPHABET) for _ in range(8)), created_at=now
        )
        matched = standardise(
            forename=referral.first_name,
            surname=referral.last_name,
            dob=referral.date_of_birth,
            postcode=referral.postcode,
            sex=referral.sex,
            address=referral.address,
        )
        address = referral.address.splitlines()[0][:200] if referral.address else ""
        SourceRecord.objects.create(
            person=person,
            source="referral",
            referral=referral,
            written_name=f"{referral.first_name} {referral.last_name}".strip()[:200],
            written_dob=referral.date_of_birth,
            written_postcode=referral.postcode,
            written_address=address,
            written_sex=referral.sex,
            link_method="new_person",
            linked_at=now,
            created_at=referral.submitted_at or now,
            **matched.as_row(),
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(index_existing_referrals, migrations.RunPython.noop)]
