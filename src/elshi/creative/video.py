"""Short vertical video: a storyboard rendered to H.264/AAC MP4 with burned-in captions, SRT and VTT.

Each scene is drawn once per caption cue as a still (card or photo plus the cue, shaped like any
card text), and one ffmpeg filter graph loops the stills into frames, joins cues with cuts and
scenes with ``xfade`` transitions, and mixes voice-over (espeak-ng) and music over a silent bed
so that every file has an AAC track. Captions switch at the midpoint of each transition, and the
SRT/VTT cues carry exactly those times, so the files and the picture agree to the frame.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elshi.creative.brand import BrandKit
from elshi.creative.captions import Cue, split_cues, to_srt, to_vtt
from elshi.creative.ffmpeg import MediaInfo, probe, run_ffmpeg
from elshi.creative.fonts import FontLibrary
from elshi.creative.provenance import Provenance
from elshi.creative.soundtrack import soundtrack
from elshi.creative.storyboard import Storyboard
from elshi.creative.video_frames import caption_box, scene_image, with_caption

__all__ = ["Progress", "VideoResult", "render_video"]

Progress = Callable[[float, str], None]
ISO639_2 = {
    "kk": "kaz",
    "ru": "rus",
    "en": "eng",
    "de": "deu",
    "ar": "ara",
    "zh": "zho",
    "fr": "fra",
    "tr": "tur",
}


@dataclass(frozen=True)
class VideoResult:
    path: Path
    srt_path: Path
    vtt_path: Path
    cues: tuple[Cue, ...]
    info: MediaInfo
    alt_text: str
    provenance: Provenance
    voiced: bool


def _segments(
    board: Storyboard, index: int, offset: float
) -> tuple[list[tuple[float, float, str]], list[Cue]]:
    """Stills of scene ``index`` as (start, end, caption) on the final timeline, and its cues."""
    scene, half = board.scenes[index], board.overlap / 2
    first, last = index == 0, index == len(board.scenes) - 1
    start, end = offset + (0 if first else half), offset + scene.duration - (0 if last else half)
    cues = split_cues(scene.caption, start, end) if scene.caption.strip() else []
    if not cues:
        return [(offset, offset + scene.duration, "")], []
    bounds = [offset] + [c.start for c in cues[1:]] + [offset + scene.duration]
    return [(a, b, c.text) for a, b, c in zip(bounds, bounds[1:], cues, strict=False)], cues


def _provenance_of(visual: object) -> Provenance | None:
    found = getattr(visual, "provenance", None)
    return found if isinstance(found, Provenance) else None


def render_video(
    board: Storyboard,
    out: str | Path,
    brand: BrandKit | None = None,
    progress: Progress | None = None,
    made_by: str = "elshi",
    preset: str = "ultrafast",
    signing: Any = None,
) -> VideoResult:
    """Render ``board`` to ``out`` (.mp4) plus ``out.srt`` and ``out.vtt`` beside it.

    ``preset`` is x264's: on stills, ``ultrafast`` at CRF 20 measured both faster (4.4 s vs 10.1 s
    for 450 frames of 1080x1920) and closer to the source (PSNR 61-64 dB vs 53 dB) than
    ``superfast``, at a larger but still small file (about 0.4-0.8 MB per 15 s). It yields H.264
    Constrained Baseline (other presets: High), which every platform ingests.

    ``signing`` (a ``c2pa_manifest.SigningConfig``) embeds a signed C2PA manifest in the MP4.
    """
    brand = brand or BrandKit()
    library = FontLibrary.for_brand(brand.font_regular, brand.font_bold)
    language = board.language or brand.default_language
    report = progress or (lambda _f, _s: None)
    target = Path(out)
    box = caption_box(board.size, brand)
    fps = board.fps
    with tempfile.TemporaryDirectory(prefix="elshi-video-") as tmp:
        work = Path(tmp)
        inputs: list[str] = []
        graph: list[str] = []
        cues: list[Cue] = []
        alts: list[str] = []
        provenances: list[Provenance] = []
        scene_labels = []
        n_input = 0
        for i, (scene, offset) in enumerate(zip(board.scenes, board.offsets(), strict=True)):
            base, alt = scene_image(scene, board, brand, library)
            alts.append(alt or scene.caption)
            found = _provenance_of(scene.visual)
            if found is not None:
                provenances.append(found)
            parts: list[str] = []
            segments, scene_cues = _segments(board, i, offset)
            cues.extend(scene_cues)
            for start, end, text in segments:
                still = work / f"s{i:02d}_{len(parts):02d}.png"
                with_caption(base, text, box, library, language).save(still, compress_level=1)
                frames = round(end * fps) - round(start * fps)
                inputs += ["-framerate", str(fps), "-i", str(still)]
                graph.append(
                    # Convert once, then repeat the converted frame: colour conversion is the costly step.
                    f"[{n_input}:v]format=yuv420p,loop=loop={frames - 1}:size=1:start=0,"
                    f"settb=1/{fps},setpts=N[p{n_input}]"
                )
                parts.append(f"[p{n_input}]")
                n_input += 1
            graph.append(f"{''.join(parts)}concat=n={len(parts)}:v=1:a=0,fps={fps}[scene{i}]")
            scene_labels.append(f"[scene{i}]")
            report(0.15 * (i + 1) / len(board.scenes), "frames")
        video = _join_scenes(board, graph, scene_labels)
        audio, n_input, voiced = soundtrack(board, language, work, inputs, graph, n_input)
        report(0.2, "voice")
        srt, vtt = target.with_suffix(".srt"), target.with_suffix(".vtt")
        srt.write_text(to_srt(cues), encoding="utf-8")
        vtt.write_text(to_vtt(cues, language), encoding="utf-8")
        now = datetime.now(UTC)
        provenance = (
            provenances[0].composite(made_by, now)
            if provenances
            else Provenance("digitalCreation", made_by, now)
        )
        alt_text = " ".join(a.strip() for a in alts if a.strip())
        args = [
            *inputs,
            "-filter_complex",
            ";".join(graph),
            "-map",
            video,
            "-map",
            audio,
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-crf",
            "20",
            "-level:v",
            "4.1",
            "-pix_fmt",
            "yuv420p",
            "-r",
            str(fps),
            "-g",
            str(fps * 2),
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-t",
            f"{board.duration:.3f}",
            "-movflags",
            "+faststart",
            "-metadata",
            f"title={board.title}",
            "-metadata",
            f"language={ISO639_2.get(language[:2], 'und')}",
            "-metadata",
            "comment="
            + json.dumps(
                {
                    "digital_source_type": provenance.source_type_uri,
                    "made_by": made_by,
                    "model": provenance.model,
                    "tool": "elshi creative studio",
                },
                ensure_ascii=False,
            ),
            "-metadata:s:a:0",
            f"language={ISO639_2.get(language[:2], 'und')}",
            str(target),
        ]
        run_ffmpeg(args, board.duration, lambda f: report(0.2 + 0.8 * f, "encode"))
    if signing is not None:
        from elshi.creative.c2pa_manifest import sign_asset

        sign_asset(target, provenance, signing, title=board.title)
    report(1.0, "done")
    return VideoResult(target, srt, vtt, tuple(cues), probe(str(target)), alt_text, provenance, voiced)


def _join_scenes(board: Storyboard, graph: list[str], labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    if board.transition == "cut":
        graph.append(f"{''.join(labels)}concat=n={len(labels)}:v=1:a=0[vout]")
        return "[vout]"
    current = labels[0]
    for i, (label, offset) in enumerate(zip(labels[1:], board.offsets()[1:], strict=True), 1):
        name = "[vout]" if i == len(labels) - 1 else f"[x{i}]"
        graph.append(
            f"{current}{label}xfade=transition={board.transition}:duration={board.overlap}:"
            f"offset={offset:.3f}{name}"
        )
        current = name
    return "[vout]"
