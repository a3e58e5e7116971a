"""Multi-agency triage (step 2): panels, their agendas of eligible referrals, what each partner
agency holds about the person, and the panel's decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PanelDecision(models.TextChoices):
    ACCEPT = "accept", "Accept for the CIRV offer"
    NOT_SUITABLE = "not_suitable", "Not suitable: refer elsewhere"
    MORE_INFORMATION = "more_information", "More information needed: back on the next agenda"


class TriagePanel(models.Model):
    area = models.ForeignKey(
        "referrals.ProgrammeArea", on_delete=models.PROTECT, related_name="panels"
    )
    meets_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=200)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meets_at"]

    def __str__(self) -> str:
        return f"{self.area} triage panel {self.meets_at:%d %b %Y}"


class AgendaItem(models.Model):
    panel = models.ForeignKey(TriagePanel, on_delete=models.CASCADE, related_name="items")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField()
    added_at = models.DateTimeField()
    decision = models.CharField(max_length=20, choices=PanelDecision.choices, blank=True)
    reason = models.CharField(max_length=1000, blank=True)
    onward_service = models.ForeignKey(
        "referrals.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "referral"], name="referral_once_per_panel"),
        ]

    def __str__(self) -> str:
        return f"{self.panel_id} #{self.position}"


class Contribution(models.Model):
    """What one partner agency holds about the person on the agenda, visible to the panel."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    information = models.TextField()
    criminally_active = models.BooleanField(
        default=False, help_text="Police only: police record the person as criminally active."
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="one_contribution_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} from {self.agency_id}"
