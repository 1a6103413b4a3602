"""The brief's charts as PNG, drawn by matplotlib without a display (Agg) and embedded as data URIs.

Tone colours are elshi's (UI.md): negative #C0392B, neutral #7F8C8D, positive #1E8449. Labels use
Noto Sans (Kazakh and Russian Cyrillic), falling back to DejaVu Sans. Only families matplotlib
really has are named: asking for a missing one logs a "findfont" warning for every label drawn.
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402  (the backend is chosen first)
from matplotlib.figure import Figure  # noqa: E402

from elshi.creative.fonts import warn_font_gaps  # noqa: E402

TONES = (("positive", "#1E8449"), ("neutral", "#7F8C8D"), ("negative", "#C0392B"))
FONTS = ["Noto Sans", "DejaVu Sans"]
log = logging.getLogger(__name__)


def refresh_font_cache() -> int:
    """Add the fonts installed since matplotlib's cache was written; return how many were new.

    matplotlib reads its font list from a cache made the first time it ran and never looks
    again: fonts installed afterwards stay unknown, and each label asks for them in vain.
    """
    manager = font_manager.fontManager
    known = {os.path.realpath(entry.fname) for entry in manager.ttflist}
    added = 0
    for path in font_manager.findSystemFonts():
        if os.path.realpath(path) in known:
            continue
        try:
            manager.addfont(path)
            added += 1
        except (OSError, RuntimeError, ValueError):
            continue  # a file FreeType cannot read is no font for charts
    if added:
        cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
        with contextlib.suppress(OSError):
            font_manager.json_dump(manager, str(cache))  # the next process starts with the new list
    return added


@lru_cache(maxsize=1)
def chart_fonts() -> tuple[str, ...]:
    """The families of FONTS that are installed, in order; says once what falls back."""
    refresh_font_cache()
    installed = {entry.name for entry in font_manager.fontManager.ttflist if os.path.isfile(entry.fname)}
    warn_font_gaps(log)
    return tuple(family for family in FONTS if family in installed) or ("sans-serif",)


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height))
    matplotlib.rcParams["font.family"] = list(chart_fonts())
    return fig


def tone_volume_chart(days: list[dict[str, Any]], labels: dict[str, str], ylabel: str) -> str:
    """Mention rows per day, stacked by tone."""
    fig = _figure(7.0, 2.6)
    ax = fig.add_subplot()
    x = [d["day"][5:] for d in days]
    bottom = [0] * len(days)
    for key, colour in TONES:
        values = [d[key] for d in days]
        ax.bar(x, values, bottom=bottom, color=colour, label=labels[key])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def share_of_voice_chart(countries: list[dict[str, Any]], target: str, xlabel: str) -> str:
    fig = _figure(7.0, 0.35 * max(len(countries), 3) + 0.8)
    ax = fig.add_subplot()
    names = [c["name"] for c in countries][::-1]
    shares = [round(c["share_of_voice"] * 100, 1) for c in countries][::-1]
    colours = ["#00829A" if c["country"] == target else "#B0BEC5" for c in countries][::-1]
    ax.barh(names, shares, color=colours)
    for y, share in enumerate(shares):
        ax.text(share, y, f" {share}%", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
