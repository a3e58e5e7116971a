"""The fast scorer gives exactly Splink's own answers.

The scorer runs SQL it captured from Splink once; these tests score the same pairs with Splink's
`score_pairs` and hold the two to the same probability, weight and comparison level for every
field. A Splink upgrade that scored differently would fail here.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from vrhub.people.matching.scorer import (
    TERM_FREQUENCY_COLUMNS,
    Scorer,
    default_scorer,
    load_model,
)
from vrhub.people.matching.standardise import standardise

# What each of the model's comparison levels means to a caseworker, by Splink's label for it.
MEANING: dict[str, dict[str, str]] = {
    "forename": {
        "forename is NULL": "forename missing on one side",
        "Exact match on forename": "forename agrees",
        "Jaro-Winkler distance of forename >= 0.92": "forename agrees after a spelling variant",
        "Phonetic code agrees": "forename sounds the same",
        "Initial agrees": "forename agrees with an initial",
        "Jaro-Winkler distance of forename >= 0.8": "forename is similar",
        "All other comparisons": "forename differs",
    },
    "surname": {
        "surname is NULL": "surname missing on one side",
        "Exact match on surname": "surname agrees",
        "Jaro-Winkler distance of surname >= 0.92": "surname agrees after a spelling variant",
        "Phonetic code agrees": "surname sounds the same",
        "Part of the name": "surname is one of a double-barrelled name",
        "Jaro-Winkler distance of surname >= 0.8": "surname is similar",
        "All other comparisons": "surname differs",
    },
    "dob": {
        "dob is NULL": "date of birth missing on one side",
        "Exact match on dob": "date of birth agrees",
        "Day and month swapped": "date of birth has day and month swapped",
        "Damerau-Levenshtein distance of dob <= 1": (
            "date of birth differs by one digit or two swapped digits"
        ),
        "Same day and month, another year": "date of birth agrees but for the year",
        "Within a year": "date of birth within a year",
        "All other comparisons": "date of birth differs",
    },
    "postcode": {
        "postcode is NULL": "postcode missing on one side",
        "Exact match on postcode": "postcode agrees",
        "Exact match on postcode_sector": "postcode sector agrees",
        "Exact match on postcode_district": "postcode district agrees",
        "All other comparisons": "postcode differs",
    },
    "sex": {
        "sex is NULL": "sex missing on one side",
        "Exact match on sex": "sex agrees",
        "All other comparisons": "sex differs",
    },
    "address": {
        "address is NULL": "address missing on one side",
        "Exact match on address": "address agrees",
        "Jaro-Winkler distance of address >= 0.9": "address agrees after a spelling variant",
        "Jaro-Winkler distance of address >= 0.7": "address is similar",
        "All other comparisons": "address differs",
    },
}

MOHAMMED = {
    "forename": "Mohammed",
    "surname": "Ali",
    "dob": "2008-04-03",
    "postcode": "CV1 2AB",
    "sex": "male",
    "address": "5 High Street",
}


def written(**changes: Any) -> dict[str, Any]:
    return MOHAMMED | changes


# (new record, candidate, term frequencies of the new record's values): each pair exercises
# other levels of the comparisons.
PAIRS: list[tuple[dict[str, Any], dict[str, Any], dict[str, float]]] = [
    (written(), written(), {"tf_forename": 0.004, "tf_surname": 0.02, "tf_postcode": 0.001}),
    (written(), written(forename="Mohamed", dob="2008-03-04", address="5 High St"), {}),
    (
        written(forename="Hassan", surname="Begum"),
        written(forename="Hussain", surname="Begum", postcode="CV1 2AD"),
        {"tf_surname": 0.05},
    ),
    (written(forename="J"), written(forename="Jamal", dob="2008-04-04", postcode="CV1 5XY"), {}),
    (
        written(surname="Smith-Jones"),
        written(surname="Jones", dob="2007-04-03", postcode="CV3 1AA"),
        {},
    ),
    (written(), written(dob="2008-10-03", sex="female", address="Flat 2, 41 Far Gosford St"), {}),
    (written(), written(dob=None, postcode=None, address=None, sex=None), {}),
    (written(forename=None), written(forename="Mohammed", surname="Aly"), {}),
    (
        written(forename="محمد", surname="علي"),
        written(forename="محمد", surname="علي"),
        {"tf_forename": 0.001, "tf_surname": 0.001},
    ),
    (
        written(forename="Zoë", surname="O'Brien"),
        written(forename="Zoe", surname="OBrien", dob="2008-02-31"),
        {},
    ),
    (
        written(),
        written(
            forename="Bartek",
            surname="Nowak",
            dob="1999-12-30",
            postcode="WV10 1AA",
            address="9 Canal Drive",
        ),
        {},
    ),
    (written(forename="Mo"), written(forename="Mohammed", postcode="2600"), {}),
    (
        written(forename="Jayden", surname="Clarke"),
        written(forename="Jaden", surname="Clarkson"),
        {},
    ),
    (written(forename=None, surname=None), written(), {}),
]


def record(values: dict[str, Any], unique_id: str, frequencies: dict[str, float]) -> dict[str, Any]:
    row = standardise(**values).as_row() | {"unique_id": unique_id}
    return row | {f"tf_{c}": frequencies.get(f"tf_{c}") for c in TERM_FREQUENCY_COLUMNS}


def model() -> dict[str, Any]:
    """The model the application's scorer was built from (`load_model()`, read once), so both
    sides score with the same parameters even if the file is retrained during a run."""
    return copy.deepcopy(default_scorer().model)


@pytest.fixture(scope="module")
def splink() -> Any:
    """A Splink linker with the application's model, as the documentation sets one up."""
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker

    api = DuckDBAPI(connection=duckdb.connect(":memory:"))
    empty = pd.DataFrame([record(MOHAMMED, "0", {})]).head(0)
    return Linker(api.register(empty), model(), log_level=None)


def splink_answers(splink: Any, new: dict[str, Any], candidates: list[dict[str, Any]]):
    scored = splink.inference.score_pairs([new], candidates).as_pandas_dataframe()
    return {row["unique_id_r"]: row for row in scored.to_dict("records")}


def level_meaning(field: str, gamma: int) -> str:
    """Splink numbers a comparison's levels from the top down to 0, and -1 for missing."""
    levels = next(c for c in model()["comparisons"] if c["output_column_name"] == field)[
        "comparison_levels"
    ]
    null = [lv for lv in levels if lv.get("is_null_level")]
    others = [lv for lv in levels if not lv.get("is_null_level")]
    level = null[0] if gamma == -1 else others[len(others) - 1 - gamma]
    return MEANING[field][level["label_for_charts"]]


@pytest.mark.parametrize(("new", "other", "frequencies"), PAIRS)
def test_the_scorer_agrees_with_splinks_score_pairs(splink, new, other, frequencies):
    left = record(new, "new", frequencies)
    right = record(other, "7", {})
    # The candidate shares a term frequency only where the value agrees, as `rank` gives it.
    for column in TERM_FREQUENCY_COLUMNS:
        if right[column] is not None and right[column] == left[column]:
            right[f"tf_{column}"] = left[f"tf_{column}"]
    (ours,) = default_scorer().score(left, [right])
    theirs = splink_answers(splink, left, [right])["7"]
    assert ours.candidate_id == "7"
    assert ours.probability == pytest.approx(theirs["match_probability"], abs=1e-9)
    assert ours.weight == pytest.approx(theirs["match_weight"], abs=1e-9)
    evidence = {e.field: e for e in ours.evidence}
    assert set(evidence) == set(MEANING)
    for field, shown in evidence.items():
        gamma = int(theirs[f"gamma_{field}"])
        assert shown.reason == level_meaning(field, gamma), field
        weight = _number(theirs.get(f"mw_{field}")) + _number(theirs.get(f"mw_tf_adj_{field}"))
        assert shown.weight == pytest.approx(weight, abs=0.006), field


def _number(value: Any) -> float:
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else value


def test_the_pairs_reach_most_levels_of_every_comparison(splink):
    """The pairs above are varied enough to mean something: most levels are met."""
    met: dict[str, set[int]] = {field: set() for field in MEANING}
    for new, other, frequencies in PAIRS:
        theirs = splink_answers(splink, record(new, "new", frequencies), [record(other, "7", {})])
        for field in MEANING:
            met[field].add(int(theirs["7"][f"gamma_{field}"]))
    for field, levels in met.items():
        assert len(levels) >= len(MEANING[field]) - 1, (field, levels)


def test_one_record_against_many_candidates_ranks_them_as_splink_scores_them(splink):
    new = record(MOHAMMED, "new", {"tf_surname": 0.02})
    candidates = [record(other, str(i), {}) for i, (_, other, _) in enumerate(PAIRS)]
    ours = default_scorer().score(new, candidates)
    theirs = splink_answers(splink, new, candidates)
    assert [s.candidate_id for s in ours] == sorted(
        theirs, key=lambda uid: -theirs[uid]["match_weight"]
    )
    for score in ours:
        assert score.probability == pytest.approx(
            theirs[score.candidate_id]["match_probability"], abs=1e-9
        )


def test_the_application_scores_with_the_model_file_in_the_repository():
    assert default_scorer().fields == [c["output_column_name"] for c in load_model()["comparisons"]]


def test_a_fresh_scorer_scores_as_the_applications_scorer(splink):
    new, other, frequencies = PAIRS[1]
    left, right = record(new, "new", frequencies), record(other, "7", {})
    fresh = Scorer(model()).score(left, [right])
    assert fresh == default_scorer().score(left, [right])
    assert default_scorer().score(left, []) == []
