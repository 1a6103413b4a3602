"""``elshi bench sources``: GDELT parser speed and peak memory on the real files.

The filtered cases keep the profile's rows (by default the configured profile's target, by code or
its English adjective, which ``elshi.sources.commands`` reads from the profile);
one case parses every Events row, to show the parser's own speed. Each case runs in a fresh
interpreter so that its peak resident memory (``ru_maxrss``) is its
own: interpreter, imports and parsing together. Targets (issue 4, 2 cores): one 15-minute GKG
file parsed and filtered in under 1 s; 131,411 Events rows in under 3 s; peak under 300 MB
whatever the file size.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from elshi.measure import peak_rss_mb

__all__ = ["run_bench"]


def _case(kind: str, paths: list[str], countries: str, keywords: str) -> dict[str, float]:
    # The bench loads what it measures when it runs (its memory figure must not include the rest).
    from elshi.documents import RawDocument
    from elshi.sources.countries import CountryFilter
    from elshi.sources.events import GdeltEvent, iter_events
    from elshi.sources.gkg import iter_gkg

    flt = CountryFilter.of(countries.split(","), keywords.split(","))
    started = time.perf_counter()
    kept = 0
    for path in paths:
        items = iter_gkg(path, countries=flt) if kind == "gkg" else iter_events(path, countries=flt)
        kept += sum(1 for i in items if isinstance(i, RawDocument | GdeltEvent))
    seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    return {"seconds": seconds, "kept": kept, "peak_mb": peak_mb}


def _isolated(kind: str, paths: list[Path], countries: str, keywords: str) -> dict[str, float]:
    """Run one case in a fresh interpreter (``python -m elshi.sources.bench``) and read its JSON."""
    argv = [sys.executable, "-m", "elshi.sources.bench", kind, countries, keywords, *map(str, paths)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603 - our own module
    if done.returncode != 0:
        raise RuntimeError(f"bench case {kind} failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _count_lines(paths: list[Path]) -> int:
    total = 0
    for p in paths:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z, z.open(z.namelist()[0]) as f:
                total += sum(1 for _ in f)
        else:
            with p.open("rb") as f:
                total += sum(1 for _ in f)
    return total


def _make_big_gkg(source: Path, target: Path, megabytes: int) -> int:
    """A plain GKG file of about ``megabytes`` MB made by repeating the real rows; returns its rows."""
    with zipfile.ZipFile(source) as z, z.open(z.namelist()[0]) as f:
        rows = f.read()
    if not rows.endswith(b"\n"):
        rows += b"\n"
    per_copy = rows.count(b"\n")
    copies = max(1, round(megabytes * 1024 * 1024 / len(rows)))
    with target.open("wb") as out:
        for _ in range(copies):
            out.write(rows)
    return per_copy * copies


def run_bench(
    gdelt_dir: Path, *, countries: str, keywords: str, big_mb: int = 150,
    progress: Callable[[str], None] = print,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    gkg_files = sorted((gdelt_dir / "gkg").glob("*.gkg.csv*"))[:1]
    event_files = sorted((gdelt_dir / "events").glob("*.export.CSV"))
    rows: list[dict[str, Any]] = []

    def record(
        case: str, kind: str, paths: list[Path], records: int, target: str, filtered: bool = True
    ) -> None:
        progress(f"running {case} ({records:,} records) ...")
        result = _isolated(kind, paths, countries if filtered else "", keywords if filtered else "")
        rows.append({"case": case, "records": records, "kept": int(result["kept"]),
                     "seconds": result["seconds"], "records_per_s": records / max(result["seconds"], 1e-9),
                     "peak_mb": result["peak_mb"], "target": target})

    record("gkg 15-min file (zip)", "gkg", gkg_files, _count_lines(gkg_files), "< 1 s")
    event_rows = _count_lines(event_files)
    record(f"events x{len(event_files)} files", "events", event_files, event_rows, "< 3 s")
    record("events, every row parsed", "events", event_files, event_rows, "(no filter)", filtered=False)
    with tempfile.TemporaryDirectory(prefix="elshi-bench-") as tmp:
        big = Path(tmp) / "big.gkg.csv"
        progress(f"building a {big_mb} MB GKG file from repeated real rows ...")
        big_rows = _make_big_gkg(gkg_files[0], big, big_mb)
        size_mb = big.stat().st_size / 1024 / 1024
        record(f"gkg {size_mb:.0f} MB (repeated rows)", "gkg", [big], big_rows, "< 300 MB")
    gkg, events, events_all, big_case = rows
    summary = {
        "bench": "sources",
        "gkg_records_per_s": round(gkg["records_per_s"]), "gkg_seconds": round(gkg["seconds"], 3),
        "events_records": events["records"], "events_records_per_s": round(events["records_per_s"]),
        "events_seconds": round(events["seconds"], 3),
        "events_unfiltered_records_per_s": round(events_all["records_per_s"]),
        "gkg_big_mb": round(size_mb), "gkg_big_records_per_s": round(big_case["records_per_s"]),
        "gkg_big_seconds": round(big_case["seconds"], 3),
        "peak_mb": round(max(r["peak_mb"] for r in rows)),
        "targets_met": bool(gkg["seconds"] < 1 and events["seconds"] < 3
                            and max(r["peak_mb"] for r in rows) < 300),
    }
    return rows, summary


if __name__ == "__main__":
    _kind, _countries, _keywords, *_paths = sys.argv[1:]
    print(json.dumps(_case(_kind, _paths, _countries, _keywords)))
