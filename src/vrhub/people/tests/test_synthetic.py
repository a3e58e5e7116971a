"""The made-up population used to train and measure matching: its shape, and that it carries
the slips real agencies make and the lookalikes that make matching hard."""

import re

import pandas as pd
import pytest

from vrhub.people.matching.synthetic import (
    COLUMNS,
    NICKNAMES,
    REFERENCE_DATE,
    SOURCES,
    population,
    strip_accents,
)

UK_POSTCODE = re.compile(r"^(CV[1-7]|WV(1[0-4]|[1-9])|B\d{1,2}) ?\d[ABD-HJLNP-UW-Z]{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return population(5_000, seed=11)


def plain(value: object) -> str | None:
    """A name compared as a person reading it would: case and accents ignored."""
    if not isinstance(value, str):
        return None
    return strip_accents(value).casefold()


def pairs(records: pd.DataFrame) -> pd.DataFrame:
    """Every pair of records of the same person."""
    both = records.merge(records, on="person_id", suffixes=("_a", "_b"))
    return both[both.record_id_a < both.record_id_b]


def test_the_same_seed_gives_the_same_records() -> None:
    first = population(2_000, seed=7)
    pd.testing.assert_frame_equal(first, population(2_000, seed=7))
    other = population(2_000, seed=8)
    assert not first[["forename", "surname", "dob"]].equals(other[["forename", "surname", "dob"]])


@pytest.mark.parametrize("n", [0, 1, 3, 37, 1_234])
def test_as_many_records_as_asked_for(n: int) -> None:
    made = population(n, seed=2)
    assert len(made) == n
    assert tuple(made.columns) == COLUMNS
    assert made.record_id.is_unique
    assert made.record_id.str.fullmatch(r"r\d{7}").all()


def test_a_quarter_of_records_are_further_records_of_someone(records: pd.DataFrame) -> None:
    assert len(records) - records.person_id.nunique() == 1_250
    per_person = records.groupby("person_id").size()
    assert per_person.max() <= 4
    assert set(per_person[per_person > 1].unique()) == {2, 3, 4}


@pytest.mark.parametrize(("share", "people"), [(0.0, 3_000), (0.5, 1_500), (0.75, 750)])
def test_the_share_of_further_records_can_be_chosen(share: float, people: int) -> None:
    made = population(3_000, duplicate_share=share, seed=5)
    assert made.person_id.nunique() == people
    assert made.groupby("person_id").size().max() <= 4


@pytest.mark.parametrize("share", [-0.1, 0.8])
def test_an_impossible_share_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="duplicate_share"):
        population(10, duplicate_share=share)


def test_fields_are_written_as_agencies_write_them(records: pd.DataFrame) -> None:
    assert set(records.source) == set(SOURCES)
    assert set(records.sex.dropna()) == {"male", "female"}
    assert records.dob.dropna().str.fullmatch(ISO_DATE.pattern).all()
    postcodes = records.postcode.dropna().str.upper()
    assert postcodes.str.fullmatch(UK_POSTCODE.pattern).all()
    assert postcodes.str.startswith("CV").any()
    assert postcodes.str.startswith("WV").any()
    assert postcodes.str.match(r"B\d").any()
    assert records.address.dropna().str.match(r"^(Flat \d+, )?\d+ \w", case=False).mean() > 0.8
    # Missing values are None, not NaN, whatever pandas would have made of them.
    for column in ("forename", "surname", "dob", "postcode", "sex", "address"):
        missing = records[column][records[column].isna()]
        assert missing.map(lambda v: v is None).all(), column


def test_most_people_are_between_10_and_25(records: pd.DataFrame) -> None:
    born = pd.to_datetime(records.dob, errors="coerce").dropna()
    age = (pd.Timestamp(REFERENCE_DATE) - born).dt.days / 365.25
    assert age.between(10, 26).mean() > 0.85
    assert age.between(14, 20).mean() > 0.4


def test_some_surnames_are_very_common_and_most_are_rare(records: pd.DataFrame) -> None:
    counts = records.surname.map(plain).value_counts()
    for common in ("smith", "khan", "singh", "patel", "begum", "jones", "ali"):
        assert counts.get(common, 0) >= 10, common
    assert counts["smith"] / len(records) > 0.008
    assert counts.iloc[:10].sum() / len(records) > 0.08
    assert (counts == 1).sum() > 0.3 * len(counts)


def test_further_records_carry_the_slips_agencies_make(records: pd.DataFrame) -> None:
    both = pairs(records).dropna(subset=["dob_a", "dob_b"])
    swapped = both[
        (both.dob_a.str[:4] == both.dob_b.str[:4])
        & (both.dob_a.str[5:7] == both.dob_b.str[8:10])
        & (both.dob_a.str[8:10] == both.dob_b.str[5:7])
        & (both.dob_a != both.dob_b)
    ]
    assert len(swapped) >= 1

    both = pairs(records).dropna(subset=["forename_a", "forename_b"])
    nicknamed = [
        (a, b)
        for a, b in zip(both.forename_a, both.forename_b, strict=True)
        if b.casefold() in {n.casefold() for n in NICKNAMES.get(a.title(), ())}
        or a.casefold() in {n.casefold() for n in NICKNAMES.get(b.title(), ())}
    ]
    assert len(nicknamed) >= 1

    assert records.forename.dropna().str.fullmatch(r"[A-Z]\.?").sum() >= 1
    assert records.dob.isna().sum() >= 1
    assert records.postcode.isna().sum() >= 1


def test_records_of_one_person_mostly_agree_but_not_always(records: pd.DataFrame) -> None:
    both = pairs(records)
    same_dob = both.dob_a.notna() & (both.dob_a == both.dob_b)
    same_surname = both.surname_a.map(plain) == both.surname_b.map(plain)
    assert (same_dob | same_surname).mean() > 0.9
    forenames = both.dropna(subset=["forename_a", "forename_b"])
    other_forename = forenames.forename_a.map(plain) != forenames.forename_b.map(plain)
    assert 0.05 < other_forename.mean() < 0.4
    dates = both.dropna(subset=["dob_a", "dob_b"])
    assert 0.03 < (dates.dob_a != dates.dob_b).mean() < 0.2


def test_different_people_share_a_name_and_a_year_of_birth(records: pd.DataFrame) -> None:
    keyed = records.assign(
        first=records.forename.map(plain),
        last=records.surname.map(plain),
        year=records.dob.str[:4],
    ).dropna(subset=["first", "last", "year"])
    people = keyed.groupby(["first", "last", "year"]).person_id.nunique()
    assert (people > 1).sum() >= 10
    # Not only twins: namesakes who live apart.
    shared = (
        keyed.dropna(subset=["postcode"])
        .drop_duplicates("person_id")
        .assign(home=lambda r: r.postcode.str.upper().str.replace(" ", ""))
        .set_index(["first", "last", "year"])
    )
    shared = shared[shared.index.isin(people[people > 1].index)]
    homes = shared.groupby(level=[0, 1, 2]).agg(
        people=("person_id", "size"), homes=("home", "nunique")
    )
    assert (homes.homes == homes.people).sum() >= 5


def test_twins_share_a_surname_birthday_and_home_but_not_a_forename(
    records: pd.DataFrame,
) -> None:
    keyed = records.assign(
        last=records.surname.map(plain),
        home=records.address.str.casefold(),
        first=records.forename.map(plain),
    ).dropna(subset=["last", "home", "dob", "first"])
    both = keyed.merge(keyed, on=["last", "dob", "home"], suffixes=("_a", "_b"))
    twins = both[(both.person_id_a != both.person_id_b) & (both.first_a != both.first_b)]
    assert twins.person_id_a.nunique() >= 2


def test_the_police_write_in_capitals(records: pd.DataFrame) -> None:
    names = records.dropna(subset=["forename"])
    names = names[names.forename.str.len() > 1]
    capitals = names.forename.str.isupper()
    assert capitals[names.source == "police"].mean() > 0.8
    assert capitals[names.source == "school"].mean() < 0.1


def test_names_keep_their_accents_and_sometimes_lose_them() -> None:
    made = population(20_000, seed=3)
    names = pd.concat([made.forename, made.surname]).dropna()
    accented = names[names.map(lambda n: not n.isascii())]
    assert accented.str.contains(r"[łŁșȘțȚąęóśźżńćă]", regex=True).any()
    other_script = names.str.contains(r"[\u0600-\u06ff\u0400-\u04ff]", regex=True)
    assert 0 < other_script.sum() < 0.01 * len(made)
    both = pairs(made).dropna(subset=["surname_a", "surname_b"])
    dropped = (both.surname_a != both.surname_b) & (
        both.surname_a.map(plain) == both.surname_b.map(plain)
    )
    assert (dropped & ~both.surname_a.map(str.isascii)).any() or (
        dropped & ~both.surname_b.map(str.isascii)
    ).any()
