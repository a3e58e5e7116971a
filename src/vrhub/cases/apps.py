from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vrhub.cases"
    label = "cases"
    verbose_name = "CIRV pathway"
