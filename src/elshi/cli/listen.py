"""`elshi listen import`: load files into listening, analysed and stored, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from elshi.cli._django import fail, setup

console = Console()
listen_app = typer.Typer(help="Listening: import documents, analyse and store them.", no_args_is_help=True)


@listen_app.command("import")
def listen_import(
    paths: list[Path] = typer.Argument(..., help="Files to import (GDELT files may be .zip)."),
    kind: str = typer.Option(
        ...,
        "--kind",
        help="gdelt-gkg, gdelt-events, feed, sitemap, bluesky, mastodon, telegram, csv, jsonl or xlsx.",
    ),
    countries: str = typer.Option(
        "", "--countries", help="GDELT filter: ISO codes, comma-separated (default: all)."
    ),
    profile: str = typer.Option(
        "", "--profile", help="Country profile, a shipped name or a YAML path (default: ELSHI_PROFILE)."
    ),
    scheduler: str = typer.Option("", "--scheduler", help="Dask scheduler for the per-file work, tcp://HOST:PORT."),
    tone: str = typer.Option(
        "", "--tone-model", help="lexicon, embedding (default when installed) or hf:PATH."
    ),
) -> None:
    """Parse, analyse and store documents; re-importing the same files duplicates nothing."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.sources.parse import KINDS

    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}", 2)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise fail(f"not a file: {', '.join(missing)}", 2)
    from elshi.monitoring.ingest import import_paths

    codes = [c.strip().upper() for c in countries.split(",") if c.strip()]
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("documents analysed and stored", total=None)
        summary = import_paths(
            kind,
            paths,
            profile=profile or None,  # None: the configured profile (elshi.common.profile)
            tone=tone or None,
            countries=codes or None,
            progress=lambda n: progress.advance(task, n),
            scheduler=scheduler or None,
        )
    console.print(summary.line())
    if summary.parsed == 0:
        raise typer.Exit(1)
