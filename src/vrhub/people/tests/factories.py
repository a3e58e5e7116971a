"""Building blocks for person index tests.

Referrals are sent through the referral service, as agencies send them, so each one reaches the
index the way it does in use. `other_people` fills the index with a few hundred people from the
made-up population: the model weighs an agreeing name or postcode by how common it is in the
index, and in an index of two or three records every name is common.
"""

from __future__ import annotations

import secrets
from datetime import date
from functools import cache
from typing import Any

from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.people import services
from vrhub.people.matching.standardise import standardise
from vrhub.people.models import LinkMethod, Person, RecordSource, SourceRecord
from vrhub.referrals.models import Sex
from vrhub.referrals.services import referral_create
from vrhub.referrals.tests.factories import complete_answers

# The example: a school refers Mohammed Ali, born 3 April 2008; A&E later refers
# "Mohamed Ali" with the day and month of birth the other way round, at another address in the
# same postcode.
SCHOOL = {
    "first_name": "Mohammed",
    "last_name": "Ali",
    "date_of_birth": date(2008, 4, 3),
    "sex": Sex.MALE,
    "address": "5 High Street, Coventry",
    "postcode": "CV1 2AB",
}
A_AND_E = {
    "first_name": "Mohamed",
    "last_name": "Ali",
    "date_of_birth": date(2008, 3, 4),
    "sex": Sex.MALE,
    "address": "Flat 1, 9 Other Road, Coventry",
    "postcode": "CV1 2AB",
}
# One person written the same way twice, and one written with and without the accent and hyphen.
ZOE = {
    "first_name": "Zoë",
    "last_name": "Smith-Jones",
    "date_of_birth": date(2009, 7, 8),
    "sex": Sex.FEMALE,
    "address": "2 Elm Lane, Coventry",
    "postcode": "CV2 3CD",
}
ZOE_PLAIN = ZOE | {"first_name": "Zoe", "last_name": "Smith Jones"}


def send(actor: User, **answers: Any) -> SourceRecord:
    """Send a referral with these answers (the rest filled in); its record in the index."""
    referral = referral_create(actor=actor, answers=complete_answers(**answers)).referral
    return SourceRecord.objects.select_related("referral", "person").get(referral=referral)


def known_person(actor: User, **answers: Any) -> Person:
    """A person the index knows from one referral, confirmed as new by a caseworker."""
    source = send(actor, **answers)
    assert source.person_id is None, "the referral was linked on arrival; a test set-up slip"
    return services.confirm_new_person(actor=actor, source=source)


def reference() -> str:
    return "P-" + "".join(secrets.choice(services.REFERENCE_ALPHABET) for _ in range(8))


@cache
def _population(size: int, seed: int) -> tuple[tuple[str, dict[str, Any]], ...]:
    from vrhub.people.matching.synthetic import population

    people = population(size, duplicate_share=0.0, seed=seed)
    rows = []
    for r in people.itertuples(index=False):
        written = " ".join(n for n in (r.forename, r.surname) if isinstance(n, str))
        matched = standardise(
            forename=r.forename,
            surname=r.surname,
            dob=r.dob,
            postcode=r.postcode,
            sex=r.sex,
            address=r.address,
        )
        rows.append((written, matched.as_row()))
    return tuple(rows)


def other_people(size: int = 400, seed: int = 7) -> list[Person]:
    """Fill the index with `size` made-up people, one imported record each."""
    now = timezone.now()
    rows = _population(size, seed)
    people = Person.objects.bulk_create(
        [Person(reference=reference(), created_at=now) for _ in rows]
    )
    SourceRecord.objects.bulk_create(
        [
            SourceRecord(
                person=person,
                source=RecordSource.IMPORT,
                label="School census",
                written_name=written,
                link_method=LinkMethod.NEW_PERSON,
                linked_at=now,
                created_at=now,
                **row,
            )
            for person, (written, row) in zip(people, rows, strict=True)
        ]
    )
    return people
