from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vrhub.people"
    label = "people"
    verbose_name = "One person index"
