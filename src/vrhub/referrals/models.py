"""Referrals to CIRV (step 1 of 8), the programme areas that decide eligibility, and the
services directory for those CIRV cannot take."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower


class Concern(models.TextChoices):
    """What brings a person to CIRV. A programme area says which of these it works with."""

    GANG_INVOLVEMENT = "gang_involvement", "Gang involvement"
    VIOLENCE_VICTIM = "violence_victim", "Serious violence as a victim"
    VIOLENCE_PERPETRATOR = "violence_perpetrator", "Serious violence as a perpetrator"
    EXPLOITATION = "exploitation", "County lines or criminal exploitation"
    WEAPON_CARRYING = "weapon_carrying", "Carrying a knife or other weapon"
    FIREARMS = "firearms", "Firearms"


class RiskFactor(models.TextChoices):
    """The risk and protective factors the partnership tracks."""

    EXCLUSION = "exclusion", "Excluded from school"
    NEET = "neet", "Not in education, employment or training"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    ACES = "aces", "Adverse childhood experiences or trauma"
    FAMILY = "family", "Family circumstances"
    DEPRIVATION = "deprivation", "Deprivation"
    YOUTH_JUSTICE = "youth_justice", "Previous contact with youth justice"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"


class Ethnicity(models.TextChoices):
    """The ONS 2021 census categories (England and Wales), grouped as the census groups them."""

    BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    INDIAN = "asian_indian", "Asian or Asian British: Indian"
    PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    OTHER_ASIAN = "asian_other", "Asian or Asian British: any other Asian background"
    AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    OTHER_BLACK = (
        "black_other",
        (
            "Black, Black British, Caribbean or African: any other Black, Black British or "
            "Caribbean background"
        ),
    )
    WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple ethnic groups: White and Asian"
    WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        ("Mixed or multiple ethnic groups: White and Black African"),
    )
    WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        ("Mixed or multiple ethnic groups: White and Black Caribbean"),
    )
    OTHER_MIXED = (
        "mixed_other",
        ("Mixed or multiple ethnic groups: any other Mixed or multiple ethnic background"),
    )
    BRITISH = "white_british", ("White: English, Welsh, Scottish, Northern Irish or British")
    IRISH = "white_irish", "White: Irish"
    GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    ROMA = "white_roma", "White: Roma"
    OTHER_WHITE = "white_other", "White: any other White background"
    ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER = "other_any", "Other ethnic group: any other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


class PersonAware(models.TextChoices):
    YES_AGREES = "agrees", "Yes, and they agree to be contacted"
    YES_UNDECIDED = "undecided", "Yes, but they have not decided"
    NO = "not_told", "No, not yet"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent: contact within 2 working days"


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEW = "new", "New"
    AWAITING_INFORMATION = "awaiting_information", "Awaiting information"
    AWAITING_TRIAGE = "awaiting_triage", "Eligible, awaiting triage"
    SIGNPOSTED = "signposted", "Not eligible, signposted"
    ACCEPTED = "accepted", "Accepted at triage"
    NOT_SUITABLE = "not_suitable", "Not suitable at triage, referred elsewhere"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A referrer sees the whole referral while it is at the referral stage; after that, its status.
REFERRAL_STAGE = frozenset(
    {ReferralStatus.DRAFT, ReferralStatus.NEW, ReferralStatus.AWAITING_INFORMATION}
)


class Eligibility(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    OUT_OF_AREA = "out_of_area", "Out of area"


class ProgrammeArea(models.Model):
    """An area CIRV serves, with the eligibility rules the partnership sets for it."""

    name = models.CharField(max_length=100, unique=True)
    local_authority = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="programme_areas"
    )
    postcode_districts = models.JSONField(
        default=list, help_text="The outward codes served, like CV1 or WV10."
    )
    minimum_age = models.PositiveSmallIntegerField(default=14)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    required_concerns = models.JSONField(
        default=list,
        help_text="At least one of these concerns must be present. Empty: any concern will do.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service in the directory, for onward referral of those CIRV cannot take."""

    name = models.CharField(max_length=200, unique=True)
    provider = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="services"
    )
    areas = models.ManyToManyField(ProgrammeArea, blank=True, related_name="services")
    serves_out_of_area = models.BooleanField(
        default=False, help_text="Takes people who live outside the programme areas."
    )
    minimum_age = models.PositiveSmallIntegerField(default=0)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    offers = models.TextField()
    how_to_refer = models.TextField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=32, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT, db_index=True
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referring_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_made"
    )
    # The person
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    other_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    gender = models.CharField(
        max_length=100, blank=True, help_text="Only where different from sex."
    )
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    school = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    # Why
    concerns = models.JSONField(default=list, blank=True)
    risk_factors = models.JSONField(default=list, blank=True)
    concern_details = models.TextField(blank=True)
    immediate_risk = models.BooleanField(null=True, blank=True)
    person_aware = models.CharField(max_length=16, choices=PersonAware.choices, blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, blank=True)
    # Decision
    referral_date = models.DateField(null=True, blank=True)
    age_at_referral = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age on the referral date, kept for the figures."
    )
    area = models.ForeignKey(
        ProgrammeArea, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    eligibility = models.CharField(max_length=16, choices=Eligibility.choices, blank=True)
    eligibility_reasons = models.JSONField(default=list, blank=True)
    possibly_known_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An earlier referral with the same names and date of birth.",
    )
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        help_text="Set when a caseworker confirms this is the same person as an earlier referral.",
    )
    information_requested = models.TextField(
        blank=True, help_text="What the CIRV team asked the referrer for, when it needs more."
    )
    information_given = models.TextField(
        blank=True, help_text="The referrer's answers to the team's requests, newest last."
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # The queue: immediate risk first, then urgent, then the newest.
            models.Index(
                "status",
                F("immediate_risk").desc(),
                F("urgency").desc(),
                F("submitted_at").desc(),
                name="referral_queue_order",
            ),
            models.Index(fields=["referred_by", "-created_at"], name="referral_referrer"),
            # Programme figures: counts by area, sex and age (and period) read this index alone,
            # in its order, with no sort.
            models.Index(
                fields=["area", "sex", "age_at_referral", "status", "submitted_at"],
                name="referral_figures",
            ),
            # "Possibly already known": the same names, whatever their case, and date of birth.
            models.Index(
                Lower("last_name"), Lower("first_name"), "date_of_birth", name="referral_person"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referring_agency", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_referral_per_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def at_referral_stage(self) -> bool:
        return self.status in REFERRAL_STAGE


class OnwardReferral(models.Model):
    """Where a referral CIRV could not take was sent instead."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="onward")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.referral_id} -> {self.service_id}"
