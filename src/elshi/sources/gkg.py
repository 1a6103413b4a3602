"""GDELT Global Knowledge Graph 2.1 files -> RawDocument.

A GKG file is tab-separated, 27 columns, no header, one row per article (``-T`` record ids come
from the translingual stream). Files are 10-150 MB unzipped: rows are streamed one at a time from
the plain or zipped file, and a cheap byte-level test skips rows that cannot match the
profile's countries before any field is split.

Kept per row: GDELT's V2Tone (all seven fields), location countries (ISO alpha-2, from FIPS),
themes, persons, organisations, source name and URL, page title and precise publication time
from Extras, and the source language from TranslationInfo.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from elshi.documents import GdeltTone, Quarantined, RawDocument
from elshi.sources._io import open_binary, quarantine
from elshi.sources._langs import iso639_1
from elshi.sources.countries import CountryFilter, fips_to_iso2
from elshi.sources.domains import DomainCountryLookup

__all__ = ["GKG_COLUMNS", "iter_gkg", "parse_gkg_row", "parse_gdelt_timestamp"]

GKG_COLUMNS = 27
_TITLE = re.compile(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", re.S)
_PRECISE = re.compile(r"<PAGE_PRECISEPUBTIMESTAMP>(\d{14})</PAGE_PRECISEPUBTIMESTAMP>")
_SRCLC = re.compile(r"srclc:([a-z]{2,3})")


def parse_gdelt_timestamp(value: str) -> datetime:
    """``YYYYMMDDHHMMSS`` (GDELT's format, always UTC) -> aware datetime; ValueError when malformed."""
    v = value.strip()
    if len(v) != 14 or not v.isdigit():
        raise ValueError(f"not a YYYYMMDDHHMMSS timestamp: {v[:40]!r}")
    return datetime(int(v[0:4]), int(v[4:6]), int(v[6:8]), int(v[8:10]), int(v[10:12]), int(v[12:14]),
                     tzinfo=UTC)


def _tone(value: str) -> GdeltTone | None:
    if not value:
        return None
    parts = value.split(",")
    if len(parts) < 7:
        raise ValueError(f"V2Tone has {len(parts)} fields, expected 7")
    f = [float(p) for p in parts[:6]]
    return GdeltTone(tone=f[0], positive=f[1], negative=f[2], polarity=f[3], activity_density=f[4],
                     self_group_density=f[5], word_count=int(float(parts[6])))


def _location_countries(v1: str, v2: str) -> list[str]:
    """ISO alpha-2 of every location, in order of first appearance (3rd '#' field is FIPS)."""
    seen: dict[str, None] = {}
    for block in itertools.chain(v2.split(";"), v1.split(";")):
        fields = block.split("#")
        if len(fields) > 2 and fields[2]:
            iso = fips_to_iso2(fields[2])
            if iso is not None:
                seen.setdefault(iso, None)
    return list(seen)


def _unique(value: str) -> list[str]:
    return list(dict.fromkeys(x for x in value.split(";") if x))


def parse_gkg_row(
    cols: list[str], *, source_id: str = "gdelt-gkg", domains: DomainCountryLookup | None = None
) -> RawDocument:
    """One split GKG row -> RawDocument; raises ValueError with the reason when malformed."""
    if len(cols) != GKG_COLUMNS:
        raise ValueError(f"{len(cols)} columns, expected {GKG_COLUMNS}")
    record_id, url = cols[0], cols[4].strip()
    if not record_id:
        raise ValueError("empty GKGRECORDID")
    if not url:
        raise ValueError("empty DocumentIdentifier")
    extras = cols[26]
    precise = _PRECISE.search(extras)
    published = parse_gdelt_timestamp(precise.group(1) if precise else cols[1])
    title_match = _TITLE.search(extras)
    title = html.unescape(title_match.group(1)).strip() if title_match else ""
    srclc = _SRCLC.search(cols[25])
    language = iso639_1(srclc.group(1)) if srclc else "en"
    outlet = cols[3] or None
    outlet_country = None
    if domains is not None:
        outlet_country = domains.country_of(url if "://" in url else (outlet or ""))
    extra = {"gdelt_record_id": record_id, "gdelt_collection": cols[2]}
    if "-T" in record_id:
        extra["gdelt_translingual"] = "true"
    if cols[25]:
        extra["gdelt_translation"] = cols[25]
    if cols[18]:
        extra["sharing_image"] = cols[18]
    return RawDocument(
        source_id=source_id,
        url=url,
        title=title,
        text="",
        published_at=published,
        language_hint=language,
        outlet=outlet,
        outlet_country=outlet_country,
        platform="gdelt",
        gdelt_tone=_tone(cols[15]),
        locations=_location_countries(cols[9], cols[10]),
        themes=_unique(cols[7]),
        persons=_unique(cols[11]),
        organisations=_unique(cols[13]),
        extra=extra,
    )


def iter_gkg(
    path: str | Path,
    *,
    countries: CountryFilter | None = None,
    domains: DomainCountryLookup | None = None,
    source_id: str = "gdelt-gkg",
) -> Iterator[RawDocument | Quarantined]:
    """Stream a GKG file (plain or ``.zip``); yield kept rows and quarantined bad rows.

    With a filter, rows that cannot concern the profile are skipped unread, bad or not.
    """
    flt = countries or CountryFilter()
    needles = tuple(b"#" + f.encode() + b"#" for f in sorted(flt.fips_codes))
    name = Path(path).name
    with open_binary(path, member_suffix=".csv") as stream:
        for lineno, line, too_long in flt.candidate_lines(stream, needles):
            where = f"{name}:{lineno}"
            if too_long:
                yield quarantine(source_id, "row longer than the line limit", line, where)
                continue
            if not line.strip():
                continue
            if not flt.empty:
                if not any(n in line for n in needles) and not flt.line_has_keyword(line):
                    continue
            text = line.decode("utf-8", errors="replace")
            cols = text.split("\t")
            try:
                doc = parse_gkg_row(cols, source_id=source_id, domains=domains)
            except (ValueError, IndexError, OverflowError) as exc:
                yield quarantine(source_id, f"malformed GKG row: {exc}", line, where)
                continue
            if not flt.empty and not (flt.countries.intersection(doc.locations) or flt.text_matches(text)):
                continue  # the byte test matched something other than a location country
            if "\ufffd" in text:
                doc.extra["encoding_repaired"] = "true"
            yield doc
