"""What the matching model is given for odd input: never an error, less to go on."""

import datetime as dt

import pytest

from vrhub.people.matching.standardise import date_of_birth, fold, postcode_parts, standardise


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Zoë", "zoe"),
        ("Smith-Jones", "smith jones"),
        ("O'Brien", "o brien"),
        ("  MOHAMMED  ", "mohammed"),
        ("Łukasz", "łukasz"),
        ("محمد", "محمد"),
        ("", None),
        ("--", None),
        (None, None),
    ],
)
def test_names_fold_to_lower_case_without_accents_or_punctuation(written, expected):
    assert fold(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (dt.date(2008, 4, 3), "2008-04-03"),
        ("2008-04-03", "2008-04-03"),
        ("03/04/2008", "2008-04-03"),
        ("20080403", "2008-04-03"),
        ("20122008", "2008-12-20"),
        ("31121999", "1999-12-31"),
        ("3/4/08", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_of_birth_in_the_forms_agencies_write_them(written, expected):
    assert date_of_birth(written) == expected


def test_uk_postcodes_give_their_sector_and_district_and_others_stay_whole():
    assert postcode_parts("cv1 2ab") == ("CV1 2AB", "CV1 2", "CV1")
    assert postcode_parts("WV101AA") == ("WV10 1AA", "WV10 1", "WV10")
    assert postcode_parts("2600") == ("2600", None, None)
    assert postcode_parts("   ") == (None, None, None)


def test_a_single_name_is_taken_as_a_surname_and_initials_are_kept():
    only = standardise(forename="Madonna")
    assert (only.forename, only.surname) == (None, "madonna")
    initial = standardise(forename="J.", surname="Smith")
    assert (initial.forename, initial.surname) == ("j", "smith")


def test_names_in_other_scripts_have_no_phonetic_code_but_still_compare():
    record = standardise(forename="محمد", surname="علي", dob="2008-04-03")
    assert record.forename == "محمد"
    assert record.forename_phonetic is None
    assert record.birth_year == "2008"


def test_spelling_variants_share_a_phonetic_code():
    assert (
        standardise(forename="Mohammed").forename_phonetic
        == standardise(forename="Mohamed").forename_phonetic
    )


def test_a_record_with_nothing_to_match_on_is_empty():
    assert standardise(postcode="CV1 2AB").is_empty
    assert not standardise(surname="Ali").is_empty
