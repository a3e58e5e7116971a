"""The documented formats: every kind of import has one, the repository's docs agree with the
app's pages, and a file written from the documentation imports cleanly."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from vrhub.measures.ingest.force_extract import stage_force_extract
from vrhub.measures.ingest.formats import FORMATS, DataFormat, markdown
from vrhub.measures.ingest.istv import stage_istv
from vrhub.measures.ingest.reference import stage_reference
from vrhub.measures.ingest.report import IncomingFile
from vrhub.measures.models import ImportKind


def repository_root() -> Path:
    for directory in (Path(__file__).resolve(), *Path(__file__).resolve().parents):
        if (directory / "docs" / "data-formats").is_dir():
            return directory
    raise AssertionError("docs/data-formats is not in the repository")


def documented_columns(text: str) -> list[str]:
    """The first cell of each row of the Columns table."""
    section = text.split("## Columns", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [row.split("|")[1].strip() for row in rows[1:] if not row.startswith("| ---")]


def test_every_kind_of_import_has_a_format() -> None:
    assert set(FORMATS) == {kind.value for kind in ImportKind}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_the_docs_name_the_same_columns_as_the_app(kind: str) -> None:
    data_format = FORMATS[kind]
    path = repository_root() / data_format.doc_path

    text = path.read_text(encoding="utf-8")

    assert documented_columns(text) == [column.name for column in data_format.columns]
    assert data_format.header in text
    assert text.startswith(f"# {data_format.title}\n")


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_every_format_says_what_is_rejected_and_how_reimporting_works(kind: str) -> None:
    data_format = FORMATS[kind]

    assert data_format.summary
    assert data_format.source
    assert data_format.files
    assert data_format.rejected
    assert data_format.replacing
    assert data_format.gaps
    assert all(column.description and column.name for column in data_format.columns)
    assert "## Rows left out" in markdown(data_format)


def example_file(directory: Path, data_format: DataFormat) -> IncomingFile:
    """A file of one row made of each column's documented example."""
    row = ",".join(
        f'"{column.example}"' if "," in column.example else column.example
        for column in data_format.columns
    )
    path = directory / f"{data_format.kind}.csv"
    path.write_text(f"{data_format.header}\n{row}\n", encoding="utf-8")
    return IncomingFile(path.name, path)


@pytest.mark.parametrize("kind", ["areas", "population", "unit_costs", "deflators", "ed_sites"])
def test_a_reference_file_made_from_the_documented_examples_loads(
    tmp_path: Path, kind: str
) -> None:
    result, _rows = stage_reference(kind, [example_file(tmp_path, FORMATS[kind])])

    assert (result.rows_loaded, result.problems) == (1, [])


def test_a_force_extract_made_from_the_documented_examples_loads(tmp_path: Path) -> None:
    upload = example_file(tmp_path, FORMATS["force_extract"])

    result = stage_force_extract(
        [upload], force="west-midlands", import_id=1, today=date(2025, 6, 1)
    ).result

    assert (result.rows_loaded, result.problems) == (1, [])


def test_an_istv_file_made_from_the_documented_examples_loads(tmp_path: Path) -> None:
    upload = example_file(tmp_path, FORMATS["istv"])

    result = stage_istv([upload], import_id=1, today=date(2025, 6, 1)).result

    assert (result.rows_loaded, result.problems) == (1, [])


def test_the_istv_free_text_columns_are_marked_as_never_stored() -> None:
    never = [column.name for column in FORMATS["istv"].columns if not column.stored]

    assert never == ["Assault method other", "Assault location description"]
    for name in never:
        row = next(r for r in markdown(FORMATS["istv"]).splitlines() if r.startswith(f"| {name}"))
        assert re.search(r"never stores it", row)
