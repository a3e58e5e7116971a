"""Turn what a user uploads (CSV files, folders, police.uk's archive zip) into a list of CSV files.

police.uk's archive holds a folder per month (`2024-01/2024-01-west-midlands-street.csv`); each
file keeps its path inside the archive as its name, so a problem reads "line 12 of
2024-01/2024-01-west-midlands-street.csv". Archives are unpacked with care: no entry may land
outside the working folder, and an archive that would unpack to more than `MAX_UNPACKED_BYTES`
(or claims a compression ratio no CSV has) is refused before anything is written.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import IO

from vrhub.measures.ingest.report import ImportRefused, IncomingFile, RowProblem

# A national year of police.uk street files is about 1.3 GB; several years fit.
MAX_UNPACKED_BYTES = 20 * 1024**3
MAX_ENTRIES = 100_000
# CSV compresses well, but not a thousand times: a higher ratio is a zip bomb.
MAX_RATIO = 200


def _is_zip(file: IncomingFile) -> bool:
    # By name: a spreadsheet is a zip archive too, and must reach the importer to be refused.
    return file.name.lower().endswith(".zip") or file.path.suffix.lower() == ".zip"


def _wanted(name: str) -> bool:
    """CSV files, leaving out what archivers add (macOS resource forks, hidden files)."""
    parts = PurePosixPath(name).parts
    if not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return False
    return parts[-1].lower().endswith(".csv")


def _refuse(name: str, reason: str) -> ImportRefused:
    return ImportRefused(
        f"Nothing was imported: {name} cannot be unpacked. {reason}.",
        [RowProblem(name, None, reason, True)],
    )


def _unpack(file: IncomingFile, workdir: Path, number: int) -> list[IncomingFile]:
    target = (workdir / f"archive-{number}").resolve()
    try:
        archive = zipfile.ZipFile(file.path)
    except (zipfile.BadZipFile, OSError) as error:
        raise _refuse(file.name, "It is not a zip archive, or it is damaged") from error
    with archive:
        for entry in archive.infolist():
            inner = PurePosixPath(entry.filename.replace("\\", "/"))
            if inner.is_absolute() or ".." in inner.parts:
                raise _refuse(file.name, f"{entry.filename} would be unpacked outside its folder")
        entries = [e for e in archive.infolist() if not e.is_dir() and _wanted(e.filename)]
        if len(archive.infolist()) > MAX_ENTRIES:
            raise _refuse(file.name, f"It holds more than {MAX_ENTRIES:,} files")
        total = sum(e.file_size for e in entries)
        if total > MAX_UNPACKED_BYTES:
            raise _refuse(
                file.name, f"It would unpack to more than {MAX_UNPACKED_BYTES // 1024**3} GB"
            )
        for entry in entries:
            if entry.file_size > MAX_RATIO * max(entry.compress_size, 1) + 1024 * 1024:
                raise _refuse(file.name, f"{entry.filename} is compressed suspiciously well")
            if entry.flag_bits & 0x1:
                raise _refuse(file.name, "It is protected by a password")
        unpacked: list[IncomingFile] = []
        for entry in entries:
            inner = PurePosixPath(entry.filename.replace("\\", "/"))
            destination = (target / Path(*inner.parts)).resolve()
            if not destination.is_relative_to(target):
                raise _refuse(file.name, f"{entry.filename} would be unpacked outside its folder")
            destination.parent.mkdir(parents=True, exist_ok=True)
            # Copy no more than the archive says the entry holds, whatever the stream claims.
            with archive.open(entry) as source, destination.open("wb") as out:
                written = _copy_limited(source, out, entry.file_size)
            if written > entry.file_size:
                raise _refuse(file.name, f"{entry.filename} is larger than the archive says")
            unpacked.append(IncomingFile(name=str(inner), path=destination))
    return sorted(unpacked, key=lambda f: f.name)


def _copy_limited(source: IO[bytes], out: IO[bytes], limit: int) -> int:
    written = 0
    while True:
        chunk = source.read(min(1 << 20, limit + 1 - written))
        if not chunk:
            return written
        written += len(chunk)
        if written > limit:
            return written
        out.write(chunk)


def _walk(file: IncomingFile) -> list[IncomingFile]:
    found = []
    for path in sorted(file.path.rglob("*")):
        relative = path.relative_to(file.path).as_posix()
        if path.is_file() and _wanted(relative):
            found.append(IncomingFile(name=f"{file.name}/{relative}", path=path))
    return found


def expand(files: Sequence[IncomingFile], workdir: Path) -> list[IncomingFile]:
    """Every CSV in `files`: zip archives unpacked into `workdir`, folders walked; a file that
    is neither is passed on as it is (the importer says if it cannot read it)."""
    workdir.mkdir(parents=True, exist_ok=True)
    expanded: list[IncomingFile] = []
    for number, file in enumerate(files):
        if file.path.is_dir():
            expanded.extend(_walk(file))
        elif _is_zip(file):
            expanded.extend(_unpack(file, workdir, number))
        else:
            expanded.append(file)
    return expanded


def remove(workdir: Path) -> None:
    """Delete what `expand` unpacked."""
    shutil.rmtree(workdir, ignore_errors=True)
