"""Checking the whole index for people recorded twice, with Splink on DuckDB.

The records go to an in-memory DuckDB database as one Arrow table; Splink compares every pair its
blocking rules admit with the trained model, and only pairs above the threshold come back. DuckDB
is told how much memory and how many threads it may use, so the check runs beside the
application without starving it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from vrhub.people.matching.scorer import load_model

MEMORY_LIMIT = "6GB"


@dataclass(frozen=True)
class PairsFound:
    pairs: (
        Any  # a pyarrow Table: unique_id_l, unique_id_r, match_probability, match_weight, gamma_*
    )
    compared: int
    seconds: float

    @property
    def pairs_per_second(self) -> float:
        return self.compared / self.seconds if self.seconds else 0.0


def find_pairs(
    records: Any,
    *,
    threshold: float,
    model: dict[str, Any] | None = None,
    threads: int | None = None,
    memory_limit: str = MEMORY_LIMIT,
) -> PairsFound:
    """Pairs of records (an Arrow table or DataFrame with `unique_id` and the standardised
    columns) that the model scores at or above `threshold`."""
    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    started = time.perf_counter()
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    # What does not fit spills to vrhub's own var/ directory, not wherever the process started.
    spill = Path(settings.VAR_DIR) / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET temp_directory = '{spill}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.register("vrhub_records_in", records)
    con.execute("CREATE TABLE vrhub_records AS SELECT * FROM vrhub_records_in")
    con.unregister("vrhub_records_in")
    api = DuckDBAPI(connection=con)
    splink_settings = dict(model or load_model())
    splink_settings["link_type"] = "dedupe_only"
    splink_settings["retain_intermediate_calculation_columns"] = False
    splink_settings["retain_matching_columns"] = False
    linker = Linker(api.register("vrhub_records"), splink_settings, log_level=None)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    # Table names below are Splink's own, never input.
    compared = con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0]  # noqa: S608
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    wanted = "unique_id_l, unique_id_r, match_probability, match_weight"
    pairs = con.sql(f"SELECT {wanted} FROM {predictions.physical_name}").to_arrow_table()  # noqa: S608
    con.close()
    return PairsFound(pairs, int(compared[0]) if compared else 0, time.perf_counter() - started)
