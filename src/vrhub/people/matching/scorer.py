"""Scoring a new record against a few candidates in a few milliseconds, with the trained model.

Splink's `score_pairs` builds its SQL afresh for every call, which costs tens of milliseconds
before DuckDB does any work. The scorer asks Splink for that SQL once, when the model is loaded,
then runs it for each new record against two small in-memory tables. A test holds the scorer to
`score_pairs`' own answers, so an upgrade of Splink that changed its SQL would be caught.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from vrhub.people.matching.model import FIELD_LABELS, REASONS
from vrhub.people.matching.standardise import COLUMNS

MODEL_PATH = Path(__file__).with_name("person_model.json")
TERM_FREQUENCY_COLUMNS = ("forename", "surname", "postcode")
_LEFT, _RIGHT = "vrhub_new_record", "vrhub_candidates"


@dataclass(frozen=True)
class FieldEvidence:
    """One field's part in a score: what agreed or not, and how far it moved the odds."""

    field: str
    label: str
    reason: str
    weight: float

    @property
    def direction(self) -> str:
        if self.weight > 0.5:
            return "for"
        if self.weight < -0.5:
            return "against"
        return "neutral"


@dataclass(frozen=True)
class Score:
    candidate_id: Any
    probability: float
    weight: float
    evidence: list[FieldEvidence] = field(default_factory=list)


def evidence_from_row(row: dict[str, Any], fields: list[str]) -> list[FieldEvidence]:
    found = []
    for name in fields:
        gamma = int(row[f"gamma_{name}"])
        reasons = REASONS[name]
        reason = reasons[0] if gamma == -1 else reasons[len(reasons) - 1 - gamma]
        weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
        found.append(FieldEvidence(name, FIELD_LABELS[name], reason, round(weight, 2)))
    return found


class Scorer:
    """The trained model, ready to score one record against many."""

    def __init__(self, model: dict[str, Any]):
        import duckdb
        import pandas as pd
        from splink import DuckDBAPI, Linker

        self.model = model
        self.fields = [c["output_column_name"] for c in model["comparisons"]]
        self._lock = threading.Lock()
        self._con = duckdb.connect(":memory:")
        api = DuckDBAPI(connection=self._con)
        sample = self._rows([{c: None for c in COLUMNS} | {"unique_id": "0"}])
        linker = Linker(api.register(pd.DataFrame(sample).head(0)), model, log_level=None)
        captured: list[str] = []
        execute = api._execute_sql

        def capture(sql: str, templated_name: str) -> Any:
            captured.append(sql)
            return execute(sql, templated_name)

        api._execute_sql = capture  # type: ignore[method-assign,misc,assignment]
        linker.inference.score_pairs(sample, sample)
        sql = captured[-1]
        sql = re.sub(r"__splink__compare_two_records_left_[a-z0-9]{8}\b", _LEFT, sql)
        sql = re.sub(r"__splink__compare_two_records_right_[a-z0-9]{8}\b", _RIGHT, sql)
        # Only the final select is wanted, as rows; Splink wraps it in a CREATE TABLE.
        self._sql = sql[sql.index("WITH") :] if "CREATE" in sql[: sql.index("WITH")] else sql

    @staticmethod
    def _rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = []
        for record in records:
            row = {c: record.get(c) for c in COLUMNS}
            row["unique_id"] = str(record["unique_id"])
            for column in TERM_FREQUENCY_COLUMNS:
                row[f"tf_{column}"] = record.get(f"tf_{column}")
            rows.append(row)
        return rows

    def score(self, record: dict[str, Any], candidates: list[dict[str, Any]]) -> list[Score]:
        """Every candidate scored against the record, most likely first."""
        if not candidates:
            return []
        import pyarrow as pa

        left = pa.Table.from_pylist(self._rows([{**record, "unique_id": "new"}]), schema=_schema())
        right = pa.Table.from_pylist(self._rows(candidates), schema=_schema())
        with self._lock:
            self._con.register(_LEFT, left)
            self._con.register(_RIGHT, right)
            try:
                cursor = self._con.execute(self._sql)
                columns = [d[0] for d in cursor.description]
                rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
            finally:
                self._con.unregister(_LEFT)
                self._con.unregister(_RIGHT)
        by_id = {str(c["unique_id"]): c["unique_id"] for c in candidates}
        scores = [
            Score(
                candidate_id=by_id[row["unique_id_r"]],
                probability=float(row["match_probability"]),
                weight=float(row["match_weight"]),
                evidence=evidence_from_row(row, self.fields),
            )
            for row in rows
        ]
        return sorted(scores, key=lambda s: -s.weight)


@cache
def _schema() -> Any:
    import pyarrow as pa

    columns = [pa.field(c, pa.string()) for c in COLUMNS]
    columns.append(pa.field("unique_id", pa.string()))
    columns += [pa.field(f"tf_{c}", pa.float64()) for c in TERM_FREQUENCY_COLUMNS]
    return pa.schema(columns)


def load_model(path: Path = MODEL_PATH) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(path.read_text())
    return model


@cache
def default_scorer() -> Scorer:
    """The application's scorer, built once a process from the model file in the repository."""
    return Scorer(load_model())
