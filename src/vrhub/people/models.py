"""The one person index: each person once, with every record any agency holds about them.

A person is what the partnership knows as one human being. Their names, dates of birth,
addresses and sex are those of the source records that point at them (a referral, which carries
its case, or a row of an imported list), so nothing is copied and nothing goes stale. Records move
between people only by a caseworker's decision (link, merge, unmerge), each one audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Person(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
        help_text="Set while this person is merged into another; cleared by an unmerge.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class RecordSource(models.TextChoices):
    REFERRAL = "referral", "Referral"
    IMPORT = "import", "Imported record"


class LinkMethod(models.TextChoices):
    NEW_PERSON = "new_person", "Confirmed as a new person"
    CASEWORKER = "caseworker", "Linked by a caseworker"
    AUTOMATIC = "automatic", "Linked automatically"
    MERGE = "merge", "Moved by a merge"


class SourceRecord(models.Model):
    """One agency's record of a person, in the form the matching model compares.

    The `forename` ... `identifier` columns are the standardised ones (see
    `matching.standardise`); the blocking indexes below are the equalities the model's blocking
    rules use, so candidates for a new record are a few index lookups away.
    """

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    source = models.CharField(max_length=16, choices=RecordSource.choices)
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="person_record",
    )
    label = models.CharField(
        max_length=120, blank=True, help_text="Where the record came from, for an imported one."
    )
    # As written, for people to read.
    written_name = models.CharField(max_length=200, blank=True)
    written_dob = models.DateField(null=True, blank=True)
    written_postcode = models.CharField(max_length=10, blank=True)
    written_address = models.CharField(max_length=200, blank=True)
    written_sex = models.CharField(max_length=10, blank=True)
    # Standardised, for the model. Unknown is NULL, never "": two blanks must not agree in an
    # index lookup or a comparison, and SQL's NULL = NULL is not true.
    forename = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    surname = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    forename_phonetic = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    surname_phonetic = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    dob = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    dob_unordered = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    birth_year = models.CharField(max_length=4, null=True, blank=True)  # noqa: DJ001
    postcode = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    postcode_sector = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    postcode_district = models.CharField(max_length=6, null=True, blank=True)  # noqa: DJ001
    sex = models.CharField(max_length=1, null=True, blank=True)  # noqa: DJ001
    address = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    identifier = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    # How it reached its person.
    link_method = models.CharField(max_length=16, choices=LinkMethod.choices, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    link_probability = models.FloatField(null=True, blank=True)
    link_evidence = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(
        default=False, help_text="Linked automatically; a caseworker has yet to confirm it."
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # One per blocking rule (matching.model.blocking_rules).
            models.Index(
                fields=["forename_phonetic", "surname_phonetic", "birth_year"],
                name="block_phonetic_year",
            ),
            models.Index(fields=["surname", "dob_unordered"], name="block_surname_dob"),
            models.Index(fields=["forename", "dob_unordered"], name="block_forename_dob"),
            models.Index(fields=["postcode", "dob"], name="block_postcode_dob"),
            models.Index(
                fields=["forename_phonetic", "surname_phonetic", "postcode_district"],
                name="block_phonetic_district",
            ),
            models.Index(fields=["identifier"], name="block_identifier"),
            # Term frequencies: how common a name or postcode is in the index.
            models.Index(fields=["forename"], name="tf_forename"),
            models.Index(fields=["postcode"], name="tf_postcode"),
            models.Index(fields=["person", "created_at"], name="record_person"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(needs_review=True),
                name="record_needs_review",
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.pk}"


class Merge(models.Model):
    """One person absorbed into another, with exactly what moved, so it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    moved_record_ids = models.JSONField(default=list)
    reason = models.CharField(max_length=500, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=models.Q(unmerged_at__isnull=True),
                name="one_live_merge_per_absorbed_person",
            )
        ]

    def __str__(self) -> str:
        return f"merge {self.pk}"


class CandidateStatus(models.TextChoices):
    OPEN = "open", "Awaiting review"
    MERGED = "merged", "Merged"
    NOT_SAME = "not_same", "Not the same person"
    GONE = "gone", "No longer applies"


class MatchCandidate(models.Model):
    """Two people the index check found may be one, for a caseworker to merge or tell apart."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    weight = models.FloatField()
    status = models.CharField(
        max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    found_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        indexes = [models.Index(fields=["status", "-probability"], name="review_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                condition=models.Q(status="open"),
                name="one_open_candidate_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="candidate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"possible duplicate {self.pk}"


class NotSamePerson(models.Model):
    """A caseworker's decision that two people are different: the check does not ask again."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="not_same_once"),
        ]

    def __str__(self) -> str:
        return f"not the same {self.person_a_id}, {self.person_b_id}"
