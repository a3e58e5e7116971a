"""What was imported into the analytical store, by whom, and what the import found.

The rows themselves live in the analytical store (`store.py`); the case database keeps the record
of each import so the audit trail and the import history sit with everything else vrhub records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    POLICE_UK = "police_uk", "police.uk street-level crime"
    FORCE_EXTRACT = "force_extract", "Force extract of recorded offences"
    ISTV = "istv", "Emergency department assaults (ISTV)"
    AREAS = "areas", "Areas (LSOA to ward, local authority, force and CSP)"
    POPULATION = "population", "Population by area and age band"
    UNIT_COSTS = "unit_costs", "Cost of crime figures"
    DEFLATORS = "deflators", "GDP deflators"
    ED_SITES = "ed_sites", "Emergency department sites"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    LOADED = "loaded", "Imported"
    REFUSED = "refused", "Not imported"
    FAILED = "failed", "Stopped by an error"


class ImportRun(models.Model):
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The names of the files uploaded (never their contents), and options such as the force.
    files = models.JSONField(default=list)
    options = models.JSONField(default=dict)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    rows_read = models.BigIntegerField(default=0)
    rows_loaded = models.BigIntegerField(default=0)
    rows_rejected = models.BigIntegerField(default=0)
    # Notes on rows loaded with something missing, by reason: {"No coordinates": 1234}.
    notes = models.JSONField(default=dict)
    # What the import replaced: [{"partition": "west-midlands", "month": "2025-01", "rows": 9}].
    partitions = models.JSONField(default=list)
    # Why nothing was imported, when the import was refused or failed.
    message = models.TextField(blank=True)
    # Problems beyond those kept as ImportProblem rows.
    problems_not_kept = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.kind})"

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.LOADED, ImportStatus.REFUSED, ImportStatus.FAILED}

    @property
    def percent_done(self) -> int:
        if self.finished:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(100 * self.bytes_done / self.bytes_total))


class ImportProblem(models.Model):
    """One line of an imported file that was rejected, or loaded with something missing."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    file = models.CharField(max_length=255)
    line = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    rejected = models.BooleanField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"
