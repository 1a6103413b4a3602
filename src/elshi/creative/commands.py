"""Command functions for the ``elshi`` CLI (registered by ``elshi.cli``; typer annotations here).

- ``render_card_spec``  -> ``elshi creative card SPEC.json -o card.png [--size 1080x1350] [--brand B.json]``
- ``render_video_spec`` -> ``elshi creative video SPEC.json -o clip.mp4 [--brand BRAND.json]``
- ``bench_creative``    -> ``elshi bench creative [--runs 7] [--video-runs 1] [--no-video]``

Conventions (DESIGN §8): progress on stderr, a readable table, and as the last line of stdout
one JSON object; exit 0 on success, 1 when the work fails, 2 on unusable input or arguments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from elshi.creative.bench import bench_cards, bench_video
from elshi.creative.brand import BrandKit
from elshi.creative.cards import render_card
from elshi.creative.errors import CreativeError, RenderError
from elshi.creative.spec import card_from_dict, storyboard_from_dict
from elshi.creative.video import render_video

__all__ = ["bench_creative", "render_card_spec", "render_video_spec"]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _load(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(f"{what} {path}: {exc}") from exc


def _brand(path: Path | None) -> BrandKit:
    if path is None:
        return BrandKit()
    try:
        return BrandKit.from_dict(_load(path, "brand kit"))
    except CreativeError as exc:
        raise _fail(f"brand kit {path}: {exc}") from exc


def render_card_spec(
    spec: Annotated[Path, typer.Argument(help="card JSON (see elshi.creative.spec)")],
    out: Annotated[Path, typer.Option("-o", "--out", help=".png, .jpg or .webp")] = Path("card.png"),
    size: Annotated[
        str, typer.Option("--size", help="1080x1080, 1080x1350, 1080x1920, 1200x675, 1200x630")
    ] = ("1080x1350"),
    brand: Annotated[Path | None, typer.Option("--brand", help="brand kit JSON")] = None,
) -> None:
    """Render one story card; prints its drafted alt text and, last, a JSON summary."""
    data = _load(spec, "card spec")
    try:
        rendered = render_card(card_from_dict(data), size, _brand(brand))
        rendered.save(out)
    except CreativeError as exc:
        raise _fail(f"{spec}: {exc}") from exc
    typer.echo(rendered.alt_text)
    typer.echo(
        json.dumps(
            {
                "card": str(out),
                "size": list(rendered.image.size),
                "alt_text": rendered.alt_text,
                "ai_labelled": rendered.ai_labelled,
            },
            ensure_ascii=False,
        )
    )


def render_video_spec(
    spec: Annotated[Path, typer.Argument(help="storyboard JSON (see elshi.creative.spec)")],
    out: Annotated[Path, typer.Option("-o", "--out", help="the .mp4; .srt and .vtt go beside it")] = Path(
        "clip.mp4"
    ),
    brand: Annotated[Path | None, typer.Option("--brand", help="brand kit JSON")] = None,
) -> None:
    """Render a storyboard to MP4 with captions, showing progress; last line is a JSON summary."""
    data = _load(spec, "storyboard")
    shown = {"value": -1}

    def progress(fraction: float, stage: str) -> None:
        percent = int(fraction * 100)
        if percent >= shown["value"] + 5 or stage == "done":
            shown["value"] = percent
            typer.echo(f"{stage:7s} {percent:3d}%", err=True)

    try:
        board = storyboard_from_dict(data)
        result = render_video(board, out, _brand(brand), progress=progress)
    except CreativeError as exc:
        raise _fail(f"{spec}: {exc}") from exc
    except RenderError as exc:
        raise _fail(f"rendering {spec} failed: {exc}", code=1) from exc
    info = result.info
    typer.echo(
        f"{out}: {info.duration:.2f} s, {info.width}x{info.height}, {info.video_codec}/{info.audio_codec}, "
        f"{len(result.cues)} captions"
    )
    typer.echo(
        json.dumps(
            {
                "video": str(out),
                "srt": str(result.srt_path),
                "vtt": str(result.vtt_path),
                "duration": info.duration,
                "captions": len(result.cues),
                "voiced": result.voiced,
            },
            ensure_ascii=False,
        )
    )


def bench_creative(
    runs: Annotated[int, typer.Option("--runs", help="timed renders per card template")] = 7,
    video_runs: Annotated[int, typer.Option("--video-runs", help="timed renders of the 15 s video")] = 1,
    video: Annotated[bool, typer.Option("--video/--no-video", help="include the 15 s video")] = True,
) -> None:
    """Median render time per card template and of a 15 s 1080x1920 captioned video."""
    if runs < 1 or video_runs < 1:
        raise _fail("--runs and --video-runs must be >= 1")
    typer.echo(f"rendering {runs} cards per template", err=True)
    rows = bench_cards(runs=runs)
    if video:
        typer.echo(f"rendering the 15 s video {video_runs} time(s)", err=True)
        rows.append(bench_video(runs=video_runs))
    width = max(len(r.name) for r in rows)
    typer.echo(f"{'render':{width}s}  runs  median ms  target ms  ok")
    for r in rows:
        verdict = "yes" if r.ok else "NO"
        typer.echo(f"{r.name:{width}s}  {r.runs:4d}  {r.median_ms:9.1f}  {r.target_ms:9.0f}  {verdict}")
    figures: dict[str, Any] = {"bench": "creative"}
    for r in rows:
        key = r.name.split(" ")[0] if r.name.startswith("video") else r.name.replace(" (", "_").rstrip(")")
        figures[f"{key}_ms"] = r.median_ms
    figures["card_target_ms"], figures["video_target_ms"] = 150, 15000
    figures["all_within_target"] = all(r.ok for r in rows)
    typer.echo(json.dumps(figures, ensure_ascii=False))
