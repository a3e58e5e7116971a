from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "vrhub.triage"
    label = "triage"
    verbose_name = "Multi-agency triage"
