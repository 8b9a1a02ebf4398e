"""Report sets: run every notebook of every report set and render offline HTML.

Steps: validate ``reports.yml`` (exit 2 on any problem, before a kernel starts); compute
each report's cache key and skip those that did not change; run the rest in parallel
worker processes; write ``OUT/index.html``. Exit status 1 when a notebook failed (after
everything else was rendered).

The modules of this package import only the standard library at the top; nbconvert,
papermill and jinja2 load lazily where they are used, so that a build with nothing to do
takes well under a second.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import UsageError
from analysis.files import replace_files
from analysis.reporting import cache, execute, ordering, provenance
from analysis.reporting.config import DRIVER_PARAMETERS, ReportSet, load_config
from analysis.reporting.config import read_parameters_cell as _declared
from analysis.reporting.execute import Job
from analysis.reporting.index import (
    IndexRow,
    IndexSet,
    notebook_title,
    read_finding,
    read_headline,
    render_index,
    sides_text,
)

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCK_FILE = PACKAGE_DIR.parent / "requirements.lock"
INDEX_STATE = "index.json"


def build_reports(
    config: Path,
    out: Path,
    only: Sequence[str] | None = None,
    workers: int | None = None,
    force: bool = False,
) -> int:
    """Build the reports; 0 when all succeeded, 1 when any notebook failed."""
    if workers is not None and workers < 1:
        raise UsageError(f"--jobs: expected a positive number of workers, got {workers}")
    config = Path(config).resolve()
    out = Path(out).resolve()
    sets = load_config(config, only=only)
    plan = plan_build(sets, out, force=force)
    todo = [item for item in plan if not item["fresh"]]
    _refuse_overwrite(plan, config, out)
    # A late notebook (the brief) may run though it looked fresh: check every table it may read.
    _check_event_tables({item["set"].events for item in plan if not item["fresh"]})
    outcomes: dict[str, Any] = {}
    files: dict[Path, bytes] = {}
    obsolete: list[Path] = []
    (out / ".cache").mkdir(parents=True, exist_ok=True)
    # Every page, results file and record is first written here; all of them and the index
    # then replace the previous build's files together (analysis.io.replace_files).
    staging = Path(tempfile.mkdtemp(dir=out / ".cache", prefix="staging-"))
    try:
        # Notebooks that read their siblings' results (the brief) run after them, on the
        # results of this build (staged) and of the unchanged reports, on the same workers.
        late = sum(ordering.is_late(item["notebook"]) for item in plan)
        workers = workers or execute.default_workers()
        with execute.WorkerPool(workers, out / ".cache" / "kernels.log") as pool:
            for number, phase in enumerate(ordering.phases(plan, force, staging)):
                todo = [item for item in phase if not item["fresh"]]
                if todo:
                    unchanged = len(phase) - len(todo)
                    ran = _run(
                        todo,
                        config,
                        out,
                        staging,
                        files,
                        obsolete,
                        workers,
                        unchanged,
                        pool=pool,
                        warm=late if number == 0 else 0,
                    )
                    outcomes.update(ran)
        if not outcomes:
            print(
                f"escalation reports: all {len(plan)} reports unchanged (--force rebuilds them)",
                file=sys.stderr,
            )
        rows = index_rows(plan, outcomes)
        files.update(index_files(out, config, rows))
        replace_files(files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for path in obsolete:
        path.unlink(missing_ok=True)
    failed = [o.label for o in outcomes.values() if o.status != "ok"]
    # A failure whose inputs did not change is not rerun, but it is still a failure.
    failed += [i["label"] for i in plan if i["fresh"] and i["stored"].get("status") != "ok"]
    if failed:
        print(
            f"escalation reports: {len(failed)} report(s) failed: " + ", ".join(failed),
            file=sys.stderr,
        )
    print(f"escalation reports: {out / 'index.html'}", file=sys.stderr)
    return 1 if failed else 0


def _run(
    todo: Sequence[dict[str, Any]],
    config: Path,
    out: Path,
    staging: Path,
    files: dict[Path, bytes],
    obsolete: list[Path],
    workers: int | None = None,
    unchanged: int = 0,
    pool: execute.WorkerPool | None = None,
    warm: int = 0,
) -> dict[str, Any]:
    """Run the reports of ``todo`` into ``staging``; fill ``files`` with what replaces what.
    With ``pool`` they run on its workers, which then start ``warm`` kernels for the next
    phase.

    A report that fails while an earlier build left a good page keeps that page and its
    results: the failure's page goes to ``<notebook>.failed.html`` and the report is
    marked ``stale`` in the index, with the error beside it.
    """
    facts = provenance.collect(config.parent).as_dict()
    jobs = [_job(item, facts, staging) for item in todo]
    workers = workers or execute.default_workers()
    print(
        f"escalation reports: {len(jobs)} to build on {min(workers, len(jobs))} "
        f"worker(s), {unchanged} unchanged",
        file=sys.stderr,
    )
    outcomes: dict[str, Any] = {}
    results = execute.run_jobs(
        jobs,
        workers,
        execute.print_progress,
        log_path=out / ".cache" / "kernels.log",
        pool=pool,
        warm=warm,
    )
    for item, job, outcome in zip(todo, jobs, results, strict=True):
        failed_page = item["html"].with_name(item["html"].stem + ".failed.html")
        page = job.html_path.read_bytes() if job.html_path.is_file() else None
        if outcome.status == "ok":
            files[item["html"]] = page
            item["has_page"] = True
            item["headline_from"] = job.results_path
            if job.results_path.is_file():
                files[item["results"]] = job.results_path.read_bytes()
            else:
                obsolete.append(item["results"])
            obsolete.append(failed_page)
        elif _has_good_page(item):
            if page is not None:
                files[failed_page] = page
            outcome = dataclasses.replace(
                outcome,
                status="stale",
                error=f"{outcome.error} (last good page kept; this build's page: "
                f"{failed_page.name})",
            )
        else:
            if page is not None:
                files[item["html"]] = page
            item["has_page"] = page is not None
            item["headline_from"] = None
            obsolete.append(item["results"])
        files[item["record"]] = cache.record_text(
            item["key"], outcome.status, outcome.seconds, outcome.error
        ).encode("utf-8")
        outcomes[item["label"]] = outcome
    return outcomes


#: Columns every report notebook reads from its event table.
REQUIRED_EVENT_COLUMNS = ("event_id", "event_date", "actor1_side", "actor2_side")


def _check_event_tables(paths: set[Path]) -> None:
    """``UsageError`` naming the table and the missing columns, before any kernel starts."""
    for path in sorted(paths):
        columns = _event_columns(Path(path))
        missing = [c for c in REQUIRED_EVENT_COLUMNS if c not in columns]
        if missing:
            raise UsageError(
                f"{path} line 1, field header: missing column(s) {', '.join(missing)}; "
                f"the reports need {', '.join(REQUIRED_EVENT_COLUMNS)}"
            )


def _event_columns(path: Path) -> list[str]:
    try:
        if path.is_dir() or path.suffix == ".parquet":
            # Loaded lazily on purpose: only Parquet tables need it.
            import pyarrow.dataset as ds

            return list(ds.dataset(path, format="parquet", partitioning="hive").schema.names)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as err:
        raise UsageError(f"{path}: cannot read the event table ({err})") from None


def _has_good_page(item: Mapping[str, Any]) -> bool:
    """Whether the page and results on disk come from a build that succeeded."""
    return (
        item["stored"].get("status") in ("ok", "stale")
        and item["html"].is_file()
        and item["results"].is_file()
    )


def _refuse_overwrite(plan: Sequence[Mapping[str, Any]], config: Path, out: Path) -> None:
    """``UsageError`` when an output of the build would replace one of its inputs."""
    inputs = {config.resolve()}
    for item in plan:
        inputs.add(Path(item["notebook"]).resolve())
        events = Path(item["set"].events).resolve()
        inputs.add(events)
    outputs = [out / "index.html", out / ".cache" / INDEX_STATE]
    for item in plan:
        outputs += [item["html"], item["results"], item["record"]]
    for path in outputs:
        target = path.resolve()
        hit = next(
            (i for i in inputs if target == i or (i.is_dir() and target.is_relative_to(i))), None
        )
        if hit is not None:
            raise UsageError(
                f"--out {out}: the output {path} would replace the input {hit}; "
                "choose another output directory"
            )


def plan_build(sets: Sequence[ReportSet], out: Path, force: bool) -> list[dict[str, Any]]:
    """One entry per notebook of each set: paths, parameters, cache key and freshness."""
    code = cache.code_digest(PACKAGE_DIR, LOCK_FILE)
    plan = []
    for report_set in sets:
        events_digest = cache.tree_digest(report_set.events)
        for notebook in report_set.notebooks:
            parameters = report_set.notebook_parameters[notebook]
            shown = _shown_parameters(notebook, parameters, report_set.events_text)
            key = cache.report_key(
                notebook,
                {"parameters": parameters, "shown": shown, "title": report_set.title},
                events_digest,
                code,
            )
            html = out / report_set.name / f"{notebook.stem}.html"
            record = cache.record_path(out, report_set.name, notebook.stem)
            plan.append(
                {
                    "label": f"{report_set.name}/{notebook.stem}",
                    "set": report_set,
                    "notebook": notebook,
                    "parameters": parameters,
                    "shown": shown,
                    "events_digest": events_digest,
                    "key": key,
                    "html": html,
                    "results": out / report_set.name / f"{notebook.stem}.results.json",
                    "record": record,
                    "fresh": not force and cache.is_fresh(record, key, [html]),
                    "stored": cache.read_record(record),
                }
            )
    return plan


def _shown_parameters(
    notebook: Path, parameters: Mapping[str, Any], events_text: str
) -> dict[str, Any]:
    # The page shows every effective parameter: the notebook's defaults overridden by the
    # report set, with the event table as written in reports.yml (not a machine path).
    shown: dict[str, Any] = {"events": events_text}
    for name, value in _declared(notebook).items():
        if name not in DRIVER_PARAMETERS:
            shown[name] = parameters.get(name, value)
    return shown


def _job(item: Mapping[str, Any], facts: Mapping[str, Any], staging: Path) -> Any:

    report_set: ReportSet = item["set"]
    folder = staging / report_set.name
    folder.mkdir(parents=True, exist_ok=True)
    return Job(
        set_name=report_set.name,
        set_title=report_set.title,
        notebook=item["notebook"],
        parameters=item["parameters"],
        events_path=report_set.events.resolve(),
        events_text=report_set.events_text,
        events_sha256=item["events_digest"],
        html_path=folder / item["html"].name,
        results_path=folder / item["results"].name,
        provenance=facts,
        shown_parameters=item["shown"],
    )


def index_rows(plan: Sequence[Mapping[str, Any]], outcomes: Mapping[str, Any]) -> list[dict]:
    """The index entries of this build, grouped by set in reading order (plain dicts)."""

    grouped: dict[str, dict] = {}
    for item in plan:
        report_set: ReportSet = item["set"]
        entry = grouped.setdefault(
            report_set.name,
            {
                "name": report_set.name,
                "title": report_set.title,
                "description": report_set.description,
                "events": report_set.events_text,
                "parameters": [
                    [k, v if isinstance(v, str) else json.dumps(v)]
                    for k, v in report_set.parameters.items()
                ],
                "sides": sides_text(report_set.parameters, report_set.labels),
                "rows": [],
            },
        )
        outcome = outcomes.get(item["label"])
        stored = item["stored"]
        if outcome is not None:
            status, error = outcome.status, outcome.error
        elif stored.get("status", "ok") == "ok":
            status, error = "skipped-unchanged", ""
        else:
            status = "stale" if stored.get("status") == "stale" else "failed"
            error = f"{stored.get('error', '')} (unchanged since the last build)"
        html: Path = item["html"]
        has_page = item.get("has_page", html.is_file())
        headline_from = item.get("headline_from", item["results"])
        labels = report_set.labels
        headline = read_headline(headline_from, labels) if headline_from is not None else ()
        found = read_finding(headline_from, labels) if headline_from is not None else ""
        entry["rows"].append(
            {
                "title": notebook_title(item["notebook"]),
                "status": status,
                "href": f"{report_set.name}/{html.name}" if has_page else "",
                "headline": [list(pair) for pair in headline],
                "finding": found,
                "error": error.splitlines()[0][:300] if error else "",
            }
        )
    return list(grouped.values())


def write_index(out: Path, config: Path, rows: Sequence[dict]) -> None:
    """Write ``OUT/index.html`` (and its state file) together; see :func:`index_files`."""
    replace_files(index_files(out, config, rows))


def index_files(out: Path, config: Path, rows: Sequence[dict]) -> dict[Path, bytes]:
    """``OUT/index.html`` and its state file, as bytes. Sets not built this time
    (``--only``) keep their entry from the previous build, so the index always lists every
    set of the configuration."""

    state_path = out / ".cache" / INDEX_STATE
    try:
        previous = {s["name"]: s for s in json.loads(state_path.read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        previous = {}
    current = {s["name"]: s for s in rows}
    merged = []
    for name in _configured_names(config):
        entry = current.get(name) or previous.get(name)
        if entry is not None:
            merged.append(entry)
    state = json.dumps(merged, indent=1, sort_keys=True) + "\n"
    sets = [
        IndexSet(
            name=s["name"],
            title=s["title"],
            description=s["description"],
            events=s["events"],
            parameters=tuple(tuple(p) for p in s["parameters"]),
            sides=s.get("sides", ""),
            rows=tuple(
                IndexRow(
                    title=r["title"],
                    status=r["status"],
                    href=r["href"],
                    headline=tuple(tuple(h) for h in r["headline"]),
                    error=r["error"],
                    finding=r.get("finding", ""),
                )
                for r in s["rows"]
            ),
        )
        for s in merged
    ]
    return {
        state_path: state.encode("utf-8"),
        out / "index.html": render_index(sets).encode("utf-8"),
    }


def _configured_names(config: Path) -> list[str]:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    return [entry["name"] for entry in data if isinstance(entry, dict) and "name" in entry]
