"""Cases on the CIRV pathway (steps 3 to 8), what is recorded at each step, families, the
at-risk list of those who would not engage, and police-only disruption plans."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .pathway import ClosureReason, MoveKind, PlacementOutcome, Step


class Case(models.Model):
    """A person accepted at triage, worked through the pathway. `version` goes up with every
    change, so a save based on an older page is refused rather than overwriting."""

    reference = models.CharField(max_length=20, unique=True)
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="case"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.OFFER)
    step_entered_at = models.DateTimeField()
    is_open = models.BooleanField(default=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=32, choices=ClosureReason.choices, blank=True)
    placement_outcome = models.CharField(
        max_length=16, choices=PlacementOutcome.choices, blank=True
    )
    follow_up_on = models.DateField(null=True, blank=True)
    # Kept up to date by the services, so caseload lists need no aggregate over contacts.
    last_successful_contact_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    offer_respond_by = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["caseworker", "is_open", "step"], name="case_caseload"),
            models.Index(fields=["is_open", "step"], name="case_by_step"),
            # Programme figures: cases opened and closed in a period.
            models.Index(fields=["opened_at"], name="case_opened"),
            models.Index(fields=["closed_at", "closure_reason"], name="case_closed"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def step_label(self) -> str:
        return Step(self.step).label


class CaseMove(models.Model):
    """One entry in the case's timeline: the step it entered, when, by whom and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="moves")
    kind = models.CharField(max_length=16, choices=MoveKind.choices)
    from_step = models.PositiveSmallIntegerField(choices=Step.choices, null=True, blank=True)
    to_step = models.PositiveSmallIntegerField(
        choices=Step.choices, null=True, blank=True, help_text="Empty when the case closed."
    )
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_move_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_step} -> {self.to_step}"


class OfferMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    THROUGH_PROFESSIONAL = "through_professional", "Through a professional they know"


class OfferAnswer(models.TextChoices):
    AWAITING = "awaiting", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NO_RESPONSE = "no_response", "No response in time"


class Offer(models.Model):
    """The CIRV offer (step 3): voluntary, so how and when it was made and the answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offers")
    made_on = models.DateField()
    method = models.CharField(max_length=24, choices=OfferMethod.choices)
    answer = models.CharField(
        max_length=16, choices=OfferAnswer.choices, default=OfferAnswer.AWAITING
    )
    answered_on = models.DateField(null=True, blank=True)
    respond_by = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            # Programme figures: declined and lapsed offers in a period.
            models.Index(fields=["answer", "answered_on"], name="offer_answered"),
            models.Index(fields=["answer", "respond_by"], name="offer_lapsing"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} offer {self.made_on}"


class MomentKind(models.TextChoices):
    ARREST = "arrest", "Arrest"
    INJURY = "injury", "Injury or A&E attendance"
    RELEASE = "release", "Release from custody"
    EXCLUSION = "exclusion", "Exclusion from school"
    FAMILY_CRISIS = "family_crisis", "A family crisis"
    COURT = "court", "A court appearance"


class ContactMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone"
    MESSAGE = "message", "Message"
    ATTEMPTED = "attempted", "Attempted or missed"


SUCCESSFUL_CONTACTS = frozenset(
    {ContactMethod.FACE_TO_FACE, ContactMethod.PHONE, ContactMethod.MESSAGE}
)


class ReachableMoment(models.Model):
    """A teachable or reachable moment (step 4) and how soon the team reached the person."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="moments")
    kind = models.CharField(max_length=16, choices=MomentKind.choices)
    occurred_on = models.DateField()
    contacted_on = models.DateField(null=True, blank=True)
    contact_method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.occurred_on}"

    @property
    def days_to_contact(self) -> int | None:
        if self.contacted_on is None:
            return None
        return (self.contacted_on - self.occurred_on).days


class MentorAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mentor_assignments")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_assignments"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["mentor", "ends_on"], name="mentor_current_cases")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ends_on__isnull=True),
                name="one_current_mentor_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} mentor {self.mentor_id}"


class Contact(models.Model):
    """A contact with the person, or an attempt at one (relationship building, step 5 on)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    occurred_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_on"], name="contact_by_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.method} {self.occurred_on}"

    @property
    def successful(self) -> bool:
        return self.method in SUCCESSFUL_CONTACTS


class NeedDomain(models.TextChoices):
    EDUCATION = "ete", "Education, training and employment"
    ACCOMMODATION = "accommodation", "Accommodation"
    FAMILY = "family", "Family and relationships"
    PEERS = "peers", "Peers and gang association"
    SUBSTANCES = "substances", "Substance misuse"
    MENTAL_HEALTH = "mental_health", "Emotional and mental health"
    FINANCE = "finance", "Finance and debt"
    OFFENDING = "offending", "Offending and victimisation"
    PHYSICAL_HEALTH = "physical_health", "Physical health"


class NeedsAssessment(models.Model):
    """Needs scored 1 (great need) to 5 (no need) in every domain: at the start and each review."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    is_review = models.BooleanField(default=False)
    next_review_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} needs {self.assessed_on}"


class NeedScore(models.Model):
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(max_length=16, choices=NeedDomain.choices)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_score_per_domain"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="need_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}={self.score}"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Working towards"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "No longer pursued"


class Goal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(max_length=16, choices=NeedDomain.choices)
    description = models.CharField(max_length=300)
    target_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_on = models.DateField()

    class Meta:
        ordering = ["set_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} goal {self.domain}"


class PlannedServiceStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    REFERRED = "referred", "Referred"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"


class PlannedService(models.Model):
    """One service in the case's sequenced plan (step 7), in the order it should come."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="service_plan")
    service = models.ForeignKey("referrals.Service", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=PlannedServiceStatus.choices, default=PlannedServiceStatus.PLANNED
    )
    status_on = models.DateField()
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.position} {self.service_id}"


class CustodyRelease(models.Model):
    """Post-release: someone leaving custody, with a mentor assigned before the release date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="releases")
    release_on = models.DateField()
    establishment = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-release_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} release {self.release_on}"


class Family(models.Model):
    """People linked as family or household members (the whole family approach)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return f"Family {self.pk}"


class FamilyRole(models.TextChoices):
    CHILD = "child", "Child or young person"
    PARENT = "parent", "Parent or carer"
    OTHER = "other", "Other household member"


class FamilyMember(models.Model):
    """A member of a family: a person with a case, or someone known only to the family record."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="family_member"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    role = models.CharField(max_length=16, choices=FamilyRole.choices)
    same_household = models.BooleanField(default=True)
    involved_in_serious_violence = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date_of_birth", "id"]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class AtRiskReason(models.TextChoices):
    OFFER_DECLINED = "offer_declined", "Declined the CIRV offer"
    NO_RESPONSE = "no_response", "Did not respond to the CIRV offer"
    DISENGAGED = "disengaged", "Disengaged from the pathway"


class AtRiskStatus(models.TextChoices):
    ACTIVE = "active", "On the list"
    EXPIRED = "expired", "Expired: not re-justified by its review date"
    REMOVED = "removed", "Removed"


class AtRiskEntry(models.Model):
    """A person who would not engage. Never a second Gangs Matrix: each entry has a reason, an
    owner and a review date, and leaves the list by itself unless someone re-justifies it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="at_risk_entries")
    reason = models.CharField(max_length=32, choices=AtRiskReason.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="at_risk_entries"
    )
    added_on = models.DateField()
    review_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=AtRiskStatus.choices, default=AtRiskStatus.ACTIVE
    )
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["status", "review_on"], name="at_risk_current")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__gte=models.F("added_on")),
                name="at_risk_review_after_added",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="active"),
                name="one_active_at_risk_entry_per_case",
            ),
        ]

    # Filled for display by selectors.case_page; not stored.
    shown_status: str = ""

    def __str__(self) -> str:
        return f"{self.case_id} at risk until {self.review_on}"

    def is_current(self, today: date) -> bool:
        return self.status == AtRiskStatus.ACTIVE and self.review_on >= today


class AtRiskReview(models.Model):
    """A re-justification: why the person is still on the list, and the next review date."""

    entry = models.ForeignKey(AtRiskEntry, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField()
    justification = models.CharField(max_length=500)
    next_review_on = models.DateField()

    class Meta:
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} reviewed {self.reviewed_on}"


class AtRiskShare(models.Model):
    """Each time the list leaves vrhub: to whom, why, and whether names were removed."""

    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField()
    recipient = models.CharField(max_length=200)
    purpose = models.CharField(max_length=500)
    redacted = models.BooleanField(default=True)
    entries = models.PositiveIntegerField()

    class Meta:
        ordering = ["-shared_at"]

    def __str__(self) -> str:
        return f"At-risk list to {self.recipient} at {self.shared_at}"


class PopulationDimension(models.TextChoices):
    ETHNICITY = "ethnicity", "Ethnic group"
    SEX = "sex", "Sex"
    AGE_BAND = "age_band", "Age band"


class PopulationShare(models.Model):
    """The area's population shares the at-risk list is compared with (a replaceable table)."""

    dimension = models.CharField(max_length=16, choices=PopulationDimension.choices)
    category = models.CharField(max_length=40)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["dimension", "category"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "category"], name="one_share_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.category} {self.percent}%"


class DisruptionPlan(models.Model):
    """Police-only: for a criminally active adult who refused the offer. Its existence is never
    shown to anyone outside the police (see permissions.may_see_disruption)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    basis = models.CharField(
        max_length=500, help_text="What police hold that shows the person is criminally active."
    )
    actions = models.TextField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"Disruption plan {self.pk}"
