"""Command functions for the ``elshi`` CLI (registered by ``elshi.cli``).

- ``sources_parse`` -> ``elshi sources parse --kind KIND PATH... -o OUT.jsonl``
- ``bench_sources`` -> ``elshi bench sources``

DESIGN section 8: progress on stderr, a one-line summary last; bench prints a table and, as its
last line, one JSON object; exit 2 for unusable input, naming it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from elshi.analysis.profile import ProfileError, configured_profile_name, load_profile
from elshi.sources.countries import CountryFilter
from elshi.sources.domains import DomainCountryLookup
from elshi.sources.errors import BadInput
from elshi.sources.imports import ColumnMapping
from elshi.sources.parse import KINDS, parse_path
from elshi.sources.serialize import JsonlWriter

__all__ = ["bench_sources", "sources_parse"]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


def profile_filter() -> tuple[str, str]:
    """The configured profile's target code and its English adjectives (``ELSHI_PROFILE``).

    The filter matches substrings, so an adjective usually also keeps the rows that spell the name;
    a target without an English adjective falls back to its first English name."""
    profile = load_profile(configured_profile_name())
    target = profile.country(profile.target)
    en = [a for a in target.aliases if a.lang == "en" and a.kind in ("adjective", "name")]
    words = [a.form for a in en if a.kind == "adjective"] or [a.form for a in en][:1]
    return profile.target, ",".join(words)


def _mapping(text: str, timezone: str) -> ColumnMapping:
    if not text:
        return ColumnMapping(timezone=timezone)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"--mapping is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadInput("--mapping must be a JSON object like {\"url\": \"Link\", \"text\": \"Hit Sentence\"}")
    try:
        return ColumnMapping(timezone=timezone, **data)
    except TypeError as exc:
        raise BadInput(f"--mapping has an unknown field: {exc}") from exc


def sources_parse(
    paths: Annotated[list[Path], typer.Argument(help="Input files (GDELT files may be .zip).")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(KINDS)}.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output JSONL; bad items go beside it.")],
    countries: Annotated[str, typer.Option(help="GDELT filter: ISO alpha-2 codes, comma-separated.")] = "",
    keywords: Annotated[str, typer.Option(help="GDELT filter: words, comma-separated.")] = "",
    domains: Annotated[
        Path | None, typer.Option(help="GDELT domain-country lookup (csv/zip/cache) for outlet countries.")
    ] = None,
    mapping: Annotated[str, typer.Option(help='Imports: JSON column mapping, e.g. {"url": "Link"}.')] = "",
    timezone: Annotated[str, typer.Option(help="Imports: IANA zone of dates written without one.")] = "UTC",
) -> None:
    """Parse local files of one kind into RawDocuments, one JSON object a line."""
    if kind not in KINDS:
        raise _fail(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    try:
        flt = CountryFilter.of(countries.split(","), keywords.split(","))
        column_mapping = _mapping(mapping, timezone)
        lookup = DomainCountryLookup.from_file(domains) if domains is not None else None
    except (BadInput, ValueError) as exc:
        raise _fail(str(exc)) from exc
    quarantine_path = out.with_name(out.name.removesuffix(".jsonl") + ".quarantine.jsonl")
    started = time.perf_counter()
    try:
        docs, bad = out.open("w", encoding="utf-8"), quarantine_path.open("w", encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {exc.filename}: {exc.strerror}") from exc
    with docs, bad:
        writer = JsonlWriter(docs, bad)
        for n, path in enumerate(paths, 1):
            before = (writer.parsed, writer.quarantined)
            try:
                for item in parse_path(kind, path, countries=flt, domains=lookup, mapping=column_mapping):
                    writer.write(item)
            except BadInput as exc:
                raise _fail(str(exc)) from exc
            typer.echo(f"[{n}/{len(paths)}] {path}: {writer.parsed - before[0]} parsed, "
                       f"{writer.quarantined - before[1]} quarantined", err=True)
    elapsed = time.perf_counter() - started
    typer.echo(f"parsed={writer.parsed} quarantined={writer.quarantined} files={len(paths)} "
               f"seconds={elapsed:.2f} out={out} quarantine={quarantine_path}")
    if writer.parsed == 0:
        raise typer.Exit(code=2 if writer.quarantined else 1)


def bench_sources(
    gdelt_dir: Annotated[Path, typer.Option(help="Folder with gkg/, events/ and lookups/.")] = Path(
        "../shared/data/gdelt"),
    big_mb: Annotated[int, typer.Option(help="Size of the GKG file made by repeating real rows.")] = 150,
    countries: Annotated[
        str, typer.Option(help="Profile countries, ISO alpha-2 (default: the profile's target).")
    ] = "",
    keywords: Annotated[
        str, typer.Option(help="Profile keywords (default: the target's English adjective).")
    ] = "",
) -> None:
    """Records/s and peak memory of the GDELT parsers on the real files (DESIGN section 8)."""
    from elshi.sources.bench import run_bench  # keeps the multiprocessing machinery out of the CLI start

    if not (gdelt_dir / "gkg").is_dir() or not (gdelt_dir / "events").is_dir():
        raise _fail(f"{gdelt_dir}: no gkg/ and events/ folders (the real GDELT files)")
    if not countries or not keywords:
        try:
            target, words = profile_filter()
        except ProfileError as exc:
            raise _fail(str(exc)) from exc
        countries, keywords = countries or target, keywords or words
    try:
        CountryFilter.of(countries.split(","), keywords.split(","))
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    rows, summary = run_bench(gdelt_dir, big_mb=big_mb, countries=countries, keywords=keywords,
                              progress=lambda m: typer.echo(m, err=True))
    typer.echo(f"{'case':<28}{'records':>10}{'kept':>8}{'seconds':>9}{'records/s':>12}{'peak MB':>9}"
               f"{'target':>12}")
    for r in rows:
        typer.echo(f"{r['case']:<28}{r['records']:>10}{r['kept']:>8}{r['seconds']:>9.3f}"
                   f"{r['records_per_s']:>12,.0f}{r['peak_mb']:>9.0f}{r['target']:>12}")
    sys.stdout.flush()
    typer.echo(json.dumps(summary))
