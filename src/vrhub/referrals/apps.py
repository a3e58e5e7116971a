from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "vrhub.referrals"
    label = "referrals"
    verbose_name = "Referrals"
