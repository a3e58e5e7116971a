"""Train the person-matching model without labels and write it to a model file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vrhub.people.matching.scorer import MODEL_PATH


class Command(BaseCommand):
    help = "Learn the matching model's weights from records (no labels) and write the model file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from-index", action="store_true", help="Train on the person index.")
        parser.add_argument("--synthetic", type=int, default=200_000, help="Synthetic records.")
        parser.add_argument("--output", type=Path, default=MODEL_PATH)

    def handle(self, *args: Any, **options: Any) -> None:
        import pandas as pd

        from vrhub.people.matching import synthetic, training
        from vrhub.people.matching.standardise import COLUMNS
        from vrhub.people.models import SourceRecord

        if options["from_index"]:
            rows = SourceRecord.objects.values("id", *COLUMNS)
            frame = pd.DataFrame.from_records(list(rows)).rename(columns={"id": "unique_id"})
            if len(frame) < 10_000:
                raise CommandError(
                    f"The index has {len(frame)} records; at least 10,000 are needed to train."
                )
            frame["unique_id"] = frame["unique_id"].astype(str)
        else:
            frame = training.standardised_frame(synthetic.population(options["synthetic"], seed=1))
        trained = training.train_on(frame)
        training.write(trained, options["output"])
        self.stdout.write(
            f"Model trained on {len(frame):,} records, written to {options['output']}"
        )
