"""Execute notebooks with papermill and render them, several at a time, in worker processes.

Each worker is a separate interpreter that imports papermill and nbconvert once and then
serves many notebooks, across the phases of a build (:class:`WorkerPool`); every notebook
still gets a fresh kernel, so no state leaks from one report into another. While a worker
waits for its next notebook, the kernel for it is already starting (a *warm* kernel: a
new kernel process that has only imported the libraries every report uses, silently and
without history), so that a late notebook such as the brief does not pay for a kernel
start after its siblings finish. A failure is caught in the worker and becomes a page that
shows the error: one broken notebook never stops the others.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.util
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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
    #: Whether the notebook ran on a kernel started before it was handed out.
    warm_kernel: bool = False


#: What a warm kernel runs before it is handed to a notebook: imports only, no state of a
#: report (sent silently, so the notebook's execution counts start at 1 as usual).
WARM_CODE = "import numpy, pandas, scipy.stats, matplotlib"
#: This worker's warm kernel, if any: ``(kernel name, cwd, manager, client)``.
_warm: list[tuple[str, str, Any, Any]] = []


def _start_warm_kernel(kernel_name: str, cwd: str) -> None:
    """Start the kernel of this worker's next notebook now, in the background."""
    # jupyter_client loads lazily, in the worker that starts kernels.
    from jupyter_client.manager import AsyncKernelManager

    _drop_warm_kernel()
    manager = AsyncKernelManager(kernel_name=kernel_name)
    try:
        _wait(manager.start_kernel(cwd=cwd))
        client = manager.client()
        client.start_channels()
        client.execute(WARM_CODE, silent=True, store_history=False)
    except Exception:  # no warm kernel: the next notebook starts its own
        _shutdown(manager)
        return
    _warm.append((kernel_name, cwd, manager, client))


def _take_warm_kernel(kernel_name: str, cwd: str) -> Any | None:
    """The warm kernel's manager when it was started for this kernel name and directory
    and is still alive; otherwise ``None`` (and any other warm kernel is shut down)."""
    if not _warm:
        return None
    name, where, manager, client = _warm[0]
    if (name, where) != (kernel_name, cwd):
        _drop_warm_kernel()
        return None
    _warm.clear()
    client.stop_channels()
    try:
        alive = _wait(manager.is_alive())
    except Exception:  # a kernel that cannot answer is not alive
        alive = False
    if not alive:
        _shutdown(manager)
        return None
    return manager


def _drop_warm_kernel() -> None:
    while _warm:
        _, _, manager, client = _warm.pop()
        client.stop_channels()
        _shutdown(manager)


def _shutdown(manager: Any) -> None:
    with contextlib.suppress(Exception):  # already gone
        _wait(manager.shutdown_kernel(now=True))


def _wait(coroutine: Any) -> Any:
    """Run a kernel manager's coroutine on this thread's loop, the one nbclient uses."""
    # jupyter_core loads lazily, in the worker that starts kernels.
    from jupyter_core.utils import ensure_event_loop

    return ensure_event_loop().run_until_complete(coroutine)


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
        cwd = str(job.notebook.parent)
        warm = False
        for attempt in range(KERNEL_START_ATTEMPTS):
            error = None
            manager = _take_warm_kernel(job.kernel_name, cwd) if attempt == 0 else None
            warm = manager is not None
            extra = {"km": manager} if manager is not None else {}
            try:
                papermill.execute_notebook(
                    str(job.notebook),
                    str(executed_path),
                    parameters=injected,
                    kernel_name=job.kernel_name,
                    cwd=cwd,
                    progress_bar=False,
                    request_save_on_cell_execute=False,
                    **extra,
                )
            except PapermillExecutionError as err:
                error = (err.ename, err.evalue)
            except Exception as err:  # the kernel may die or fail to start: still write a page
                error = (type(err).__name__, str(err))
            finally:
                if manager is not None:
                    _shutdown(manager)  # a kernel serves one notebook only
            if error is None or not _kernel_start_failed(error):
                break
        if executed_path.is_file():
            notebook = nbformat.read(executed_path, as_version=4)
        else:
            notebook = nbformat.read(job.notebook, as_version=4)
    # Codes stay in the results files; the page shows plain names (analysis.reporting.plain).
    sides = {"A": job.parameters.get("side_a"), "B": job.parameters.get("side_b")}
    relabel_notebook(notebook, job.parameters.get("labels"), sides if all(sides.values()) else None)
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
        return Outcome(job.label, "failed", seconds, f"{error[0]}: {error[1]}", warm)
    return Outcome(job.label, "ok", seconds, warm_kernel=warm)


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

    # A warm kernel left when the pool closes is shut down with the worker.
    multiprocessing.util.Finalize(None, _drop_warm_kernel, exitpriority=10)


def _warm_up(kernel_name: str, cwd: str) -> None:
    """Start this worker's warm kernel (a task of its own, run while the worker is idle)."""
    _start_warm_kernel(kernel_name, cwd)


class WorkerPool:
    """Worker processes kept for a whole build: the phases of a build (the brief after its
    siblings) run on the same workers, which have imported papermill and nbconvert once.

    Each worker is a one-process executor, so that the pool chooses which worker runs
    which notebook: a worker left idle at the end of a phase starts a warm kernel (when
    the next phase will need one) and the next phase's notebooks go to the warm workers
    first. Use as a context manager; :meth:`run` may be called many times.
    """

    def __init__(self, workers: int, log_path: str | Path | None = None) -> None:
        self.workers = max(1, workers)
        self.log_path = str(log_path) if log_path else None
        self._slots: list[ProcessPoolExecutor] = []
        self._warm: list[int] = []  # slots holding a warm kernel, oldest first

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (and their warm kernels)."""
        for slot in self._slots:
            slot.shutdown(wait=True)
        self._slots, self._warm = [], []

    def _new_slot(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        # Never fork: the parent may hold threads or locks; a fresh interpreter is safe.
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.log_path,),
        )

    def run(
        self,
        jobs: Sequence[Job],
        on_done: Callable[[Outcome, int, int], None] | None = None,
        warm: int = 0,
    ) -> list[Outcome]:
        """Run ``jobs``; return their outcomes in the order of ``jobs``.

        ``warm``: how many notebooks the next call will run (the late ones of a build).
        That many workers, the first to find nothing left to do, start a kernel for them.
        Kernels started for nothing would take the CPU from the notebooks still running,
        so no more are started than will be used.
        """
        if not jobs:
            return []
        while len(self._slots) < min(self.workers, len(jobs)):
            self._slots.append(self._new_slot())
        queue = list(range(len(jobs)))
        warm_left = max(warm, 0)
        kernel = (jobs[-1].kernel_name, str(jobs[-1].notebook.parent))
        idle = self._warm + [k for k in range(len(self._slots)) if k not in self._warm]
        self._warm = []
        running: dict[Future, tuple[int, int]] = {}
        outcomes: dict[int, Outcome] = {}

        def dispatch(slot: int) -> None:
            nonlocal warm_left
            if queue:
                index = queue.pop(0)
                running[self._slots[slot].submit(run_job, jobs[index])] = (index, slot)
            elif warm_left > 0:
                warm_left -= 1
                self._slots[slot].submit(_warm_up, *kernel)
                self._warm.append(slot)

        for slot in idle:
            dispatch(slot)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, slot = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as err:  # a crashed worker must not hide the other reports
                    outcome = Outcome(
                        jobs[index].label, "failed", 0.0, f"{type(err).__name__}: {err}"
                    )
                    self._slots[slot].shutdown(wait=False)
                    self._slots[slot] = self._new_slot()
                outcomes[index] = outcome
                if on_done is not None:
                    on_done(outcome, len(outcomes), len(jobs))
                dispatch(slot)
        return [outcomes[i] for i in range(len(jobs))]


def run_jobs(
    jobs: Sequence[Job],
    workers: int,
    on_done: Callable[[Outcome, int, int], None] | None = None,
    log_path: str | Path | None = None,
    pool: WorkerPool | None = None,
    warm: int = 0,
) -> list[Outcome]:
    """Run ``jobs`` on ``workers`` processes; return their outcomes in the order of ``jobs``.

    ``on_done(outcome, finished, total)`` is called in the parent as each job finishes.
    The workers' (and kernels') stderr is appended to ``log_path`` when given. With
    ``pool`` the jobs run on its workers (kept for the next call, for which ``warm``
    kernels are started: see :meth:`WorkerPool.run`); otherwise on workers started for
    these jobs alone.
    """
    if not jobs:
        return []
    if pool is not None:
        return pool.run(jobs, on_done, warm=warm)
    with WorkerPool(workers, log_path) as own:
        return own.run(jobs, on_done)


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
