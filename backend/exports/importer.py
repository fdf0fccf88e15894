"""Importing a board from a Lockstep JSON export or a long-layout CSV export.

A file is checked whole before anything is written; the first problem is reported with
where it is (the activity, or the CSV row) and nothing is created.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from backend.boards.service import ActivitySpec, create_board, is_key
from backend.domain.frameworks import FRAMEWORKS, Framework, get_framework
from backend.domain.rules import check_cell_group
from backend.errors import Invalid
from backend.exports.csv_export import LONG_COLUMNS, OLD_LONG_COLUMNS
from backend.exports.json_export import FORMAT
from backend.exports.safe import unguard
from backend.validation import (
    MAX_DESCRIPTION,
    MAX_RATIONALE,
    MAX_SOURCE_NAME,
    MAX_SOURCES_TEXT,
    MAX_TITLE,
)

MAX_IMPORT_BYTES = 2_000_000


@dataclass
class ImportSpec:
    title: str
    framework: str
    phases: list[str]
    functions: list[str]
    activities: list[ActivitySpec]
    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)  # names -> slots


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{where}: a name is missing")
    return " ".join(value.split())


def _slots(framework: Framework, letters: str, where: str) -> str:
    try:
        return framework.to_slots(letters)
    except ValueError as exc:
        raise Invalid(f"{where}: {exc}") from None


def _check_published(spec: ImportSpec, framework: Framework) -> None:
    """A published version was agreed: a pair with two owners (or DACI drivers) cannot be."""
    names = {f: f for f in spec.functions}
    for a in spec.activities:
        for p in spec.phases:
            row = {f: spec.cells.get((a.name, p, f), "") for f in spec.functions}
            status = check_cell_group(framework, row, names)
            for finding in status.findings:
                if finding.code in ("many-owners", "many-drivers"):
                    raise Invalid(
                        f"{a.name} · {p}: {finding.message} — not allowed in a published version"
                    )


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_IMPORT_BYTES:
        raise Invalid(f"The file is too large ({len(raw):,} bytes; at most {MAX_IMPORT_BYTES:,})")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(f"The file is not UTF-8 text (byte {exc.start})") from None


def parse_json(raw: bytes) -> ImportSpec:
    try:
        data = json.loads(_decode(raw))
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise Invalid("Not a Lockstep board export: the JSON is nested far too deeply") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid(f'Not a Lockstep board export (expected "format": "{FORMAT}")')
    try:
        framework = get_framework(str(data.get("framework", "")))
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    phases = [_name(p, f"phases[{i}]") for i, p in enumerate(_list(data, "phases"))]
    functions = [_name(f, f"functions[{i}]") for i, f in enumerate(_list(data, "functions"))]
    spec = ImportSpec(
        title=_name(data.get("title"), "title"),
        framework=framework.key,
        phases=phases,
        functions=functions,
        activities=[],
    )
    for i, a in enumerate(_list(data, "activities")):
        if not isinstance(a, dict):
            raise Invalid(f"activities[{i}]: expected an object")
        name = _name(a.get("name"), f"activities[{i}]")
        where = f"activities[{i}] ({name})"
        spec.activities.append(
            ActivitySpec(
                name,
                _text(a, "description", MAX_DESCRIPTION, where),
                _sources(a.get("sources"), where),
                _text(a, "rationale", MAX_RATIONALE, where),
                _key(a.get("key"), where),
            )
        )
        cells = a.get("cells") or {}
        if not isinstance(cells, dict):
            raise Invalid(f"{where}: cells must map phase -> function -> letters")
        for phase, row in cells.items():
            if phase not in phases:
                raise Invalid(f"{where}: unknown phase {phase!r}")
            if not isinstance(row, dict):
                raise Invalid(f"{where} · {phase}: expected function -> letters")
            for function, letters in row.items():
                if function not in functions:
                    raise Invalid(f"{where} · {phase}: unknown function {function!r}")
                if not isinstance(letters, str):
                    raise Invalid(f"{where} · {phase} · {function}: letters must be text")
                spec.cells[(name, phase, function)] = _slots(
                    framework, letters, f"{where} · {phase} · {function}"
                )
    if "version" in data:
        _check_published(spec, framework)
    return spec


def _text(item: dict[str, Any], key: str, max_len: int, where: str) -> str:
    value = item.get(key) or ""
    if not isinstance(value, str):
        raise Invalid(f"{where}: {key} must be text")
    if len(value) > max_len:
        raise Invalid(
            f"{where}: {key} is too long ({len(value):,} characters; at most {max_len:,})"
        )
    return value


def _sources(value: Any, where: str) -> tuple[str, ...]:
    sources = value or []
    if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources):
        raise Invalid(f"{where}: sources must be a list of file names")
    for name in sources:
        if len(name) > MAX_SOURCE_NAME or not name.strip() or "\n" in name or "\r" in name:
            raise Invalid(
                f"{where}: a source must be a file name of 1 to {MAX_SOURCE_NAME} characters "
                "on one line"
            )
    if len("\n".join(sources)) > MAX_SOURCES_TEXT:
        raise Invalid(f"{where}: too many sources (at most {MAX_SOURCES_TEXT:,} characters)")
    return tuple(sources)


def _key(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not is_key(value):
        raise Invalid(
            f"{where}: key must be 1 to 40 letters, digits, '-' or '_' (the activity's lineage key)"
        )
    return str(value)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise Invalid(f"{key}: expected a list")
    return value


def parse_csv(
    raw: bytes, *, title: str | None = None, fallback: str = "Imported board"
) -> ImportSpec:
    """A long CSV export. Its rows name the board and version they come from (older exports
    lack those columns); a file of several, concatenated, is refused: import one at a time.
    The board's title is ``title``, else the one the rows name, else ``fallback``."""
    text = _decode(raw)
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = tuple(reader.fieldnames or ())
    except csv.Error as exc:
        raise Invalid(_csv_problem(reader, exc)) from None
    if header not in (LONG_COLUMNS, OLD_LONG_COLUMNS):
        raise Invalid(
            f"Row 1: expected the columns {', '.join(LONG_COLUMNS)} (the long CSV export); got {', '.join(header) or 'none'}"
        )
    source: tuple[str, str] | None = None
    by_label = {f.label.lower(): f for f in FRAMEWORKS.values()}
    framework: Framework | None = None
    phases: list[str] = []
    functions: list[str] = []
    activities: dict[str, ActivitySpec] = {}
    cells: dict[tuple[str, str, str], str] = {}
    for n, row in enumerate(_rows(reader), start=2):
        if None in row or any(v is None for v in row.values()):
            raise Invalid(f"Row {n}: expected {len(header)} columns")
        here = (unguard(row.get("board", "")).strip(), unguard(row.get("version", "")).strip())
        if source is not None and here != source:
            raise Invalid(
                f"Row {n}: from another board or version ({_source(here)}, not {_source(source)} "
                "as above); import one board or version at a time"
            )
        source = here
        fw = by_label.get(row["framework"].strip().lower())
        if fw is None:
            raise Invalid(f"Row {n}: unknown framework {row['framework']!r}")
        if framework is not None and fw is not framework:
            raise Invalid(f"Row {n}: framework {fw.label} differs from {framework.label} above")
        framework = fw
        a, p, f = (" ".join(unguard(row[k]).split()) for k in ("activity", "phase", "function"))
        if not (a and p and f):
            raise Invalid(f"Row {n}: activity, phase and function are required")
        if (a, p, f) in cells:
            raise Invalid(f"Row {n}: {a} · {p} · {f} appears twice")
        activities.setdefault(a, ActivitySpec(a))
        if p not in phases:
            phases.append(p)
        if f not in functions:
            functions.append(f)
        cells[(a, p, f)] = _slots(fw, row["letters"], f"Row {n}")
    if framework is None or source is None:
        raise Invalid("The file has no rows")
    named = " ".join(source[0].split())[:MAX_TITLE]
    return ImportSpec(
        title=title or named or fallback,
        framework=framework.key,
        phases=phases,
        functions=functions,
        activities=list(activities.values()),
        cells=cells,
    )


def _source(board_version: tuple[str, str]) -> str:
    return " · ".join(x for x in board_version if x) or "unnamed"


def _csv_problem(reader: csv.DictReader[str], exc: csv.Error) -> str:
    line = reader.line_num + 1  # the line being read when it failed
    if "field larger than field limit" in str(exc):
        return f"Line {line}: a field is longer than {csv.field_size_limit():,} characters"
    if "new-line character" in str(exc):
        return f"Line {line}: a line break inside a field that is not in quotes"
    return f"Line {line}: not readable as CSV ({exc})"


def _rows(reader: csv.DictReader[str]) -> Iterator[dict[str, Any]]:
    """The reader's rows; a malformed line is reported with its number."""
    try:
        yield from reader
    except csv.Error as exc:
        raise Invalid(_csv_problem(reader, exc)) from None


def parse_upload(raw: bytes, filename: str, *, title: str | None = None) -> ImportSpec:
    """A JSON export or a long CSV export, told apart by name or, failing that, content."""
    looks_json = filename.lower().endswith(".json") or raw.lstrip(
        b"\xef\xbb\xbf \r\n\t"
    ).startswith(b"{")
    if looks_json:
        spec = parse_json(raw)
        if title:
            spec.title = title
        return spec
    return parse_csv(raw, title=title, fallback=filename.rsplit(".", 1)[0] or "Imported board")


def create_from_spec(session, spec: ImportSpec):  # type: ignore[no-untyped-def]
    return create_board(
        session,
        title=spec.title,
        framework=spec.framework,
        phases=spec.phases,
        functions=spec.functions,
        activities=spec.activities,
        cells=spec.cells,
    )
