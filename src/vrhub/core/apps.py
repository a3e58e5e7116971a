from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vrhub.core"
    label = "core"
    verbose_name = "Core"
