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

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import UsageError
from analysis.files import atomic_write_text
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
    outcomes: dict[str, Any] = {}
    # Notebooks that read their siblings' results (the brief) run after them.
    for phase in ordering.phases(plan, force):
        todo = [item for item in phase if not item["fresh"]]
        if not todo:
            continue
        facts = provenance.collect(config.parent).as_dict()
        jobs = [_job(item, facts) for item in todo]
        workers = workers or execute.default_workers()
        (out / ".cache").mkdir(parents=True, exist_ok=True)
        print(
            f"escalation reports: {len(jobs)} to build on {min(workers, len(jobs))} "
            f"worker(s), {len(phase) - len(jobs)} unchanged",
            file=sys.stderr,
        )
        for item, outcome in zip(
            todo,
            execute.run_jobs(
                jobs, workers, execute.print_progress, log_path=out / ".cache" / "kernels.log"
            ),
            strict=True,
        ):
            outcomes[item["label"]] = outcome
            _write_record(item, outcome.status, outcome.seconds, outcome.error)
    if not outcomes:
        print(
            f"escalation reports: all {len(plan)} reports unchanged (--force rebuilds them)",
            file=sys.stderr,
        )
    rows = index_rows(plan, outcomes)
    write_index(out, config, rows)
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


def _job(item: Mapping[str, Any], facts: Mapping[str, Any]) -> Any:

    report_set: ReportSet = item["set"]
    return Job(
        set_name=report_set.name,
        set_title=report_set.title,
        notebook=item["notebook"],
        parameters=item["parameters"],
        events_path=report_set.events.resolve(),
        events_text=report_set.events_text,
        events_sha256=item["events_digest"],
        html_path=item["html"],
        results_path=item["results"],
        provenance=facts,
        shown_parameters=item["shown"],
    )


def _write_record(item: Mapping[str, Any], status: str, seconds: float, error: str) -> None:

    atomic_write_text(item["record"], cache.record_text(item["key"], status, seconds, error))


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
            status = "failed"
            error = f"{stored.get('error', '')} (unchanged since the last build)"
        html: Path = item["html"]
        entry["rows"].append(
            {
                "title": notebook_title(item["notebook"]),
                "status": status,
                "href": f"{report_set.name}/{html.name}" if html.is_file() else "",
                "headline": [
                    list(pair) for pair in read_headline(item["results"], report_set.labels)
                ],
                "finding": read_finding(item["results"], report_set.labels),
                "error": error.splitlines()[0][:300] if error else "",
            }
        )
    return list(grouped.values())


def write_index(out: Path, config: Path, rows: Sequence[dict]) -> None:
    """Write ``OUT/index.html``. Sets not built this time (``--only``) keep their entry
    from the previous build, so the index always lists every set of the configuration."""

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
    atomic_write_text(state_path, json.dumps(merged, indent=1, sort_keys=True) + "\n")
    sets = [
        IndexSet(
            name=s["name"],
            title=s["title"],
            description=s["description"],
            events=s["events"],
            parameters=tuple(tuple(p) for p in s["parameters"]),
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
    atomic_write_text(out / "index.html", render_index(sets))


def _configured_names(config: Path) -> list[str]:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    return [entry["name"] for entry in data if isinstance(entry, dict) and "name" in entry]
