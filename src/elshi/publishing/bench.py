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

import typer

from elshi.connectors.bench import LoopbackPlatform


def _setup(base_url: str, deliveries: int, channels: int, due_in: float) -> None:
    """Child: create and queue the deliveries; print the due time (epoch seconds)."""
    import datetime as dt

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from elshi.connectors import Token
    from elshi.content.models import Post, PostState, Variant
    from elshi.missions.models import Channel, Mission
    from elshi.publishing.accounts import set_credentials
    from elshi.publishing.models import Delivery
    from elshi.publishing.tasks import enqueue_dispatch

    call_command("migrate", verbosity=0)
    author = get_user_model().objects.create(username="bench")
    mission = Mission.objects.create(
        slug="bench",
        name="Bench",
        kind="embassy",
        host_country="DE",
        city="Berlin",
        timezone="Europe/Berlin",
        languages=["en"],
    )
    made = []
    for i in range(channels):
        channel = Channel(
            mission=mission,
            platform="mastodon",
            handle=f"@bench{i}@loopback",
            status="ok",
            settings={"base_url": base_url},
        )
        set_credentials(channel, token=Token(access_token=f"channel-{i}"))
        made.append(channel)
    Channel.objects.bulk_create(made)
    made = list(Channel.objects.order_by("pk"))
    due = timezone.now() + dt.timedelta(seconds=due_in)
    per_post = channels
    posts = Post.objects.bulk_create(
        [
            Post(
                mission=mission,
                title=f"bench {p}",
                created_by=author,
                state=PostState.SCHEDULED,
                scheduled_at=due,
            )
            for p in range((deliveries + per_post - 1) // per_post)
        ]
    )
    variants = Variant.objects.bulk_create(
        [Variant(post=p, platform="mastodon", language="en", text=f"Benchmark post {p.pk}") for p in posts]
    )
    rows = [
        Delivery(
            post=posts[i // per_post], channel=made[i % per_post], variant=variants[i // per_post], due_at=due
        )
        for i in range(deliveries)
    ]
    Delivery.objects.bulk_create(rows, batch_size=2000)
    for _post in posts:  # as clearance does: one dispatch per post, for its time
        enqueue_dispatch(due)
    print(due.timestamp())


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


def _states() -> None:
    import django

    django.setup()
    from django.db.models import Count

    from elshi.publishing.models import Delivery

    print(json.dumps(dict(Delivery.objects.values_list("state").annotate(n=Count("pk")))))


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
        env = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELSHI_SECRET_KEY"}
        }
        env |= {
            "ELSHI_HOME": home,
            "ELSHI_WORKERS": str(workers),
            "ELSHI_PUBLISH_CONCURRENCY": str(concurrency),
            "ELSHI_PUBLISH_PROCESSES": str(processes),
            "ELSHI_WORKER_TYPE": worker_type,
            "DJANGO_SETTINGS_MODULE": "elshi.web.settings",
            "ELSHI_PUBLISH_STUCK_SECONDS": "3600",
        }
        if redis_url:
            env["REDIS_URL"] = redis_url
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        me = [sys.executable, "-m", "elshi.publishing.bench"]
        typer.echo(f"creating {deliveries:,} deliveries on {channels} channels …")
        setup = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
            [*me, "setup", platform.url, str(deliveries), str(channels), str(due_in)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        due = float(setup.stdout.strip().splitlines()[-1])
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
        platform_cpu = time.process_time() - platform_before
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = children.ru_utime + children.ru_stime
        before = children_before.ru_utime + children_before.ru_stime
        worker_cpu = used - before
        states = json.loads(
            subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
                [*me, "states"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        received = list(platform.received)
        lateness = sorted(max(0.0, r.at - due) for r in received) or [float("nan")]
        figures = {
            "bench": "publishing",
            "queue": "redis" if redis_url else "sqlite",
            "deliveries": deliveries,
            "channels": channels,
            "latency_s": latency,
            "workers": workers,
            "concurrency": concurrency,
            "processes": processes if worker_type == "thread" else workers,
            "worker_type": worker_type,
            "sent": len(received),
            "duplicates": platform.requests - len(received),
            "losses": deliveries - len({r.key for r in received}),
            "first_s": round(lateness[0], 2),
            "p50_lateness_s": round(statistics.median(lateness), 2),
            "p95_lateness_s": round(lateness[min(len(lateness) - 1, int(0.95 * len(lateness)))], 2),
            "max_lateness_s": round(lateness[-1], 2),
            "states": states,
            # CPU the worker and its sender processes used (start-up included), and the platform's (it
            # shares the machine): on a busy machine lateness grows, these figures show why.
            "worker_cpu_s": round(worker_cpu, 1),
            "platform_cpu_s": round(platform_cpu, 1),
            "load_at_start": round(load, 2),
            # From the deliveries' time until the platform had them all: what sending itself cost.
            "sending_cpu_s": {
                "worker": None if at_due[0] is None or at_end[0] is None else round(at_end[0] - at_due[0], 1),
                "platform": round(at_end[1] - at_due[1], 1),
            },
        }
    typer.echo(f"{'queue':<10}{'sent':>8}{'dup':>6}{'lost':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    typer.echo(
        f"{figures['queue']:<10}{figures['sent']:>8}{figures['duplicates']:>6}{figures['losses']:>6}"
        f"{figures['p50_lateness_s']:>8}{figures['p95_lateness_s']:>8}{figures['max_lateness_s']:>8}"
    )
    typer.echo(json.dumps(figures))


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        _setup(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    elif sys.argv[1] == "states":
        _states()
