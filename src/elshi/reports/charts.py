"""The brief's charts as PNG, drawn by matplotlib without a display (Agg) and embedded as data URIs.

Tone colours are elshi's (UI.md): negative #C0392B, neutral #7F8C8D, positive #1E8449. Labels use
Noto Sans (Kazakh and Russian Cyrillic), falling back to DejaVu Sans.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402  (the backend is chosen first)

TONES = (("positive", "#1E8449"), ("neutral", "#7F8C8D"), ("negative", "#C0392B"))
FONTS = ["Noto Sans", "DejaVu Sans"]


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height))
    matplotlib.rcParams["font.family"] = FONTS
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
