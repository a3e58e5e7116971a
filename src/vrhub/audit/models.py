"""The audit trail: who did what to which record, append-only and hash-chained."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event."""

    def __init__(self) -> None:
        super().__init__("The audit trail is append-only: events cannot be changed or deleted.")


class AuditAction(models.TextChoices):
    """What happened. Later capabilities add their own actions here."""

    SIGN_IN = "auth.sign_in", "Signed in"
    SIGN_IN_FAILED = "auth.sign_in_failed", "Failed sign-in"
    SIGN_IN_LOCKED = "auth.sign_in_locked", "Sign-in refused: account locked"
    ACCOUNT_LOCKED = "auth.account_locked", "Account locked after failed sign-ins"
    SIGN_OUT = "auth.sign_out", "Signed out"
    API_TOKEN_ISSUED = "auth.api_token_issued", "API token issued"
    API_TOKEN_REVOKED = "auth.api_token_revoked", "API token revoked"
    ACCESS_DENIED = "access.denied", "Access denied"
    AGENCY_CREATED = "agency.created", "Agency created"
    AGENCY_UPDATED = "agency.updated", "Agency updated"
    USER_CREATED = "user.created", "User created"
    USER_UPDATED = "user.updated", "User updated"
    USER_UNLOCKED = "user.unlocked", "User unlocked"
    USER_PASSWORD_SET = "user.password_set", "Password set by an administrator"
    REFERRAL_STARTED = "referral.started", "Referral started"
    REFERRAL_UPDATED = "referral.updated", "Referral answers saved"
    REFERRAL_SUBMITTED = "referral.submitted", "Referral submitted"
    REFERRAL_VIEWED = "referral.viewed", "Referral viewed"
    REFERRAL_STATUS_VIEWED = "referral.status_viewed", "Referral status viewed"
    REFERRAL_DECIDED = "referral.decided", "Referral decision recorded"
    REFERRAL_INFORMATION_REQUESTED = "referral.information_requested", "More information asked for"
    REFERRAL_INFORMATION_GIVEN = "referral.information_given", "More information given"
    REFERRAL_SIGNPOSTED = "referral.signposted", "Onward referral recorded"
    REFERRAL_REPEAT_MARKED = "referral.repeat_marked", "Referral marked as a repeat"
    REFERRALS_UPLOADED = "referral.uploaded", "Referrals sent in a CSV file"
    PROGRAMME_AREA_UPDATED = "programme_area.updated", "Eligibility rules changed"
    SERVICE_CREATED = "service.created", "Service added to the directory"
    SERVICE_UPDATED = "service.updated", "Service in the directory changed"
    PANEL_SCHEDULED = "triage.panel_scheduled", "Triage panel scheduled"
    PANEL_VIEWED = "triage.panel_viewed", "Triage panel agenda viewed"
    PANEL_RECORD_PRINTED = "triage.record_printed", "Triage panel record printed"
    AGENDA_REFRESHED = "triage.agenda_refreshed", "Triage agenda refreshed"
    AGENDA_ITEM_ADDED = "triage.item_added", "Added to a triage panel's agenda"
    AGENDA_ITEM_VIEWED = "triage.item_viewed", "Agenda item viewed"
    CONTRIBUTION_SAVED = "triage.contribution_saved", "Agency information given to the panel"
    PANEL_DECIDED = "triage.decided", "Triage panel decision recorded"
    CASE_OPENED = "case.opened", "Case opened"
    CASE_VIEWED = "case.viewed", "Case viewed"
    CASE_MOVED = "case.moved", "Case moved between steps"
    CASE_CLOSED = "case.closed", "Case closed"
    CASE_REOPENED = "case.reopened", "Case reopened"
    CASE_REASSIGNED = "case.reassigned", "Case given to another caseworker"
    CASELOAD_VIEWED = "case.caseload_viewed", "Caseload viewed"
    OFFER_MADE = "case.offer_made", "CIRV offer made"
    OFFER_ANSWERED = "case.offer_answered", "Answer to the CIRV offer recorded"
    OFFER_LAPSED = "case.offer_lapsed", "CIRV offer lapsed without an answer"
    MOMENT_RECORDED = "case.moment_recorded", "Teachable or reachable moment recorded"
    MENTOR_ASSIGNED = "case.mentor_assigned", "Mentor assigned"
    CONTACT_LOGGED = "case.contact_logged", "Contact logged"
    NEEDS_ASSESSED = "case.needs_assessed", "Needs assessed"
    GOAL_SET = "case.goal_set", "Goal set"
    GOAL_UPDATED = "case.goal_updated", "Goal updated"
    SERVICE_PLANNED = "case.service_planned", "Service added to the plan"
    SERVICE_PLAN_UPDATED = "case.service_plan_updated", "Service plan updated"
    RELEASE_RECORDED = "case.release_recorded", "Release from custody recorded"
    FAMILY_MEMBER_ADDED = "case.family_member_added", "Family member added"
    FAMILY_MEMBER_UPDATED = "case.family_member_updated", "Family member updated"
    FAMILY_LINKED = "case.family_linked", "Families linked"
    AT_RISK_ADDED = "at_risk.added", "Added to the at-risk list"
    AT_RISK_REJUSTIFIED = "at_risk.rejustified", "At-risk entry re-justified"
    AT_RISK_REMOVED = "at_risk.removed", "Removed from the at-risk list"
    AT_RISK_EXPIRED = "at_risk.expired", "At-risk entry expired"
    AT_RISK_LIST_VIEWED = "at_risk.list_viewed", "At-risk list viewed"
    AT_RISK_LIST_EXPORTED = "at_risk.list_exported", "At-risk list downloaded"
    AT_RISK_LIST_SHARED = "at_risk.list_shared", "At-risk list shared"
    DISRUPTION_OPENED = "disruption.opened", "Disruption plan opened"
    DISRUPTION_VIEWED = "disruption.viewed", "Disruption plan viewed"
    DISRUPTION_CLOSED = "disruption.closed", "Disruption plan closed"
    POPULATION_SHARES_REPLACED = "at_risk.population_replaced", "Population shares replaced"
    PROGRAMME_FIGURES_VIEWED = "programme.figures_viewed", "Programme figures viewed"
    PERSON_VIEWED = "person.viewed", "Person viewed"
    PERSON_CREATED = "person.created", "Confirmed as a new person"
    MATCHES_VIEWED = "person.matches_viewed", "Possible matches viewed"
    RECORD_LINKED = "person.record_linked", "Record linked to a person"
    RECORD_LINKED_AUTOMATICALLY = "person.record_auto_linked", "Record linked automatically"
    AUTOMATIC_LINK_CONFIRMED = "person.auto_link_confirmed", "Automatic link confirmed"
    AUTOMATIC_LINK_UNDONE = "person.auto_link_undone", "Automatic link undone"
    PEOPLE_MERGED = "person.merged", "Two people merged"
    PEOPLE_UNMERGED = "person.unmerged", "Merge undone"
    NOT_SAME_PERSON = "person.not_same", "Decided not the same person"
    REVIEW_QUEUE_VIEWED = "person.review_queue_viewed", "Possible duplicates viewed"
    INDEX_CHECKED = "person.index_checked", "Person index checked for duplicates"
    LIST_LINKED = "person.list_linked", "List linked to the person index"
    MEASURES_IMPORT_STARTED = "measures.import_started", "Data import started"
    MEASURES_IMPORT_FINISHED = "measures.import_finished", "Data import finished"
    MEASURES_STORE_EMPTIED = "measures.store_emptied", "Measures data and import history emptied"
    AUDIT_TRAIL_VIEWED = "audit.trail_viewed", "Audit trail viewed"
    AUDIT_TRAIL_EXPORTED = "audit.trail_exported", "Audit trail downloaded"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly()

    def delete(self) -> NoReturn:
        raise AuditTrailIsAppendOnly()

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly()


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The signed-in user, or empty for an unknown account (a failed sign-in).",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The actor's agency when the event happened.",
    )
    subject_agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency of the record acted on, where it differs from the actor's: "
        "so each agency's data protection officer sees what was done to its own records.",
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    person_id = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="The person whose record was touched, where there is one.",
    )
    request_id = models.CharField(max_length=32, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    # Filled for display by selectors.describe_targets; not stored.
    target_label: str = ""

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "occurred_at"], name="audit_actor_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly()

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action

    def compute_hash(self) -> str:
        """The hash of this event's content chained to the event before it."""
        payload = {
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "agency_id": self.agency_id,
            "subject_agency_id": self.subject_agency_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "person_id": self.person_id,
            "request_id": self.request_id,
            "detail": self.detail,
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(f"{self.previous_hash}|{canonical}".encode()).hexdigest()
