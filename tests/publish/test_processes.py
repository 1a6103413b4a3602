"""Sending from several processes, as the worker does on the embedded defaults: the benchmark run
small, end to end (queue, worker, helper processes, loopback platform), and helpers that die with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _bench(*extra: str) -> dict[str, object]:
    command = [sys.executable, "-m", "elshi", "bench", "publishing", "--deliveries", "400", "--channels"]
    command += ["40", "--latency", "0.02", "--due-in", "8", "--processes", "2", "--timeout", "90", *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=True)  # noqa: S603
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def test_every_delivery_once_from_two_processes_on_the_embedded_queue() -> None:
    figures = _bench()
    assert figures["processes"] == 2 and figures["queue"] == "sqlite"
    assert (figures["sent"], figures["duplicates"], figures["losses"]) == (400, 0, 0)
    assert figures["states"] == {"published": 400}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="no Redis in this run (REDIS_URL unset)")
def test_every_delivery_once_from_two_processes_on_redis() -> None:
    figures = _bench("--redis", "redis://127.0.0.1:6379/14")
    assert figures["queue"] == "redis"
    assert (figures["sent"], figures["duplicates"], figures["losses"]) == (400, 0, 0)
    assert figures["states"] == {"published": 400}


_STARTER = """
import django, time
django.setup()
from elshi.publishing import dispatcher
print(" ".join(map(str, dispatcher.warm_up())), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="the death signal is Linux's prctl")
def test_helper_processes_die_with_a_killed_worker(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {
        "ELSHI_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "elshi.web.settings",
        "ELSHI_PUBLISH_PROCESSES": "3",
    }
    worker = subprocess.Popen(  # noqa: S603 - our interpreter, a fixed script
        [sys.executable, "-c", _STARTER], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        helpers = [int(pid) for pid in worker.stdout.readline().split()]
        assert len(helpers) == 2 and all(_alive(pid) for pid in helpers)
        cpus = os.sched_getaffinity(0)
        if len(cpus) > 1:  # each helper kept on one CPU, round-robin (ELSHI_PUBLISH_PIN)
            placed = [os.sched_getaffinity(pid) for pid in helpers]
            assert all(len(p) == 1 and p <= cpus for p in placed) and placed[0] != placed[1]
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in helpers), "helper senders outlived their worker"
    finally:
        worker.kill()
