"""Crash test: a worker killed with SIGKILL after its request left and before the answer was stored."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from elshi.connectors.bench import LoopbackPlatform

pytestmark = pytest.mark.slow
WORKER = Path(__file__).with_name("_crash_worker.py")


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return env | {
        "ELSHI_HOME": str(home),
        "ELSHI_PUBLISH_LEASE_SECONDS": "1",
        "PYTHONPATH": str(WORKER.parents[2] / "src"),
        "ELSHI_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",  # the loopback platform: senders are guarded
    }


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(WORKER), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("platform,after_restart", [("webhook", "unconfirmed"), ("mastodon", "published")])
def test_killed_worker_never_sends_twice(tmp_path: Path, platform: str, after_restart: str) -> None:
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "elshi", "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300
    )
    with LoopbackPlatform(latency_s=5.0) as loopback:
        delivery = _run(env, "setup", loopback.url, platform)
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), "send", delivery],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while loopback.requests == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert loopback.requests == 1, "the worker never reached the platform"
        worker.kill()  # SIGKILL: the post is on the platform, its answer never read
        worker.wait(timeout=10)
        assert _run(env, "state", delivery) == "publishing"
        time.sleep(1.5)  # the dead worker's heartbeat is gone: its one-second lease lapses

        _run(env, "sweep")  # the restarted worker's first sweep
        if platform == "mastodon":
            loopback.latency_s = 0.0
            assert _run(env, "send", delivery) == "published"  # re-sent; the Idempotency-Key absorbs it
        assert _run(env, "state", delivery) == after_restart
        assert len(loopback.received) == 1, loopback.received  # exactly once on the platform
