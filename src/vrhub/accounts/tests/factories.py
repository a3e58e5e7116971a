from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from vrhub.accounts.models import Agency, AgencyKind, Role, RoleAssignment, User

factory.Faker._DEFAULT_LOCALE = "en_GB"

PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.LOCAL_AUTHORITY
    area = "Coventry"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@partner.example")
    # Plain, numbered names: a generated "Adam Scott" would contain a person's "Ada", and tests
    # that check a person's name is absent from a page would fail at random.
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=self, role=Role(r)) for r in extracted
        )
