"""`elshi bench publishing`: many deliveries due in the same minute, through the real queue and worker.

The parent starts a loopback platform (Mastodon API, fixed latency) and two children on a
throw-away ELSHI_HOME: one creates the channels, posts and deliveries and queues them the
way clearance does; the other is the ordinary worker (`elshi worker`). Lateness is measured
where it matters, at the platform: when it received each post, against the delivery's time.
Duplicates (a second request for a delivery already received) and losses (deliveries the
platform never received) are counted from the platform's own log.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import typer

from elshi.connectors.bench import LoopbackPlatform

__all__ = ["bench_publishing"]

_CHILD = [sys.executable, "-m", "elshi.publishing.bench"]


def _tree_cpu(root: int) -> float | None:
    """CPU seconds used so far by a live process and its live descendants (Linux /proc), else None."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    if root not in used:
        return None
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    return sum(used[pid] for pid in tree)


def bench_publishing(
    deliveries: int = typer.Option(10_000, min=1, help="Deliveries due in the same minute."),
    channels: int = typer.Option(500, min=1, help="Channels they are spread over."),
    latency: float = typer.Option(0.1, min=0.0, help="Seconds the platform takes to answer each post."),
    workers: int = typer.Option(8, min=1, help="Worker threads (ELSHI_WORKERS)."),
    worker_type: str = typer.Option("thread", help="Worker threads or processes (ELSHI_WORKER_TYPE)."),
    concurrency: int = typer.Option(
        128, min=1, help="Deliveries each sending process sends at once (ELSHI_PUBLISH_CONCURRENCY)."
    ),
    processes: int = typer.Option(
        min(2 * (os.cpu_count() or 1), 8),
        min=1,
        help="Sending processes with thread workers (ELSHI_PUBLISH_PROCESSES; two per core, at most 8).",
    ),
    redis_url: str = typer.Option(
        "", "--redis", help="Run the queue on this Redis (e.g. redis://127.0.0.1:6379/14)."
    ),
    timeout: float = typer.Option(300.0, help="Give up waiting after this many seconds past the due time."),
    due_in: float = typer.Option(20.0, min=1.0, help="Seconds from setup to the deliveries' time."),
) -> None:
    """p50/p95/max lateness, sent, duplicates and losses for deliveries all due at once."""
    with (
        tempfile.TemporaryDirectory(prefix="elshi-bench-") as home,
        LoopbackPlatform(latency_s=latency) as platform,
    ):
        env = _environment(home, workers, concurrency, processes, worker_type, redis_url)
        typer.echo(f"creating {deliveries:,} deliveries on {channels} channels …")
        setup = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
            [*_CHILD, "setup", platform.url, str(deliveries), str(channels), str(due_in)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        due = float(setup.stdout.strip().splitlines()[-1])
        run = _run_worker(env, platform, due, deliveries, timeout, workers)
        states = json.loads(_child_output(env, "states"))
        figures: dict[str, Any] = {
            "bench": "publishing",
            "queue": "redis" if redis_url else "sqlite",
            "deliveries": deliveries,
            "channels": channels,
            "latency_s": latency,
            "workers": workers,
            "concurrency": concurrency,
            "processes": processes if worker_type == "thread" else workers,
            "worker_type": worker_type,
            **_delivered(platform, due, deliveries),
            "states": states,
            **run.figures(),
        }
    typer.echo(f"{'queue':<10}{'sent':>8}{'dup':>6}{'lost':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    typer.echo(
        f"{figures['queue']:<10}{figures['sent']:>8}{figures['duplicates']:>6}{figures['losses']:>6}"
        f"{figures['p50_lateness_s']:>8}{figures['p95_lateness_s']:>8}{figures['max_lateness_s']:>8}"
    )
    typer.echo(json.dumps(figures))


def _environment(
    home: str, workers: int, concurrency: int, processes: int, worker_type: str, redis_url: str
) -> dict[str, str]:
    """The children's environment: a throw-away home, the worker's settings, no outside database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELSHI_SECRET_KEY"}}
    env |= {
        "ELSHI_HOME": home,
        "ELSHI_WORKERS": str(workers),
        "ELSHI_PUBLISH_CONCURRENCY": str(concurrency),
        "ELSHI_PUBLISH_PROCESSES": str(processes),
        "ELSHI_WORKER_TYPE": worker_type,
        "DJANGO_SETTINGS_MODULE": "elshi.web.settings",
        "ELSHI_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",  # the loopback platform; every sender is guarded
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
        import redis  # an optional dependency, needed only for --redis

        redis.Redis.from_url(redis_url).flushdb()
    return env


def _child_output(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [*_CHILD, *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


@dataclass(frozen=True)
class _Run:
    """CPU the worker and its sender processes used (start-up included), and the platform's (it
    shares the machine): on a busy machine lateness grows, these figures show why."""

    worker_cpu: float
    platform_cpu: float
    load: float
    at_due: tuple[float | None, float]
    at_end: tuple[float | None, float]

    def figures(self) -> dict[str, Any]:
        worker = None
        if self.at_due[0] is not None and self.at_end[0] is not None:
            worker = round(self.at_end[0] - self.at_due[0], 1)
        return {
            "worker_cpu_s": round(self.worker_cpu, 1),
            "platform_cpu_s": round(self.platform_cpu, 1),
            "load_at_start": round(self.load, 2),
            # From the deliveries' time until the platform had them all: what sending itself cost.
            "sending_cpu_s": {"worker": worker, "platform": round(self.at_end[1] - self.at_due[1], 1)},
        }


def _run_worker(
    env: dict[str, str], platform: LoopbackPlatform, due: float, deliveries: int, timeout: float, workers: int
) -> _Run:
    """Start the ordinary worker, wait until the platform has every delivery (or the timeout), stop it."""
    load = os.getloadavg()[0]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    platform_before = time.process_time()
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "elshi", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    typer.echo(f"worker started with {workers} threads; deliveries due in {due - time.time():.0f} s …")
    try:
        time.sleep(max(0.0, due - time.time()))
        at_due = _tree_cpu(worker.pid), time.process_time()
        while time.time() < due + timeout and len(platform.received) < deliveries:
            time.sleep(0.05)
        at_end = _tree_cpu(worker.pid), time.process_time()
        time.sleep(2)  # let the last answers be stored
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = children.ru_utime + children.ru_stime
    before = children_before.ru_utime + children_before.ru_stime
    return _Run(used - before, time.process_time() - platform_before, load, at_due, at_end)


def _delivered(platform: LoopbackPlatform, due: float, deliveries: int) -> dict[str, Any]:
    """What the platform's own log says: sent, duplicates, losses and lateness against the due time."""
    received = list(platform.received)
    lateness = sorted(max(0.0, r.at - due) for r in received) or [float("nan")]
    return {
        "sent": len(received),
        "duplicates": platform.requests - len(received),
        "losses": deliveries - len({r.key for r in received}),
        "first_s": round(lateness[0], 2),
        "p50_lateness_s": round(statistics.median(lateness), 2),
        "p95_lateness_s": round(lateness[min(len(lateness) - 1, int(0.95 * len(lateness)))], 2),
        "max_lateness_s": round(lateness[-1], 2),
    }
