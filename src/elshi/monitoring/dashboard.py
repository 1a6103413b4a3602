"""The dashboard's figures for one period and peer set, beside the previous period of equal length.

Everything here reads the daily rollups (elshi.monitoring.index), so the number of queries is
fixed whatever the period or the volume: the view test asserts it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from elshi.monitoring import index
from elshi.monitoring.models import Alert, DailyIndex
from elshi.sources._country_table import ISO3_TO_ISO2


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    previous: str
    change: float | None  # signed, in the tile's own unit
    change_text: str
    better: bool | None  # whether the change is good news (None: neither)

    @property
    def arrow(self) -> str:
        if not self.change:
            return "→"
        return "▲" if self.change > 0 else "▼"

    @property
    def direction(self) -> str:
        if not self.change:
            return _("no change")
        return _("up") if self.change > 0 else _("down")


def _signed(value: float, unit: str = "", digits: int = 1) -> str:
    return f"{value:+.{digits}f}{unit}" if value else f"0{unit}"


def _tile(
    label: str,
    now: float | None,
    then: float | None,
    *,
    unit: str = "",
    scale: float = 1.0,
    good_when_up: bool | None = True,
    percent_change: bool = False,
    digits: int = 1,
) -> Tile:
    def shown(v: float | None) -> str:
        return "—" if v is None else f"{v * scale:,.{digits}f}{unit}"

    if now is None or then is None:
        return Tile(label, shown(now), shown(then), None, _("no previous figure"), None)
    if percent_change:
        change = (now - then) / then * 100 if then else None
        text = _signed(change, "%") if change is not None else _("new")
    else:
        change = (now - then) * scale
        text = _signed(change, " pt" if unit == "%" else "", digits)
    better = None if not change or good_when_up is None else (change > 0) == good_when_up
    return Tile(
        label, shown(now), shown(then), round(change, 2) if change is not None else None, text, better
    )


@functools.cache
def iso3() -> dict[str, str]:
    return {two: three for three, two in ISO3_TO_ISO2.items()}


def context(target: str, peers: list[str], start: dt.date, end: dt.date) -> dict[str, Any]:
    countries = [target, *peers]
    prev_start, prev_end = index.previous_period(start, end)
    rows = index.country_rows(start, end, countries)
    before = {r.country: r for r in index.country_rows(prev_start, prev_end, countries)}
    now = next(r for r in rows if r.country == target)
    then = before[target]
    had_before = then.mentions > 0
    tiles = [
        _tile(
            _("Mentions"), now.mentions, then.mentions if had_before else None, percent_change=True, digits=0
        ),
        _tile(_("Image score"), now.image_score, then.image_score),
        _tile(_("Mean tone"), now.mean_tone, then.mean_tone, digits=2),
        _tile(
            _("Negative share"),
            now.negative_share if now.mentions else None,
            then.negative_share if had_before else None,
            unit="%",
            scale=100,
            good_when_up=False,
        ),
        _tile(
            _("Share of voice"),
            now.share_of_voice if now.mentions else None,
            then.share_of_voice if had_before else None,
            unit="%",
            scale=100,
        ),
    ]
    series = index.daily_mentions(start, end, countries)
    tone_days = index.daily_series(target, start, end)
    narratives, trend = index.narrative_mix(target, start, end)
    by_outlet_country, by_language = index.breakdowns(target, start, end)
    outlets = index.top_outlets(target, start, end)
    relations = [
        {
            "counterpart": r.counterpart,
            "events": r.events,
            "cooperation_events": r.by_quad_class[1] + r.by_quad_class[2],
            "conflict_events": r.by_quad_class[3] + r.by_quad_class[4],
            "cooperation_share": r.cooperation_share,
            "goldstein": r.goldstein,
            "tone": r.tone,
        }
        for r in index.relations_for(target, start, end)
    ]
    alerts = list(Alert.objects.order_by("-day", "-created_at")[:5])
    codes = iso3()
    charts = {
        "volume": [
            {
                "x": [d.isoformat() for d, _n in pts],
                "y": [n for _d, n in pts],
                "name": code,
                "type": "scatter",
                "mode": "lines+markers",
            }
            for code, pts in series.items()
            if pts
        ],
        "tone": [
            {
                "x": [r.day.isoformat() for r in tone_days],
                "y": [r.mean_tone for r in tone_days],
                "name": target,
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"color": "#00829A"},
            }
        ],
        "voice": [
            {
                "x": [r.country for r in rows],
                "y": [round(r.share_of_voice * 100, 1) for r in rows],
                "type": "bar",
                "name": _("this period"),
                "marker": {"color": "#00829A"},
            },
            {
                "x": [r.country for r in rows],
                "y": [round(before[r.country].share_of_voice * 100, 1) for r in rows],
                "type": "bar",
                "name": _("previous period"),
                "marker": {"color": "#9fb8bf"},
            },
        ],
        "narratives": [
            {
                "y": [n.key for n in narratives],
                "x": [round(n.share * 100, 1) for n in narratives],
                "type": "bar",
                "orientation": "h",
                "name": _("this period"),
                "marker": {"color": "#00829A"},
            },
            {
                "y": [n.key for n in narratives],
                "x": [round(n.previous_share * 100, 1) for n in narratives],
                "type": "bar",
                "orientation": "h",
                "name": _("previous period"),
                "marker": {"color": "#9fb8bf"},
            },
        ],
        "trend": [
            {
                "x": t["weeks"],
                "y": [round(s * 100, 1) for s in t["shares"]],
                "name": t["narrative"],
                "type": "scatter",
                "mode": "lines+markers",
            }
            for t in trend[:6]
        ],
        "map": [
            {
                "type": "choropleth",
                "locationmode": "ISO-3",
                "locations": [codes.get(s.key, "") for s in by_outlet_country if s.key in codes],
                "z": [s.documents for s in by_outlet_country if s.key in codes],
                "text": [s.key for s in by_outlet_country if s.key in codes],
                "colorscale": [[0, "#e6f7fa"], [1, "#00627a"]],
                "colorbar": {"title": {"text": _("documents")}},
            }
        ],
        "languages": [
            {
                "x": [s.key or "und" for s in by_language],
                "y": [s.documents for s in by_language],
                "type": "bar",
                "marker": {"color": "#00829A"},
            }
        ],
    }
    findings = {
        "voice": _("%(country)s had %(share)s%% of the peers' share of voice; image score %(score)s.")
        % {
            "country": target,
            "share": round(now.share_of_voice * 100, 1),
            "score": now.image_score if now.image_score is not None else "—",
        },
    }
    if narratives:
        top = narratives[0]
        findings["narratives"] = _("%(narrative)s is the largest narrative: %(share)s%% of documents.") % {
            "narrative": top.key,
            "share": round(top.share * 100, 1),
        }
    if by_outlet_country:
        lead = by_outlet_country[0]
        findings["map"] = _("Most coverage came from outlets in %(country)s (%(share)s%% of documents).") % {
            "country": lead.key or "—",
            "share": round(lead.share * 100, 1),
        }
    if by_language:
        lead = by_language[0]
        findings["languages"] = _("%(language)s leads with %(share)s%% of documents.") % {
            "language": lead.key or "und",
            "share": round(lead.share * 100, 1),
        }
    return {
        "rows": rows,
        "previous": before,
        "tiles": tiles,
        "prev_start": prev_start,
        "prev_end": prev_end,
        "narratives": narratives,
        "by_outlet_country": by_outlet_country,
        "by_language": by_language,
        "outlets": outlets,
        "relations": relations,
        "latest_alerts": alerts,
        "tone_days": tone_days,
        "charts": charts,
        "findings": findings,
        "finding": findings["voice"],
    }


def latest_day() -> dt.date | None:
    return DailyIndex.objects.order_by("-day").values_list("day", flat=True).first()
