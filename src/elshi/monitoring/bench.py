"""`elshi bench dashboard --mentions N`: latency of the dashboard's data and the explorer at scale.

A child process on a throw-away ELSHI_HOME (SQLite, or the database of --database-url) makes N
documents with one mention each over two years (with outlets and narratives), builds the daily
rollups once (the store path keeps them up to date import by import), then requests each endpoint
through Django's test client (real views, real SQL) and prints p50/p95 per endpoint and, last, one
JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import typer


def endpoints(target: str, peers: list[str]) -> list[tuple[str, str]]:
    """The requests timed, named by role so that runs on different profiles compare."""
    two = "".join(f"&peers={p}" for p in peers[:2])
    return [
        ("dashboard 30 days", "/listen/dashboard/?days=30"),
        ("dashboard 365 days", "/listen/dashboard/?days=365"),
        ("dashboard 730 days 2 peers", f"/listen/dashboard/?days=730{two}"),
        ("explorer target", f"/listen/explorer/?country={target}"),
        ("explorer target negative de", f"/listen/explorer/?country={target}&tone=negative&language=de"),
        ("api index target 2 years", f"/api/v1/index?country={target}"),
        ("api mentions target negative", f"/api/v1/mentions?country={target}&tone=negative"),
    ]


def _child(mentions: int, runs: int) -> None:
    # A fresh child process: its environment names the bench's database, so Django is set up here first.
    import datetime as dt
    import random

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from elshi.common.profile import current_profile
    from elshi.monitoring.models import Document, Mention

    call_command("migrate", verbosity=0)
    rng = random.Random(7)  # noqa: S311 - a repeatable benchmark corpus
    end = timezone.now().date()
    profile = current_profile()
    target, peers = profile.target, list(profile.peers)
    countries = [target] * 5 + peers
    narratives = [n.id for n in profile.narratives if not n.risk]
    most = len(narratives)
    text = f"{profile.country(target).name} opened a new rail link; critics said the project was late."
    started = time.perf_counter()
    batch = 20_000
    for offset in range(0, mentions, batch):
        n = min(batch, mentions - offset)
        days = [end - dt.timedelta(days=rng.randrange(730)) for _ in range(n)]
        docs = Document.objects.bulk_create(
            [
                Document(
                    canonical_url=f"https://bench.invalid/{offset + i}",
                    source_id="bench",
                    title=f"Article {offset + i}",
                    published_at=dt.datetime.combine(days[i], dt.time(12), dt.UTC),
                    language=rng.choice("en ru kk de".split()),
                    outlet_country=rng.choice(["US", "DE", "RU", target, "CN"]),
                    outlet=f"outlet{rng.randrange(300)}.example",
                    text=text,
                    content_hash=f"h{offset + i}",
                    story_id=f"s{(offset + i) // 3}",
                    narratives=[[k, 0.8] for k in rng.sample(narratives, min(rng.randrange(3), most))],
                )
                for i in range(n)
            ]
        )
        Mention.objects.bulk_create(
            [
                Mention(
                    document=doc,
                    country=rng.choice(countries),
                    count=1,
                    day=days[i],
                    tone_label=rng.choice(["positive", "neutral", "negative", "neutral"]),
                    tone_score=rng.uniform(-1, 1),
                )
                for i, doc in enumerate(docs)
            ]
        )
    made = time.perf_counter() - started
    from elshi.monitoring.rollup import rebuild

    started = time.perf_counter()
    rebuild()  # what the store path keeps up to date import by import, done once for the bulk-made corpus
    rolled = time.perf_counter() - started
    user = get_user_model().objects.create(username="bench", is_superuser=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    results = {}
    for name, url in endpoints(target, peers):
        client.get(url)  # warm
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        times.sort()
        results[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        }
    print(json.dumps({"made_s": round(made, 1), "rollup_s": round(rolled, 1), "endpoints": results}))


def bench_dashboard(
    mentions: int = typer.Option(100_000, min=1000, help="Mentions to generate over two years."),
    runs: int = typer.Option(20, min=3, help="Requests per endpoint."),
    database_url: str = typer.Option(
        "", "--database-url", help="Run on this (empty) database instead of SQLite."
    ),
) -> None:
    """p50 and p95 latency of the dashboard's data, the explorer and the API at N mentions."""
    with tempfile.TemporaryDirectory(prefix="elshi-bench-") as home:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env |= {"ELSHI_HOME": home, "DJANGO_SETTINGS_MODULE": "elshi.web.settings"}
        if database_url:
            env["DATABASE_URL"] = database_url
        typer.echo(f"generating {mentions:,} mentions over two years, then {runs} requests per endpoint …")
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "elshi.monitoring.bench", str(mentions), str(runs)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            typer.echo(done.stderr[-3000:], err=True)
            raise typer.Exit(1)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    typer.echo(f"{'endpoint':<28}{'p50 ms':>10}{'p95 ms':>10}")
    for name, row in figures["endpoints"].items():
        typer.echo(f"{name:<28}{row['p50_ms']:>10}{row['p95_ms']:>10}")
    worst = max(row["p95_ms"] for row in figures["endpoints"].values())
    typer.echo(
        json.dumps(
            {
                "bench": "dashboard",
                "mentions": mentions,
                "database": "postgresql" if database_url else "sqlite",
                "generated_s": figures["made_s"],
                "rollup_s": figures["rollup_s"],
                "worst_p95_ms": worst,
                "target_p95_ms": 200,
                "endpoints": figures["endpoints"],
            }
        )
    )


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
