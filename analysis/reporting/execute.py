"""Execute notebooks with papermill and render them, several at a time, in worker processes.

Each worker is a separate interpreter that imports papermill and nbconvert once and then
serves many notebooks; every notebook still gets a fresh kernel, so no state leaks from
one report into another. A failure is caught in the worker and becomes a page that shows
the error: one broken notebook never stops the others.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.files import atomic_write_text
from analysis.reporting.plain import relabel_notebook
from analysis.reporting.render import PageContext, UnsafeOutputError, render_page

KERNEL_NAME = "escalation"
#: Kernels started at the same moment can race for the same free TCP port; the loser dies
#: before answering. Such a start is retried; errors from the notebook itself never are.
KERNEL_START_ATTEMPTS = 3


def _kernel_start_failed(error: tuple[str, str]) -> bool:
    name, message = error
    return name == "RuntimeError" and "Kernel died before replying" in message


@dataclass(frozen=True)
class Job:
    """One notebook of one report set, with everything a worker needs (picklable)."""

    set_name: str
    set_title: str
    notebook: Path
    parameters: Mapping[str, Any]
    events_path: Path
    events_text: str
    events_sha256: str
    html_path: Path
    results_path: Path
    provenance: Mapping[str, Any]
    kernel_name: str = KERNEL_NAME
    shown_parameters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``set/notebook`` for progress lines."""
        return f"{self.set_name}/{self.notebook.stem}"


@dataclass(frozen=True)
class Outcome:
    """What happened to one job."""

    label: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str = ""


def run_job(job: Job) -> Outcome:
    """Execute ``job.notebook`` and write its page to ``job.html_path``; never raises for a
    failing notebook (the page shows the error instead)."""
    # papermill and nbformat load lazily, in the worker that runs the notebook.
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    # A stale results file would put old numbers next to a failed run in the index.
    job.results_path.unlink(missing_ok=True)
    job.results_path.parent.mkdir(parents=True, exist_ok=True)
    injected = {
        **job.parameters,
        "events_path": str(job.events_path),
        "results_path": str(job.results_path),
    }
    error: tuple[str, str] | None = None
    with tempfile.TemporaryDirectory(prefix="escalation-report-") as tmp:
        executed_path = Path(tmp) / job.notebook.name
        for _ in range(KERNEL_START_ATTEMPTS):
            error = None
            try:
                papermill.execute_notebook(
                    str(job.notebook),
                    str(executed_path),
                    parameters=injected,
                    kernel_name=job.kernel_name,
                    cwd=str(job.notebook.parent),
                    progress_bar=False,
                    request_save_on_cell_execute=False,
                )
            except PapermillExecutionError as err:
                error = (err.ename, err.evalue)
            except Exception as err:  # the kernel may die or fail to start: still write a page
                error = (type(err).__name__, str(err))
            if error is None or not _kernel_start_failed(error):
                break
        if executed_path.is_file():
            notebook = nbformat.read(executed_path, as_version=4)
        else:
            notebook = nbformat.read(job.notebook, as_version=4)
    # Codes stay in the results files; the page shows plain names (analysis.reporting.plain).
    relabel_notebook(notebook, job.parameters.get("labels"))
    context = PageContext(
        set_title=job.set_title,
        notebook=job.notebook.name,
        events=job.events_text,
        events_sha256=job.events_sha256,
        parameters=job.shown_parameters or job.parameters,
        provenance=job.provenance,
        error=error,
    )
    try:
        page = render_page(notebook, context)
    except UnsafeOutputError as err:
        error = ("UnsafeOutputError", f"the output was not published: {err}")
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        page = render_page(notebook, PageContext(**{**context.__dict__, "error": error}))
    atomic_write_text(job.html_path, page)
    seconds = time.perf_counter() - started
    if error:
        job.results_path.unlink(missing_ok=True)
        return Outcome(job.label, "failed", seconds, f"{error[0]}: {error[1]}")
    return Outcome(job.label, "ok", seconds)


def _start_worker(log_path: str | None) -> None:
    # Kernels inherit the worker's stderr; their start-up chatter goes to a log file so
    # that the terminal shows one line per report.
    if log_path:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)
    # Loaded lazily, once per worker, while the parent is still queueing jobs.
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def run_jobs(
    jobs: Sequence[Job],
    workers: int,
    on_done: Callable[[Outcome, int, int], None] | None = None,
    log_path: str | Path | None = None,
) -> list[Outcome]:
    """Run ``jobs`` on ``workers`` processes; return their outcomes in the order of ``jobs``.

    ``on_done(outcome, finished, total)`` is called in the parent as each job finishes.
    The workers' (and kernels') stderr is appended to ``log_path`` when given.
    """
    if not jobs:
        return []
    methods = multiprocessing.get_all_start_methods()
    # Never fork: the parent may hold threads or locks; a fresh interpreter is safe.
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    outcomes: dict[int, Outcome] = {}
    with ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(jobs))),
        mp_context=context,
        initializer=_start_worker,
        initargs=(str(log_path) if log_path else None,),
    ) as pool:
        futures = {pool.submit(run_job, job): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                outcome = future.result()
            except Exception as err:  # a crashed worker must not hide the other reports
                outcome = Outcome(jobs[index].label, "failed", 0.0, f"{type(err).__name__}: {err}")
            outcomes[index] = outcome
            if on_done is not None:
                on_done(outcome, len(outcomes), len(jobs))
    return [outcomes[i] for i in range(len(jobs))]


def print_progress(outcome: Outcome, finished: int, total: int) -> None:
    """One line per finished notebook on stderr: count, label, status and seconds."""
    width = len(str(total))
    line = f"[{finished:>{width}}/{total}] {outcome.label:<40} {outcome.status:<7} "
    line += f"{outcome.seconds:6.1f} s"
    if outcome.error:
        line += f"  {outcome.error.splitlines()[0][:160]}"
    print(line, file=sys.stderr, flush=True)


def default_workers() -> int:
    """One worker per available core, plus one: kernels spend part of their start-up waiting."""
    try:
        return len(os.sched_getaffinity(0)) + 1
    except AttributeError:  # not on every platform
        return (os.cpu_count() or 1) + 1
