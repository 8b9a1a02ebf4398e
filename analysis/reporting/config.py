"""Load and validate ``reports.yml``: which notebooks run on which event table, with which
parameters.

The file is a YAML list of report sets::

    - name: seed                        # directory name under the output directory
      title: Iran-aligned militias and the US-led coalition, from five news articles
      description: optional text for the index page
      events: data/processed/events.csv   # relative to the directory of reports.yml
      notebooks: [notebooks/02_response_lags.ipynb]   # optional; default all notebooks
      parameters: {side_a: IRAN_ALIGNED, side_b: US_COALITION, window_days: 7}

Every value is checked against the literal of the same name in the ``parameters`` cell of
each notebook that declares it, before any kernel starts, so that a typo fails in a second
with the set and the field named rather than after minutes of computing. The dyad
parameters (``side_a``, ``side_b``, ``types_a``, ``types_b``, ``start``, ``end``, as given
or as the notebooks' defaults) are also checked against the set's event table: an unknown
side or type is refused with the valid values and their counts listed.

YAML reads some unquoted words as other types (``NO`` is the boolean ``False``, ``010`` is
the integer ``8``). Such a value cannot be turned back into the text that was typed, so a
string-typed parameter that arrives as a boolean or a number is rejected with a message
asking for quotes. Unquoted dates (``2024-01-31``) are accepted for string parameters: they
convert back to the same ISO text without loss.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import gzip
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import UsageError
from analysis.models.selection import Vocabulary, selection_problems, vocabulary_of
from analysis.present.labels import missing_labels

#: Parameters the driver sets itself; a report set may not give them.
DRIVER_PARAMETERS = ("events_path", "results_path")
#: Parameters holding side codes (always text).
SIDE_PARAMETERS = ("side_a", "side_b")
#: Parameters holding ISO dates (text ``YYYY-MM-DD`` or null for an open end).
DATE_PARAMETERS = ("start", "end")
#: Parameters holding event types or subtypes (a list; one text is read as a one-item list).
TYPE_PARAMETERS = ("types_a", "types_b")
#: Parameters checked against the set's event table: names must exist there.
SELECTION_PARAMETERS = ("side_a", "side_b", "types_a", "types_b", "start", "end")
#: Columns read from the event table to check the selection parameters.
_VOCABULARY_COLUMNS = ("actor1_side", "actor2_side", "event_type", "sub_event_type")
#: Vocabularies of the tables read in this process, keyed by their files' paths and stats.
_VOCABULARIES: dict[tuple, Vocabulary] = {}
_MESSAGE_FIELD = re.compile(r"^(side_a|side_b|types_a|types_b|start|end): ")
SET_FIELDS = ("name", "title", "description", "events", "notebooks", "parameters", "labels")
#: The parameter through which a notebook receives the set's ``labels`` (when it declares it).
LABELS_PARAMETER = "labels"
DEFAULT_NOTEBOOKS = "notebooks/[0-9][0-9]_*.ipynb"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible unquoted date (``2024-02-30``) as its text, so
    that validation can name the field instead of YAML failing with a bare ValueError."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass(frozen=True)
class ReportSet:
    """One validated report set.

    ``notebook_parameters`` maps each notebook path to the parameters it receives (those
    it declares, converted to the type of its literal), without the driver's own
    ``events_path`` and ``results_path``.
    """

    name: str
    title: str
    description: str
    events: Path
    events_text: str
    notebooks: tuple[Path, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    notebook_parameters: dict[Path, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def read_parameters_cell(path: Path) -> dict[str, Any]:
    """Return the literals assigned in the cell tagged ``parameters`` of notebook ``path``.

    Raises
    ------
    ValueError
        When the notebook has no such cell or a value there is not a literal.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        literals: dict[str, Any] = {}
        for node in ast.parse(source).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name):
                try:
                    literals[target.id] = ast.literal_eval(value)
                except ValueError as err:
                    raise ValueError(f"{target.id} is not a literal") from err
        return literals
    raise ValueError("no code cell tagged 'parameters'")


def load_config(path: str | Path, only: Iterable[str] | None = None) -> list[ReportSet]:
    """Read and validate a ``reports.yml``.

    Parameters
    ----------
    path
        The YAML file. Relative paths inside it are relative to its directory.
    only
        Names of the sets to validate fully and return; ``None`` for all. The structure of
        every set (and the uniqueness of names) is checked in any case.

    Returns
    -------
    The selected sets, in file order.

    Raises
    ------
    UsageError
        Listing every problem found, each naming the report set and the field.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: configuration file not found")
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader: builds no objects
    except yaml.YAMLError as err:
        raise UsageError(f"{path}: not valid YAML: {err}") from err
    if not isinstance(data, list) or not data:
        raise UsageError(f"{path}: expected a non-empty list of report sets")
    raw = _raw_parameter_text(root)
    errors: list[str] = []
    names = _check_names(data, errors)
    wanted = set(names) if only is None else set(only)
    for unknown in sorted(wanted - set(names)):
        errors.append(f"--only {unknown}: no report set of that name (known: {', '.join(names)})")
    sets = []
    for index, entry in enumerate(data):
        label = f"set {names[index]!r}" if names[index] else f"set #{index + 1}"
        problems: list[str] = []
        if not isinstance(entry, dict):
            errors.append(f"{label}: expected a mapping with name, title, events, parameters")
            continue
        _check_structure(entry, problems)
        if not problems and names[index] in wanted:
            report_set = _validate(entry, path.parent, raw.get(index, {}), problems)
            if not problems:
                sets.append(report_set)
        errors.extend(f"{label}: {p}" for p in problems)
    if errors:
        raise UsageError(f"{path}:\n  " + "\n  ".join(errors))
    return sets


def _check_names(data: list, errors: list[str]) -> list[str]:
    names = []
    for index, entry in enumerate(data):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not _NAME.match(name):
            errors.append(
                f"set #{index + 1}: field 'name': {name!r} is not a valid name "
                "(lower-case letters, digits, '-' and '_'; it becomes a directory name)"
            )
            name = ""
        elif name in names:
            errors.append(f"set {name!r}: field 'name': used by more than one report set")
        names.append(name)
    return names


def _check_structure(entry: dict, problems: list[str]) -> None:
    for key in entry:
        if key not in SET_FIELDS:
            problems.append(f"field {key!r}: unknown field (known: {', '.join(SET_FIELDS)})")
    for key in ("title", "events"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(f"field {key!r}: required text is missing")
    if not isinstance(entry.get("description", ""), str):
        problems.append("field 'description': must be text")
    notebooks = entry.get("notebooks")
    if notebooks is not None and (
        not isinstance(notebooks, list) or not all(isinstance(n, str) for n in notebooks)
    ):
        problems.append("field 'notebooks': must be a list of notebook paths")
    if not isinstance(entry.get("parameters", {}), dict):
        problems.append("field 'parameters': must be a mapping of name -> value")
    labels = entry.get("labels", {})
    if not isinstance(labels, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in labels.items()
    ):
        problems.append(
            "field 'labels': must map side codes to plain names, e.g. "
            'labels: {INSURGENTS: "Insurgent groups"}'
        )


def _validate(entry: dict, base: Path, raw: Mapping[str, str], problems: list[str]) -> ReportSet:
    events = base / entry["events"]
    if not events.exists():
        problems.append(f"field 'events': event table not found: {events}")
    notebooks = _notebook_paths(entry.get("notebooks"), base, problems)
    declared: dict[Path, dict[str, Any]] = {}
    for notebook in notebooks:
        try:
            declared[notebook] = read_parameters_cell(notebook)
        except (ValueError, SyntaxError, json.JSONDecodeError) as err:
            problems.append(f"field 'notebooks': {notebook.name}: {err}")
    parameters = dict(entry.get("parameters") or {})
    per_notebook: dict[Path, dict[str, Any]] = {nb: {} for nb in declared}
    for name, value in parameters.items():
        where = f"field 'parameters.{name}'"
        if name in DRIVER_PARAMETERS:
            problems.append(f"{where}: set by the report driver; remove it")
            continue
        users = [nb for nb, literals in declared.items() if name in literals]
        if not users:
            problems.append(
                f"{where}: no notebook of the set declares this parameter "
                f"(notebooks: {', '.join(nb.name for nb in declared) or 'none'})"
            )
            continue
        for notebook in users:
            try:
                per_notebook[notebook][name] = _convert(
                    name, value, declared[notebook][name], raw.get(name)
                )
            except ValueError as err:
                problems.append(f"{where}: {err} (parameters cell of {notebook.name})")
                break
    _check_period(parameters, problems)
    labels = {k: v.strip() for k, v in (entry.get("labels") or {}).items()}
    if LABELS_PARAMETER in parameters:
        problems.append(f"field 'parameters.{LABELS_PARAMETER}': give labels as the set's 'labels'")
    for notebook, literals in declared.items():
        if LABELS_PARAMETER in literals:
            per_notebook[notebook][LABELS_PARAMETER] = dict(labels)
    if not problems:
        _check_against_table(events, declared, per_notebook, parameters, problems)
    # A side the table does not hold is reported as such, not as a side without a name.
    if not problems:
        _check_labels(parameters, labels, problems)
    return ReportSet(
        name=entry["name"],
        title=entry["title"],
        description=entry.get("description", "") or "",
        events=events,
        events_text=entry["events"],
        notebooks=tuple(notebooks),
        parameters={k: _plain(v) for k, v in parameters.items()},
        notebook_parameters=per_notebook,
        labels=labels,
    )


def _check_labels(parameters: Mapping[str, Any], labels: Mapping[str, str], problems: list[str]):
    # Pages show plain names, never codes: every side a set names needs a label, from the
    # vocabulary (data/lexicon/sides.csv) or from the set's own 'labels'.
    codes = [parameters[n] for n in SIDE_PARAMETERS if isinstance(parameters.get(n), str)]
    for name, value in parameters.items():
        if name.startswith("types_") and isinstance(value, list):
            # Event types are words already; only a SIDE:subtype key carries a side code.
            codes += [v for v in value if isinstance(v, str) and ":" in v]
    for code in missing_labels(codes, labels):
        problems.append(
            f"field 'labels': side {code.partition(':')[0]!r} has no plain name; add "
            f'labels: {{{code.partition(":")[0]}: "..."}} to the set or a label to '
            "data/lexicon/sides.csv"
        )


def _check_against_table(
    events: Path,
    declared: Mapping[Path, Mapping[str, Any]],
    per_notebook: Mapping[Path, Mapping[str, Any]],
    given: Mapping[str, Any],
    problems: list[str],
) -> None:
    """Check the dyad parameters each notebook will run with against the event table."""
    runs: dict[str, tuple[dict[str, Any], Path]] = {}
    for notebook, literals in declared.items():
        if not all(name in literals for name in SIDE_PARAMETERS):
            continue
        values = {
            name: per_notebook[notebook].get(name, literals.get(name))
            for name in SELECTION_PARAMETERS
        }
        runs.setdefault(json.dumps(values, sort_keys=True, default=str), (values, notebook))
    if not runs:
        return
    try:
        vocabulary = table_vocabulary(events)
    except (OSError, ValueError, KeyError, csv.Error) as err:
        problems.append(f"field 'events': cannot read the event table {events}: {err}")
        return
    if vocabulary is None:
        return
    seen: set[str] = set()
    for values, notebook in runs.values():
        _, found = selection_problems(vocabulary, **values)
        for message in found:
            match = _MESSAGE_FIELD.match(message)
            if match is None:
                text = f"field 'parameters': {message}"
            else:
                name = match.group(1)
                text = f"field 'parameters.{name}': {message[match.end() :]}"
                if name not in given:
                    text += f" (the default of {notebook.name}; give {name} in the set)"
            if text not in seen:
                seen.add(text)
                problems.append(text)


def table_vocabulary(events: Path) -> Vocabulary | None:
    """Sides, event types and subtypes of the event table at ``events`` (CSV, possibly
    gzipped, a Parquet file or a Parquet dataset directory), read without pandas and
    remembered while the file is unchanged: every set on a table is checked at each build.
    ``None`` when the table has no side columns (the report driver's header check names
    every missing column).
    """
    files = sorted(events.rglob("*.parquet")) if events.is_dir() else [events]
    key = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if key not in _VOCABULARIES:
        columns = (
            _parquet_columns(files)
            if events.is_dir() or events.suffix == ".parquet"
            else (_csv_columns(events))
        )
        if columns.get("actor1_side") is None or columns.get("actor2_side") is None:
            return None
        _VOCABULARIES[key] = vocabulary_of(*(columns.get(c) for c in _VOCABULARY_COLUMNS))
    return _VOCABULARIES[key]


def _parquet_columns(files: list[Path]) -> dict[str, list | None]:
    # pyarrow is loaded lazily: only the check of a set against a Parquet table needs it,
    # and reading columns without pandas metadata keeps pandas (a second to import) out.
    import pyarrow.parquet as pq

    out: dict[str, list | None] = {}
    for path in files:
        handle = pq.ParquetFile(path)
        names = [c for c in _VOCABULARY_COLUMNS if c in handle.schema_arrow.names]
        table = handle.read(columns=names, use_pandas_metadata=False)
        for column in _VOCABULARY_COLUMNS:
            if column in names:
                out[column] = (out.get(column) or []) + table.column(column).to_pylist()
            elif out.get(column) is not None:
                out[column] = out[column] + [None] * table.num_rows
    return out


def _csv_columns(path: Path) -> dict[str, list | None]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        present = [c for c in _VOCABULARY_COLUMNS if c in (reader.fieldnames or [])]
        out: dict[str, list | None] = {c: [] for c in present}
        for row in reader:
            for column in present:
                out[column].append(row[column])
    return out


def _notebook_paths(listed: list[str] | None, base: Path, problems: list[str]) -> list[Path]:
    if listed is None:
        found = sorted(base.glob(DEFAULT_NOTEBOOKS))
        if not found:
            problems.append(f"field 'notebooks': no notebook matches {base / DEFAULT_NOTEBOOKS}")
        return found
    paths = []
    for item in listed:
        path = base / item
        if path.suffix != ".ipynb" or not path.is_file():
            problems.append(f"field 'notebooks': notebook not found: {path}")
        elif path in paths:
            problems.append(f"field 'notebooks': {item} is listed twice")
        else:
            paths.append(path)
    if not listed:
        problems.append("field 'notebooks': the list is empty")
    return paths


def _convert(name: str, value: Any, literal: Any, raw: str | None) -> Any:
    """Convert ``value`` to the type of the notebook's ``literal``; raise ValueError if it
    cannot be done without loss."""
    typed = f"the unquoted YAML value {raw}" if raw is not None else f"the value {value!r}"
    if name in SIDE_PARAMETERS and not isinstance(value, str):
        raise ValueError(
            f"side codes are text, but {typed} was read as {_kind(value)}; "
            f'quote it: {name}: "{raw if raw is not None else value}"'
        )
    if name in DATE_PARAMETERS:
        return _date_text(name, value, literal, typed)
    if name in TYPE_PARAMETERS and isinstance(literal, list | tuple):
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(v, str) for v in items):
            return list(items)
        raise ValueError(
            f"expected a list of event types or subtypes (text), got {_kind(value)} {value!r}; "
            'quote each: ["Air/drone strike"]'
        )
    if literal is None:
        return _plain(value)
    if isinstance(literal, str):
        if isinstance(value, str):
            return value
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        raise ValueError(
            f"expected text, but {typed} was read as {_kind(value)}; "
            f'quote it: {name}: "{raw if raw is not None else value}"'
        )
    if isinstance(literal, bool):
        if isinstance(value, bool):
            return value
        raise ValueError(f"expected true or false, got {_kind(value)} {value!r}")
    if isinstance(literal, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValueError(f"expected a whole number, got {_kind(value)} {value!r}")
    if isinstance(literal, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise ValueError(f"expected a number, got {_kind(value)} {value!r}")
    if isinstance(literal, list | tuple):
        if isinstance(value, list):
            return _plain(value)
        raise ValueError(f"expected a list, got {_kind(value)} {value!r}")
    if isinstance(literal, dict):
        if isinstance(value, dict):
            return _plain(value)
        raise ValueError(f"expected a mapping, got {_kind(value)} {value!r}")
    raise ValueError(f"the notebook's literal has an unsupported type {type(literal).__name__}")


def _date_text(name: str, value: Any, literal: Any, typed: str) -> str | None:
    if value is None or value == "":
        # An open end: pass the notebook's own spelling of "no bound" ("" or None).
        if literal in (None, ""):
            return literal
        raise ValueError("expected an ISO date (YYYY-MM-DD); this notebook needs one")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError(
        f"expected an ISO date (YYYY-MM-DD) or an empty value, but {typed} is not a valid date"
    )


def _check_period(parameters: Mapping[str, Any], problems: list[str]) -> None:
    bounds = []
    for name in DATE_PARAMETERS:
        value = parameters.get(name)
        if isinstance(value, dt.date):
            bounds.append(value if not isinstance(value, dt.datetime) else value.date())
        elif isinstance(value, str) and _ISO_DATE.match(value):
            try:
                bounds.append(dt.date.fromisoformat(value))
            except ValueError:
                return
        else:
            return
    if bounds[0] > bounds[1]:
        problems.append(f"field 'parameters.start': {bounds[0]} is after end {bounds[1]}")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _raw_parameter_text(root: yaml.Node | None) -> dict[int, dict[str, str]]:
    """Map set index -> parameter name -> the scalar text as typed in the file, so that
    messages can quote ``010`` rather than the ``8`` YAML turned it into."""
    found: dict[int, dict[str, str]] = {}
    if not isinstance(root, yaml.SequenceNode):
        return found
    for index, entry in enumerate(root.value):
        if not isinstance(entry, yaml.MappingNode):
            continue
        for key, value in entry.value:
            if key.value == "parameters" and isinstance(value, yaml.MappingNode):
                found[index] = {
                    k.value: v.value
                    for k, v in value.value
                    if isinstance(v, yaml.ScalarNode) and not v.style
                }
    return found
