"""Where the heavy commands run: in this process (the default) or on a Dask cluster.

Nothing here imports Dask until a cluster is asked for, so that the embedded default
(``escalation events`` on a laptop) never pays for it. Two kinds of cluster are supported:

- ``--scheduler local``: a ``LocalCluster`` started for the command, with ``--workers N``
  worker processes (default: the machine's cores), one thread each, and an optional
  ``--memory-limit`` per worker (``"4GiB"``); it is closed when the command ends.
- ``--scheduler tcp://HOST:PORT``: an existing scheduler, e.g. one started by
  ``dask-jobqueue`` on a SLURM cluster (see the README); its workers are not ours to size.

Results never depend on the number of workers: every distributed path sorts what it
gathers before writing.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analysis.errors import UsageError

#: URL schemes accepted for an existing scheduler.
REMOTE_SCHEMES = ("tcp://", "tls://", "inproc://")


@dataclass(frozen=True)
class ClusterOptions:
    """How to run: ``scheduler`` is ``None`` (in-process), ``"local"`` or a scheduler URL.

    Attributes
    ----------
    scheduler
        ``None`` to run in this process, ``"local"`` for a ``LocalCluster``, or the
        address of a running scheduler (``"tcp://host:8786"``).
    workers
        Worker processes of a local cluster; ``None`` means one per core.
    memory_limit
        Memory limit per local worker as Dask understands it (``"4GiB"``, ``"2e9"``), or
        ``None`` for Dask's default (the machine's memory shared among the workers).
    """

    scheduler: str | None = None
    workers: int | None = None
    memory_limit: str | None = None

    @property
    def in_process(self) -> bool:
        """True when no cluster is used."""
        return self.scheduler is None


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--scheduler``, ``--workers`` and ``--memory-limit`` to a subcommand's parser."""
    group = parser.add_argument_group("cluster (optional; default: run in this process)")
    group.add_argument(
        "--scheduler",
        default=None,
        metavar="local|tcp://HOST:PORT",
        help="run on a Dask cluster: 'local' starts one on this machine, a URL joins a "
        "running scheduler",
    )
    group.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes of the local cluster (default: the number of cores)",
    )
    group.add_argument(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        help="memory limit per local worker, e.g. 4GiB (default: Dask's)",
    )


def options_from_args(args: argparse.Namespace) -> ClusterOptions:
    """Validate the parsed cluster arguments and return them as :class:`ClusterOptions`.

    Raises
    ------
    analysis.errors.UsageError
        When the scheduler is neither ``local`` nor a URL, the worker count is not
        positive, the memory limit cannot be parsed, or ``--workers``/``--memory-limit``
        are given without ``--scheduler local``.
    """
    return make_options(
        getattr(args, "scheduler", None),
        getattr(args, "workers", None),
        getattr(args, "memory_limit", None),
    )


def make_options(
    scheduler: str | None, workers: int | None = None, memory_limit: str | None = None
) -> ClusterOptions:
    """Validate cluster settings; see :func:`options_from_args` for the rules."""
    if scheduler in (None, ""):
        if workers is not None or memory_limit is not None:
            raise UsageError("--workers and --memory-limit need --scheduler local")
        return ClusterOptions()
    if scheduler != "local" and not scheduler.startswith(REMOTE_SCHEMES):
        raise UsageError(
            f"--scheduler {scheduler!r}: give 'local' or a scheduler address such as "
            "tcp://host:8786"
        )
    if scheduler != "local" and (workers is not None or memory_limit is not None):
        raise UsageError(
            "--workers and --memory-limit size a local cluster; a running scheduler "
            f"({scheduler}) has its own workers"
        )
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: give a positive number of workers")
    if memory_limit is not None:
        _parse_memory(memory_limit)
    return ClusterOptions(scheduler=scheduler, workers=workers, memory_limit=memory_limit)


def _parse_memory(text: str) -> int:
    # dask loads lazily: in-process runs never need it.
    from dask.utils import parse_bytes

    try:
        value = parse_bytes(text)
    except (ValueError, TypeError) as err:
        raise UsageError(f"--memory-limit {text!r}: not a size (try 4GiB)") from err
    if value <= 0:
        raise UsageError(f"--memory-limit {text!r}: give a positive size")
    return int(value)


def default_workers() -> int:
    """Number of worker processes of a local cluster when ``--workers`` is not given."""
    return os.cpu_count() or 1


def local_cluster_kwargs(options: ClusterOptions) -> dict[str, Any]:
    """Keyword arguments of the ``LocalCluster`` that ``options`` describes.

    One single-threaded process per worker: extraction and the per-dyad models are pure
    Python and NumPy, so processes (not threads) give the parallelism, and one thread per
    process keeps BLAS from oversubscribing the cores.
    """
    kwargs: dict[str, Any] = {
        "n_workers": options.workers or default_workers(),
        "processes": True,
        "threads_per_worker": 1,
        # Any free port: the scheduler serves HTTP (health, metrics) even without a
        # dashboard, and a fixed port collides with another cluster on the machine.
        "dashboard_address": ":0",
        # The shuffle plugin logs every shuffle at WARNING; only errors matter to users.
        "silence_logs": logging.ERROR,
    }
    if options.memory_limit is not None:
        kwargs["memory_limit"] = _parse_memory(options.memory_limit)
    return kwargs


@contextlib.contextmanager
def open_client(options: ClusterOptions, connect_timeout: str = "20s") -> Iterator[Any]:
    """Yield a ``distributed.Client`` for ``options``, or ``None`` to run in-process.

    A local cluster is started here and shut down on exit, also when the work fails.
    ``connect_timeout`` bounds the wait for a remote scheduler.

    Raises
    ------
    analysis.errors.UsageError
        When a remote scheduler cannot be reached.
    """
    if options.in_process:
        yield None
        return
    # distributed loads lazily: in-process runs never need it.
    from distributed import Client, LocalCluster

    if options.scheduler == "local":
        with (
            LocalCluster(**local_cluster_kwargs(options)) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(options.scheduler, timeout=connect_timeout)
    except (OSError, TimeoutError) as err:
        raise UsageError(f"cannot reach the scheduler at {options.scheduler}: {err}") from err
    with client:
        yield client


def worker_count(client: Any) -> int:
    """Number of workers currently connected to ``client`` (1 in-process)."""
    if client is None:
        return 1
    return len(client.scheduler_info(n_workers=-1)["workers"])
