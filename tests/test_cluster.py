"""Cluster options: validation, the embedded default, and a real local cluster."""

from __future__ import annotations

import argparse
import os

import pytest

from analysis.errors import UsageError
from analysis.scale.cluster import (
    ClusterOptions,
    add_cluster_arguments,
    local_cluster_kwargs,
    make_options,
    open_client,
    options_from_args,
    worker_count,
)


def _parse(*argv: str) -> ClusterOptions:
    parser = argparse.ArgumentParser()
    add_cluster_arguments(parser)
    return options_from_args(parser.parse_args(list(argv)))


def test_default_runs_in_process():
    options = _parse()
    assert options.in_process
    with open_client(options) as client:
        assert client is None
    assert worker_count(None) == 1


def test_local_options_become_local_cluster_arguments():
    options = _parse("--scheduler", "local", "--workers", "3", "--memory-limit", "4GiB")
    kwargs = local_cluster_kwargs(options)
    assert kwargs["n_workers"] == 3
    assert kwargs["memory_limit"] == 4 * 2**30
    assert kwargs["processes"] is True and kwargs["threads_per_worker"] == 1
    assert local_cluster_kwargs(_parse("--scheduler", "local"))["n_workers"] == os.cpu_count()


def test_remote_address_is_kept():
    assert _parse("--scheduler", "tcp://10.0.0.5:8786").scheduler == "tcp://10.0.0.5:8786"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scheduler", "slurm"], "give 'local' or a scheduler address"),
        (["--scheduler", "local", "--workers", "0"], "positive number of workers"),
        (["--scheduler", "local", "--memory-limit", "lots"], "not a size"),
        (["--workers", "2"], "need --scheduler local"),
        (["--scheduler", "tcp://h:1", "--workers", "2"], "has its own workers"),
    ],
)
def test_bad_options_are_usage_errors(argv, message):
    with pytest.raises(UsageError, match=message):
        _parse(*argv)


def test_unreachable_scheduler_is_a_usage_error():
    options = make_options("tcp://127.0.0.1:1")
    with pytest.raises(UsageError, match="cannot reach the scheduler"), open_client(options, "1s"):
        pass


@pytest.mark.slow
def test_local_cluster_has_the_workers_asked_for():
    with open_client(make_options("local", 2, "1GiB")) as client:
        assert worker_count(client) == 2
        info = client.scheduler_info(n_workers=-1)["workers"]
        assert {w["memory_limit"] for w in info.values()} == {2**30}
        assert {w["nthreads"] for w in info.values()} == {1}
        assert client.submit(sum, [1, 2, 3]).result() == 6
