from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vrhub.audit"
    label = "audit"
    verbose_name = "Audit trail"
