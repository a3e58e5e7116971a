"""Referrals sent as a CSV file by an agency's administrator: one referral a row.

Every row is checked by the API's serializer, so a row is held to the same rules as a partner
system's referral and the question pages. A file with bad rows sends nothing unless the
administrator chooses the file again with "send the good rows only" ticked. Nothing from the
file is kept between the two steps, in the session or on disk: the file is read in memory each
time it is chosen.

Each row's idempotency key is a digest of its answers, so sending a file twice, or a corrected
file that repeats rows already sent, makes each referral once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from vrhub.accounts.models import Agency, User
from vrhub.core.forms import GovukForm

from . import services
from .models import (
    Concern,
    Ethnicity,
    PersonAware,
    Referral,
    RiskFactor,
    Sex,
    Urgency,
)
from .serializers import ReferralAnswersSerializer

MAX_ROWS = 2_000
MAX_BYTES = 2 * 1024 * 1024
COLUMNS = list(services.ANSWER_FIELDS)
REQUIRED_COLUMNS = list(services.REQUIRED_ANSWERS)
LIST_COLUMNS = frozenset({"concerns", "risk_factors"})
YES = frozenset({"yes", "y", "true"})
NO = frozenset({"no", "n", "false"})
UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
KEY_PREFIX = "csv:"
SENT = "referrals.upload.sent"


def _either(values: list[str]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1]


# What to put in each column, for the upload page.
GUIDANCE: list[tuple[str, str]] = [
    ("first_name", "Required."),
    ("last_name", "Required."),
    ("other_names", "Optional: nicknames, street names or previous names."),
    ("date_of_birth", "Required: like 2010-03-27 or 27/03/2010. The person must be 10 or older."),
    ("sex", f"Required: {_either(Sex.values)}."),
    ("gender", "Optional: only where different from sex."),
    ("ethnicity", "Required: one of the 2021 census codes below."),
    ("address", "Required."),
    ("postcode", "Required: a UK postcode, like CV1 2AB."),
    ("school", "Optional."),
    ("phone", "Optional: like 07700 900 982."),
    ("concerns", "Required: one or more codes below, separated by semicolons (;)."),
    ("risk_factors", "Optional: codes below, separated by semicolons (;)."),
    ("concern_details", "Optional: what has happened, and when."),
    ("immediate_risk", "Required: yes or no."),
    ("person_aware", f"Required: {_either(PersonAware.values)}."),
    ("urgency", f"Required: {_either(Urgency.values)}."),
]
CODES = [
    ("Concerns", Concern.choices),
    ("Risk factors", RiskFactor.choices),
    ("Ethnic groups", Ethnicity.choices),
]


class InMemoryUpload(FileUploadHandler):
    """Keeps an uploaded file in memory, never in a temporary file, and drops one that is too
    big as it arrives rather than after it has been stored."""

    def __init__(self, request: HttpRequest | None = None, limit: int = MAX_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big = False
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.too_big = True
            raise SkipFile()
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


# Reading the file.


def _column(name: str) -> str:
    """`First name` or ` first_name ` -> `first_name`."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _header_problem(header: list[str]) -> str | None:
    named = [name for name in header if name]  # spreadsheets often add empty columns at the end
    twice = sorted({name for name in named if named.count(name) > 1})
    if twice:
        return f"The selected file has the column {twice[0]} more than once"
    unknown = [name for name in named if name not in COLUMNS]
    if unknown:
        return (
            f"The selected file has {'a column' if len(unknown) == 1 else 'columns'} vrhub "
            f"does not use: {', '.join(unknown)}. Use the column names listed on this page"
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        which = "the column" if len(missing) == 1 else "these columns"
        return f"The selected file is missing {which}: {', '.join(missing)}"
    return None


@dataclass(frozen=True)
class Record:
    """One row of the file as it was read: its number as a spreadsheet shows it (the header is
    row 1), and its cells by column, or why the row could not be read."""

    number: int
    cells: dict[str, str]
    problem: str = ""


def read_csv(upload: UploadedFile) -> list[Record]:
    """The rows of an uploaded CSV file. Raises forms.ValidationError, in words for the
    error summary, if it is not a CSV file vrhub can read."""
    if not (upload.name or "").lower().endswith(".csv"):
        raise forms.ValidationError("The selected file must be a CSV")
    if (upload.size or 0) > MAX_BYTES:
        raise forms.ValidationError("The selected file must be smaller than 2 MB")
    raw = upload.read()
    if b"\x00" in raw:
        raise forms.ValidationError("The selected file must be a CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            "The selected file must be saved as UTF-8: in Excel, save it as 'CSV UTF-8'"
        ) from None
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise forms.ValidationError("The selected file must be a CSV") from None
    # The header is the first line with anything in it; rows are numbered as a spreadsheet does.
    first = next((i for i, cells in enumerate(lines) if any(c.strip() for c in cells)), None)
    if first is None:
        raise forms.ValidationError("The selected file is empty")
    header = [_column(name) for name in lines[first]]
    problem = _header_problem(header)
    if problem:
        raise forms.ValidationError(problem)
    records: list[Record] = []
    for number, cells in enumerate(lines[first + 1 :], start=first + 2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if any(cell.strip() for cell in cells[len(header) :]):
            records.append(
                Record(number, {}, "This row has more cells than the header row has columns")
            )
        else:
            named = {name: cell for name, cell in zip(header, cells, strict=False) if name}
            records.append(Record(number, named))
    if not records:
        raise forms.ValidationError(
            "The selected file has no referrals in it: put one referral on each row under the "
            "header row"
        )
    if len(records) > MAX_ROWS:
        raise forms.ValidationError(
            f"The selected file must have {MAX_ROWS:,} referrals or fewer: split it into "
            "smaller files"
        )
    return records


def answers_from(cells: dict[str, str]) -> dict[str, Any]:
    """A row's cells as the API would receive them. An empty cell is left out, so a required
    answer is asked for and an optional one takes its default."""
    answers: dict[str, Any] = {}
    for name, cell in cells.items():
        value = cell.strip()
        if not value:
            continue
        if name in LIST_COLUMNS:
            answers[name] = [code.strip() for code in value.split(";") if code.strip()]
        elif name == "immediate_risk" and value.lower() in YES | NO:
            answers[name] = value.lower() in YES
        elif name == "date_of_birth" and (uk := UK_DATE.fullmatch(value)):
            day, month, year = uk.groups()
            answers[name] = f"{year}-{int(month):02d}-{int(day):02d}"
        else:
            answers[name] = value
    return answers


def _messages(errors: Any) -> list[str]:
    """REST framework's errors (by field, by list position) as a flat list of sentences."""
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


# Checking the rows.


@dataclass
class Row:
    number: int
    answers: dict[str, Any] = field(default_factory=dict)  # as sent to the serializer
    errors: list[str] = field(default_factory=list)
    key: str = ""
    sent_as: str = ""  # the reference, if this row was sent before

    @property
    def good(self) -> bool:
        return not self.errors and not self.sent_as


@dataclass
class Checked:
    rows: list[Row]
    validated: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def good(self) -> list[Row]:
        return [row for row in self.rows if row.good]

    @property
    def bad(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def already_sent(self) -> list[Row]:
        return [row for row in self.rows if row.sent_as]


def _key(answers: dict[str, Any]) -> str:
    canonical = {k: sorted(v) if isinstance(v, list) else v for k, v in answers.items()}
    text = json.dumps(canonical, sort_keys=True, default=str)
    return KEY_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:40]


def check(rows: Iterable[tuple[int, dict[str, Any]]], *, agency: Agency) -> Checked:
    """Check each row as the API would, and find rows this agency has sent before."""
    checked = Checked(rows=[])
    first_of_key: dict[str, int] = {}
    for number, answers in rows:
        row = Row(number=number, answers=answers)
        serializer = ReferralAnswersSerializer(data=answers)
        if serializer.is_valid():
            data = dict(serializer.validated_data)
            row.key = _key(data)
            if row.key in first_of_key:
                row.errors = [f"This row is the same as row {first_of_key[row.key]}"]
            else:
                first_of_key[row.key] = number
                checked.validated[number] = data
        else:
            row.errors = list(dict.fromkeys(_messages(serializer.errors)))
        checked.rows.append(row)
    sent = dict(
        Referral.objects.filter(
            referring_agency=agency, idempotency_key__in=list(first_of_key)
        ).values_list("idempotency_key", "reference")
    )
    for row in checked.rows:
        if not row.errors and row.key in sent:
            row.sent_as = sent[row.key]
    return checked


def check_file(records: Sequence[Record], *, agency: Agency) -> Checked:
    checked = check(
        ((r.number, answers_from(r.cells)) for r in records if not r.problem), agency=agency
    )
    checked.rows.extend(Row(number=r.number, errors=[r.problem]) for r in records if r.problem)
    checked.rows.sort(key=lambda row: row.number)
    return checked


def check_again(checked: Checked, *, agency: Agency) -> Checked:
    """The readable rows checked again: after another upload has sent some of them."""
    again = check(((r.number, r.answers) for r in checked.rows if r.answers), agency=agency)
    again.rows.extend(Row(number=r.number, errors=r.errors) for r in checked.rows if not r.answers)
    again.rows.sort(key=lambda row: row.number)
    return again


# Sending them, all or none.


def referrals_send(*, actor: User, checked: Checked) -> list[tuple[int, Referral]]:
    """Send every good row of a checked file in one transaction: all of them, or none.

    Raises IntegrityError if another upload sent one of these rows meanwhile.
    """
    rows = checked.good
    referrals = services.referrals_create_batch(
        actor=actor,
        rows=[(checked.validated[row.number], row.key) for row in rows],
        upload={
            "rows": len(checked.rows),
            "not_sent": len(checked.bad),
            "sent_before": len(checked.already_sent),
        },
    )
    return [(row.number, referral) for row, referral in zip(rows, referrals, strict=True)]


def remember_sent(
    session: SessionBase, made: list[tuple[int, Referral]], *, not_sent: list[int], before: int
) -> None:
    """What was sent, for the page after the redirect: references, not answers."""
    session[SENT] = {
        "sent": [[n, r.reference, r.get_eligibility_display()] for n, r in made],
        "not_sent": not_sent,
        "before": before,
    }


# Forms.


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        required=False,
        error_messages={"empty": "The selected file is empty"},
    )

    good_rows_only = forms.BooleanField(
        label="Send the good rows only",
        required=False,
        help_text="The rows with problems will not be sent: correct them and upload them in a "
        "new file.",
    )

    def __init__(self, *args: Any, too_big: bool = False, problem: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.problem = problem
        self.records: list[Record] = []

    def clean_file(self) -> UploadedFile | None:
        if self.problem:
            raise forms.ValidationError(self.problem)
        if self.too_big:
            raise forms.ValidationError("The selected file must be smaller than 2 MB")
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if upload is None:
            raise forms.ValidationError("Select a CSV file")
        self.records = read_csv(upload)
        return upload
