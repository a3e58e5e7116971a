"""The matching model: which fields are compared, at which levels, and how it learns its weights.

Splink (DuckDB backend) holds the model. Each comparison's levels run from the strongest
agreement to none, and every level carries a plain-English reason, shown to the caseworker beside
a candidate ("date of birth has day and month swapped"). Parameters are learnt from the records
themselves, never from known answers: u (how often unrelated people agree) by random sampling,
m (how often the same person agrees) by expectation maximisation within blocks, and the prior
from deterministic rules with an assumed recall.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

# The fields a trained model compares, each with the reason shown for every level, in order.
# "null" is the level where either side is missing; the rest follow the levels below.
REASONS: dict[str, list[str]] = {
    "forename": [
        "forename missing on one side",
        "forename agrees",
        "forename agrees after a spelling variant",
        "forename sounds the same",
        "forename agrees with an initial",
        "forename is similar",
        "forename differs",
    ],
    "surname": [
        "surname missing on one side",
        "surname agrees",
        "surname agrees after a spelling variant",
        "surname sounds the same",
        "surname is one of a double-barrelled name",
        "surname is similar",
        "surname differs",
    ],
    "dob": [
        "date of birth missing on one side",
        "date of birth agrees",
        "date of birth has day and month swapped",
        "date of birth differs by one digit or two swapped digits",
        "date of birth agrees but for the year",
        "date of birth within a year",
        "date of birth differs",
    ],
    "postcode": [
        "postcode missing on one side",
        "postcode agrees",
        "postcode sector agrees",
        "postcode district agrees",
        "postcode differs",
    ],
    "sex": [
        "sex missing on one side",
        "sex agrees",
        "sex differs",
    ],
    "address": [
        "address missing on one side",
        "address agrees",
        "address agrees after a spelling variant",
        "address is similar",
        "address differs",
    ],
    "identifier": [
        "identifier (such as an NHS number) missing on one side",
        "identifier agrees",
        "identifier differs by one digit or two swapped digits",
        "identifier differs",
    ],
}

FIELD_LABELS = {
    "forename": "Forename",
    "surname": "Surname",
    "dob": "Date of birth",
    "postcode": "Postcode",
    "sex": "Sex",
    "address": "Address",
    "identifier": "Identifier",
}


def _name_levels(col: str) -> list[Any]:
    import splink.comparison_level_library as cll

    first_word_alone = (
        f"(strpos({col}_l, ' ') > 0 or strpos({col}_r, ' ') > 0) and "
        f"(list_contains(string_split({col}_l, ' '), {col}_r) or "
        f"list_contains(string_split({col}_r, ' '), {col}_l))"
    )
    initial = (
        f"(length({col}_l) = 1 or length({col}_r) = 1) and "
        f"substr({col}_l, 1, 1) = substr({col}_r, 1, 1)"
    )
    return [
        cll.NullLevel(col),
        cll.ExactMatchLevel(col).configure(tf_adjustment_column=col),
        cll.JaroWinklerLevel(col, 0.92),
        cll.CustomLevel(
            f"{col}_phonetic_l = {col}_phonetic_r", label_for_charts="Phonetic code agrees"
        ),
        cll.CustomLevel(
            initial if col == "forename" else first_word_alone,
            label_for_charts="Initial agrees" if col == "forename" else "Part of the name",
        ),
        cll.JaroWinklerLevel(col, 0.8),
        cll.ElseLevel(),
    ]


def comparisons(fields: Sequence[str]) -> list[Any]:
    """Splink comparisons for the fields present in a data set, in REASONS order."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    built: dict[str, Any] = {
        "forename": cl.CustomComparison(_name_levels("forename"), output_column_name="forename"),
        "surname": cl.CustomComparison(_name_levels("surname"), output_column_name="surname"),
        "dob": cl.CustomComparison(
            [
                cll.NullLevel("dob"),
                cll.ExactMatchLevel("dob"),
                cll.CustomLevel(
                    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) and "
                    "substr(dob_l, 6, 2) = substr(dob_r, 9, 2) and "
                    "substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                    label_for_charts="Day and month swapped",
                ),
                cll.DamerauLevenshteinLevel("dob", 1),
                cll.CustomLevel(
                    "substr(dob_l, 6, 5) = substr(dob_r, 6, 5)",
                    label_for_charts="Same day and month, another year",
                ),
                cll.CustomLevel(
                    "abs(date_diff('day', try_strptime(dob_l, '%Y-%m-%d'), "
                    "try_strptime(dob_r, '%Y-%m-%d'))) <= 366",
                    label_for_charts="Within a year",
                ),
                cll.ElseLevel(),
            ],
            output_column_name="dob",
        ),
        "postcode": cl.CustomComparison(
            [
                cll.NullLevel("postcode"),
                cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
                cll.ExactMatchLevel("postcode_sector"),
                cll.ExactMatchLevel("postcode_district"),
                cll.ElseLevel(),
            ],
            output_column_name="postcode",
        ),
        "sex": cl.CustomComparison(
            [cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
            output_column_name="sex",
        ),
        "address": cl.CustomComparison(
            [
                cll.NullLevel("address"),
                cll.ExactMatchLevel("address"),
                cll.JaroWinklerLevel("address", 0.9),
                cll.JaroWinklerLevel("address", 0.7),
                cll.ElseLevel(),
            ],
            output_column_name="address",
        ),
        "identifier": cl.CustomComparison(
            [
                cll.NullLevel("identifier"),
                cll.ExactMatchLevel("identifier"),
                cll.DamerauLevenshteinLevel("identifier", 1),
                cll.ElseLevel(),
            ],
            output_column_name="identifier",
        ),
    }
    return [built[f] for f in REASONS if f in fields]


def blocking_rules(fields: Sequence[str]) -> list[Any]:
    """Which pairs are compared at all. Each rule is an equality the database can index.

    Together they find the same person through any one change: a misspelt name (same date of
    birth, or the same with day and month swapped, and either name), a wrong date (the names sound
    the same), a nickname or new surname (same date of birth and postcode), or a shared
    identifier.
    """
    from splink import block_on

    rules = [
        block_on("forename_phonetic", "surname_phonetic", "birth_year"),
        block_on("surname", "dob_unordered"),
        block_on("forename", "dob_unordered"),
    ]
    if "postcode" in fields:
        rules.append(block_on("postcode", "dob"))
        rules.append(block_on("forename_phonetic", "surname_phonetic", "postcode_district"))
    if "identifier" in fields:
        rules.append(block_on("identifier"))
    return rules


def settings(
    fields: Sequence[str],
    link_type: Literal["dedupe_only", "link_only", "link_and_dedupe"] = "dedupe_only",
) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(fields),
        blocking_rules_to_generate_predictions=blocking_rules(fields),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


@dataclass
class TrainingReport:
    records: int
    fields: list[str]
    prior: float


def train(linker: Any, fields: Sequence[str], *, u_pairs: float = 1e7, seed: int = 42) -> None:
    """Estimate the model's parameters from the data alone (no labels)."""
    from splink import block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    deterministic = [block_on("forename", "surname", "dob")]
    if "identifier" in fields:
        deterministic.append(block_on("identifier", "dob"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    # Each session fixes one thing and learns the rest; together every field is learnt.
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True, record_sample_proportion=1.0
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("forename_phonetic", "surname_phonetic"),
        estimate_without_term_frequencies=True,
        record_sample_proportion=1.0,
    )


def save(linker: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    model = linker.misc.save_model_to_json(None)
    path.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")
