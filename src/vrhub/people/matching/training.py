"""Training the person model from records alone, and writing it as a versioned file.

The model file in the repository was trained on a synthetic population of 200,000 records (see
`synthetic`), since a new partnership has no index yet. Once a partnership's own index is large
(tens of thousands of records), `manage.py train_person_model --from-index` learns the weights
from its own people, with no labels, and writes a new file for review and release.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vrhub.people.matching import model
from vrhub.people.matching.standardise import standardise

FIELDS = ["forename", "surname", "dob", "postcode", "sex", "address"]


def standardised_rows(raw: Any) -> list[dict[str, Any]]:
    """Records as written (a DataFrame with record_id, forename, surname, dob, postcode, sex,
    address, as `synthetic.population` makes) in the form the model compares."""
    return [
        standardise(
            forename=r.forename,
            surname=r.surname,
            dob=r.dob,
            postcode=r.postcode,
            sex=r.sex,
            address=r.address,
        ).as_row()
        | {"unique_id": str(r.record_id)}
        for r in raw.itertuples(index=False)
    ]


def standardised_frame(raw: Any) -> Any:
    """The same, as a DataFrame with `unique_id`, for Splink."""
    import pandas as pd

    return pd.DataFrame(standardised_rows(raw))


def train_on(frame: Any, *, fields: list[str] = FIELDS, u_pairs: float = 1e7) -> dict[str, Any]:
    from splink import DuckDBAPI, Linker

    linker = Linker(DuckDBAPI().register(frame), model.settings(fields), log_level=None)
    model.train(linker, fields, u_pairs=u_pairs)
    trained: dict[str, Any] = linker.misc.save_model_to_json(None)
    return trained


def write(trained: dict[str, Any], path: Path) -> None:
    import json

    path.write_text(json.dumps(trained, indent=2, sort_keys=True) + "\n")
