from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "vrhub.measures"
    label = "measures"
    verbose_name = "Measures"
