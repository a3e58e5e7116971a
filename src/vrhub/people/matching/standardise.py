"""Turning what an agency wrote down about a person into the columns the matching model compares.

Every source (a referral, a case, an imported list, a benchmark file) is reduced to the same
record: folded names with their phonetic codes, a date of birth as an ISO string, a UK postcode
with its sector and district, sex, the first line of the address and an identifier such as an
NHS number. Whatever is missing or unreadable becomes None: matching still runs, with less to go
on, and never fails on odd input.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

import jellyfish

# The columns of a standardised record, in the order the model's tables hold them.
COLUMNS = (
    "forename",
    "surname",
    "forename_phonetic",
    "surname_phonetic",
    "dob",
    "dob_unordered",
    "birth_year",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "sex",
    "address",
    "identifier",
)

_SEPARATORS = re.compile("[\\s\\-\u2010\u2011\u2013\u2014_'\u2019`.,/]+")
_NOT_A_NAME = re.compile(r"[^\w ]+")
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_DIGITS = re.compile(r"\D+")
_NAME_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master"})


def fold(text: str | None) -> str | None:
    """Lower case, accents removed, hyphens and apostrophes as spaces; None when nothing is left.

    Letters with no Latin form (Arabic, Cyrillic, Chinese...) are kept as they are, so two
    records written in the same script still agree exactly.
    """
    if not text:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = _NOT_A_NAME.sub(" ", _SEPARATORS.sub(" ", stripped)).split()
    return " ".join(words) or None


def phonetic(name: str | None) -> str | None:
    """The metaphone code of a folded name, spaces removed; None for names with no Latin letters."""
    if not name:
        return None
    latin = "".join(c for c in name if "a" <= c <= "z")
    return jellyfish.metaphone(latin) or None if latin else None


def date_of_birth(value: dt.date | str | None) -> str | None:
    """A date of birth as YYYY-MM-DD.

    A date, or text in ISO (2008-04-03), UK (03/04/2008) or compact (20080403) form. A written
    date that is not on the calendar (31 February) is kept as written: it is most likely a typing
    slip of the real one, and the model compares dates of birth as text.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    digits = _DIGITS.sub("", text)
    if len(digits) != 8:
        return None
    year_first = _plausible(digits[:4], digits[4:6], digits[6:])
    if re.match(r"^\d{4}\D", text) or (re.match(r"^\d{8}$", text) and year_first):
        year, month, day = digits[:4], digits[4:6], digits[6:]
    else:
        day, month, year = digits[:2], digits[2:4], digits[4:]
    if not (1 <= int(month) <= 12 or 1 <= int(day) <= 12):
        return None
    return f"{year}-{month}-{day}"


def unordered(dob: str | None) -> str | None:
    """The date of birth with its day and month in ascending order, so that a date written with
    the two swapped (04/03 for 03/04) still agrees with the true one in an index lookup."""
    if not dob:
        return None
    year, first, second = dob[:4], dob[5:7], dob[8:10]
    low, high = sorted([first, second])
    return f"{year}-{low}-{high}"


def _plausible(year: str, month: str, day: str) -> bool:
    return 1900 <= int(year) <= 2100 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def postcode_parts(value: str | None) -> tuple[str | None, str | None, str | None]:
    """(postcode, sector, district) for a UK postcode; other postcodes are kept whole, unsplit."""
    if not value:
        return None, None, None
    compact = re.sub(r"\s+", "", str(value)).upper()
    if not compact:
        return None, None, None
    uk = _UK_POSTCODE.match(compact)
    if not uk:
        return compact, None, None
    outward, inward = uk.groups()
    return f"{outward} {inward}", f"{outward} {inward[0]}", outward


def split_name(full_name: str) -> tuple[str | None, str | None]:
    """Forename and surname from one written name: the first word and the last; titles dropped."""
    words = [w for w in (fold(full_name) or "").split() if w not in _NAME_TITLES]
    if not words:
        return None, None
    if len(words) == 1:
        return None, words[0]
    return words[0], words[-1]


def _cut(value: str | None, length: int) -> str | None:
    return value[:length].rstrip() or None if value else None


@dataclass(frozen=True)
class MatchRecord:
    """What the model compares about one source record."""

    forename: str | None
    surname: str | None
    forename_phonetic: str | None
    surname_phonetic: str | None
    dob: str | None
    dob_unordered: str | None
    birth_year: str | None
    postcode: str | None
    postcode_sector: str | None
    postcode_district: str | None
    sex: str | None
    address: str | None
    identifier: str | None

    def as_row(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_empty(self) -> bool:
        return not (self.forename or self.surname or self.dob)


def standardise(
    *,
    forename: str | None = None,
    surname: str | None = None,
    dob: dt.date | str | None = None,
    postcode: str | None = None,
    sex: str | None = None,
    address: str | None = None,
    identifier: str | None = None,
) -> MatchRecord:
    """The comparable form of one record. A single name is taken as a surname."""
    first, last = fold(forename), fold(surname)
    if last is None and first and " " in first:
        first, last = split_name(first)
    elif last is None and first:
        first, last = None, first
    birth = date_of_birth(dob)
    full, sector, district = postcode_parts(postcode)
    ident = _DIGITS.sub("", identifier or "") or (fold(identifier) if identifier else None)
    first_line = fold((address or "").splitlines()[0] if address else None)
    # Each column has a length in the index (people.SourceRecord); what is longer is cut.
    first, last = _cut(first, 100), _cut(last, 100)
    return MatchRecord(
        forename=first,
        surname=last,
        forename_phonetic=_cut(phonetic(first), 40),
        surname_phonetic=_cut(phonetic(last), 40),
        dob=birth,
        dob_unordered=unordered(birth),
        birth_year=birth[:4] if birth else None,
        postcode=_cut(full, 10),
        postcode_sector=sector,
        postcode_district=district,
        sex=(sex or "").strip().lower()[:1] or None,
        address=_cut(first_line, 200),
        identifier=_cut(ident, 40),
    )
