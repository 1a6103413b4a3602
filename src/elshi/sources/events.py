"""GDELT Events 2.0 export files -> GdeltEvent (and RawDocument for the common pipeline).

An export file is tab-separated, 61 columns, no header, one event per row. Kept: the events where
a profile country is an actor (CAMEO alpha-3 actor country) or a location (FIPS geo country),
with CAMEO code, QuadClass, Goldstein scale, AvgTone, mention/source/article counts and the
source URL: the raw material of a relations view (who cooperates or clashes with whom).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from elshi.documents import Quarantined, RawDocument
from elshi.sources._country_table import FIPS_TO_ISO2, ISO3_TO_ISO2
from elshi.sources._io import open_binary, quarantine
from elshi.sources.countries import CountryFilter
from elshi.sources.gkg import parse_gdelt_timestamp

__all__ = ["EVENT_COLUMNS", "GdeltEvent", "QUAD_CLASSES", "iter_events", "parse_event_row"]

EVENT_COLUMNS = 61
QUAD_CLASSES = {
    1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict",
}


@dataclass(frozen=True, slots=True)
class GdeltEvent:
    event_id: int
    day: date
    date_added: datetime
    actor1_name: str
    actor1_country: str | None  # ISO alpha-2 from the CAMEO actor country code
    actor2_name: str
    actor2_country: str | None
    is_root_event: bool
    event_code: str  # CAMEO
    event_root_code: str
    quad_class: int
    goldstein: float
    num_mentions: int
    num_sources: int
    num_articles: int
    avg_tone: float
    actor1_geo_country: str | None  # ISO alpha-2 from FIPS
    actor2_geo_country: str | None
    action_geo_country: str | None
    action_geo_name: str
    action_geo_lat: float | None
    action_geo_long: float | None
    source_url: str

    def countries(self) -> set[str]:
        found = {self.actor1_country, self.actor2_country, self.actor1_geo_country,
                 self.actor2_geo_country, self.action_geo_country}
        return {c for c in found if c}

    def to_raw_document(self, source_id: str = "gdelt-events") -> RawDocument:
        """The event as a document: its source article's URL, with the event in ``extra``."""
        a1 = self.actor1_name or "?"
        a2 = self.actor2_name or "?"
        return RawDocument(
            source_id=source_id,
            url=self.source_url,
            title=f"{a1} -> {a2}: CAMEO {self.event_code} ({QUAD_CLASSES.get(self.quad_class, '?')})",
            text="",
            published_at=self.date_added,
            platform="gdelt-events",
            locations=sorted(self.countries()),
            extra={
                "gdelt_event_id": str(self.event_id), "event_day": self.day.isoformat(),
                "cameo_code": self.event_code, "cameo_root": self.event_root_code,
                "quad_class": str(self.quad_class), "goldstein": repr(self.goldstein),
                "avg_tone": repr(self.avg_tone), "num_mentions": str(self.num_mentions),
                "num_sources": str(self.num_sources), "num_articles": str(self.num_articles),
                "actor1": self.actor1_name, "actor1_country": self.actor1_country or "",
                "actor2": self.actor2_name, "actor2_country": self.actor2_country or "",
                "action_geo": self.action_geo_name, "action_geo_country": self.action_geo_country or "",
            },
        )


def _opt_float(value: str) -> float | None:
    return float(value) if value else None


# Hot path: codes in export files are already upper-case, and a file shares one DATEADDED and a
# few hundred SQLDATEs, so lookups go straight to the tables and dates are cached.
_geo = FIPS_TO_ISO2.get
_actor = ISO3_TO_ISO2.get


@functools.lru_cache(maxsize=4096)
def _day(sqldate: str) -> date:
    if len(sqldate) != 8 or not sqldate.isdigit():
        raise ValueError(f"SQLDATE {sqldate[:20]!r} is not YYYYMMDD")
    return date(int(sqldate[:4]), int(sqldate[4:6]), int(sqldate[6:]))


_added = functools.lru_cache(maxsize=256)(parse_gdelt_timestamp)


def parse_event_row(cols: list[str]) -> GdeltEvent:
    """One split export row -> GdeltEvent; ValueError with the reason when malformed."""
    if len(cols) != EVENT_COLUMNS:
        raise ValueError(f"{len(cols)} columns, expected {EVENT_COLUMNS}")
    quad = int(cols[29])
    if quad not in QUAD_CLASSES:
        raise ValueError(f"QuadClass {quad} is not 1-4")
    goldstein = float(cols[30])
    if not -10.0 <= goldstein <= 10.0:
        raise ValueError(f"GoldsteinScale {goldstein} is outside -10..10")
    url = cols[60].strip()
    if not url:
        raise ValueError("empty SOURCEURL")
    return GdeltEvent(
        event_id=int(cols[0]),
        day=_day(cols[1]),
        date_added=_added(cols[59]),
        actor1_name=cols[6], actor1_country=_actor(cols[7]),
        actor2_name=cols[16], actor2_country=_actor(cols[17]),
        is_root_event=cols[25] == "1",
        event_code=cols[26], event_root_code=cols[28], quad_class=quad, goldstein=goldstein,
        num_mentions=int(cols[31]), num_sources=int(cols[32]), num_articles=int(cols[33]),
        avg_tone=float(cols[34]),
        actor1_geo_country=_geo(cols[37]), actor2_geo_country=_geo(cols[45]),
        action_geo_country=_geo(cols[53]), action_geo_name=cols[52],
        action_geo_lat=_opt_float(cols[56]), action_geo_long=_opt_float(cols[57]),
        source_url=url,
    )


def iter_events(
    path: str | Path, *, countries: CountryFilter | None = None, source_id: str = "gdelt-events"
) -> Iterator[GdeltEvent | Quarantined]:
    """Stream an export file (plain or ``.zip``); yield kept events and quarantined bad rows.

    With a filter, rows that cannot concern the profile are skipped unread, bad or not.
    """
    flt = countries or CountryFilter()
    needles = tuple(b"\t" + f.encode() + b"\t" for f in sorted(flt.fips_codes))
    needles += tuple(i.encode() for i in sorted(flt.iso3_codes))
    name = Path(path).name
    with open_binary(path, member_suffix=".csv") as stream:
        for lineno, line, too_long in flt.candidate_lines(stream, needles, max_line=1024 * 1024):
            where = f"{name}:{lineno}"
            if too_long:
                yield quarantine(source_id, "row longer than the line limit", line, where)
                continue
            if not line.strip():
                continue
            if not flt.empty and not any(n in line for n in needles) and not flt.line_has_keyword(line):
                continue
            text = line.decode("utf-8", errors="replace")
            try:
                event = parse_event_row(text.split("\t"))
            except (ValueError, IndexError, OverflowError) as exc:
                yield quarantine(source_id, f"malformed Events row: {exc}", line, where)
                continue
            if not flt.empty and not (flt.countries & event.countries() or flt.text_matches(text)):
                continue
            yield event
