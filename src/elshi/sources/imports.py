"""File imports: CSV, JSONL and XLSX exports from other monitoring tools -> RawDocument.

A :class:`ColumnMapping` says which column holds what. The default recognises the usual
headers of media-monitoring exports (``url``/``link``/``permalink``, ``headline``/``title``,
``hit sentence``/``content``/``text``, ``date``/``published``, ``author``, ``source``, ``country``,
``language`` and engagement columns) case-insensitively; an import overrides any of them.
Preamble rows above the header (report titles, date ranges) are skipped by looking for the first
row that has a URL column. CSV encoding is taken from a BOM, else UTF-8, else detected
(UTF-16 tab-separated exports are common); the delimiter is sniffed.

Dates without a zone are taken in ``ColumnMapping.timezone`` (UTC by default) and flagged.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import charset_normalizer
from dateutil import parser as dateparser

from elshi.documents import Quarantined, RawDocument
from elshi.sources._country_table import NAME_TO_ISO2
from elshi.sources._io import quarantine
from elshi.sources.errors import BadInput

__all__ = ["ColumnMapping", "iter_csv", "iter_jsonl", "iter_xlsx", "sniff_encoding"]

_DEFAULTS: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "permalink", "article url", "post url", "full url", "source url"),
    "title": ("title", "headline", "post title"),
    "text": ("text", "content", "full text", "hit sentence", "body", "snippet", "message", "opening text"),
    "published_at": ("published_at", "date", "published", "published date", "publish date", "created_at",
                     "time", "timestamp"),
    "author": ("author", "author name", "influencer", "screen name", "username", "byline"),
    "outlet": ("outlet", "source", "source name", "domain", "publication", "media outlet", "site"),
    "outlet_country": ("country", "source country", "outlet country", "country code"),
    "language": ("language", "lang", "language code"),
}
_ENGAGEMENT: dict[str, tuple[str, ...]] = {
    "like": ("likes", "like count", "favorites", "reactions"),
    "share": ("shares", "retweets", "reposts", "share count"),
    "comment": ("comments", "replies", "comment count"),
    "view": ("views", "impressions", "reach"),
}
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
_MAX_CSV_LINE = 16 * 1024 * 1024


@dataclass(frozen=True)
class ColumnMapping:
    """Column names per field; ``None`` means "find it among the usual names"."""

    url: str | None = None
    title: str | None = None
    text: str | None = None
    published_at: str | None = None
    author: str | None = None
    outlet: str | None = None
    outlet_country: str | None = None
    language: str | None = None
    engagement: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    dayfirst: bool = False

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            hint = "use an IANA name like Asia/Almaty"
            raise BadInput(f"unknown time zone {self.timezone!r} ({hint})") from exc

    def resolve(self, header: Sequence[str]) -> dict[str, str]:
        """field -> actual header cell; raises BadInput naming an overridden column that is absent."""
        lookup = {h.strip().casefold(): h for h in header if isinstance(h, str) and h.strip()}
        resolved: dict[str, str] = {}
        for name, candidates in _DEFAULTS.items():
            chosen = getattr(self, name)
            if chosen is not None:
                if chosen.strip().casefold() not in lookup:
                    known = list(lookup.values())
                    raise BadInput(f"column {chosen!r} (for {name}) is not in the header {known}")
                resolved[name] = lookup[chosen.strip().casefold()]
                continue
            found = next((lookup[c] for c in candidates if c in lookup), None)
            if found is not None:
                resolved[name] = found
        for kind, candidates in _ENGAGEMENT.items():
            column = self.engagement.get(kind)
            found = lookup.get(column.casefold()) if column else next(
                (lookup[c] for c in candidates if c in lookup), None)
            if found is not None:
                resolved[f"engagement:{kind}"] = found
        return resolved


def _date(value: Any, mapping: ColumnMapping) -> tuple[datetime, bool]:
    """-> (aware UTC datetime, whether the zone was assumed); ValueError when not a date."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value or "").strip()
        if not text or len(text) > 64:
            raise ValueError(f"no usable date in {text[:40]!r}")
        try:
            parsed = dateparser.parse(text, dayfirst=mapping.dayfirst)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"{text!r} is not a date") from exc
    assumed = parsed.tzinfo is None or parsed.utcoffset() is None
    if assumed:
        parsed = parsed.replace(tzinfo=ZoneInfo(mapping.timezone))
    return parsed.astimezone(UTC), assumed


def _count(value: Any) -> int:
    if value is None or value == "":
        return 0
    number = float(str(value).replace(",", "").replace(" ", ""))
    if number < 0 or number != number:
        raise ValueError(f"count {value!r} is negative or not a number")
    return int(number)


def _country(value: str) -> str | None:
    v = value.strip()
    if len(v) == 2 and v.isalpha():
        return v.upper()
    return NAME_TO_ISO2.get(v.casefold())


def record_to_document(record: dict[str, Any], columns: dict[str, str], mapping: ColumnMapping,
                       source_id: str) -> RawDocument:
    def get(name: str) -> Any:
        column = columns.get(name)
        return record.get(column) if column is not None else None

    url = str(get("url") or "").strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"no http(s) URL in column {columns.get('url')!r}: {url[:80]!r}")
    if "published_at" not in columns:
        raise ValueError("no date column")
    published, assumed = _date(get("published_at"), mapping)
    country_raw = str(get("outlet_country") or "")
    doc = RawDocument(
        source_id=source_id,
        url=url,
        title=str(get("title") or "").strip(),
        text=str(get("text") or "").strip(),
        published_at=published,
        language_hint=(str(get("language") or "").strip().lower() or None),
        outlet=(str(get("outlet") or "").strip() or None),
        outlet_country=_country(country_raw) if country_raw else None,
        platform="import",
        author=(str(get("author") or "").strip() or None),
        engagement={k.split(":", 1)[1]: _count(get(k)) for k in columns if k.startswith("engagement:")},
    )
    if assumed:
        doc.extra["date_zone_assumed"] = mapping.timezone
    if country_raw and doc.outlet_country is None:
        doc.extra["outlet_country_raw"] = country_raw
    return doc


def _records(rows: Iterator[Sequence[Any]], mapping: ColumnMapping, name: str, source_id: str,
             preamble: int = 20) -> Iterator[RawDocument | Quarantined]:
    """Find the header among the first rows, then map every row after it."""
    skipped: list[Sequence[Any]] = []
    header: list[str] | None = None
    columns: dict[str, str] = {}
    for row in itertools.islice(rows, preamble):
        cells = [str(c).strip() if c is not None else "" for c in row]
        found = mapping.resolve(cells)
        if "url" in found:
            header, columns = cells, found
            break
        skipped.append(row)
    if header is None:
        raise BadInput(f"{name}: no header row with a URL column in the first {preamble} rows "
                       "(map the columns explicitly)")
    line = len(skipped) + 1
    for row in rows:
        line += 1
        if not any(c not in (None, "") for c in row):
            continue
        record = dict(zip(header, row, strict=False))
        try:
            if len(row) > len(header):
                raise ValueError(f"{len(row)} cells for {len(header)} columns")
            yield record_to_document(record, columns, mapping, source_id)
        except (ValueError, TypeError, OverflowError) as exc:
            raw = "\t".join("" if c is None else str(c) for c in row)
            yield quarantine(source_id, f"bad row: {exc}", raw, f"{name}:{line}")


def sniff_encoding(prefix: bytes) -> str:
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(prefix).best()
        return best.encoding if best is not None else "utf-8"


def iter_csv(path: str | Path, mapping: ColumnMapping | None = None, *, source_id: str = "import",
             delimiter: str | None = None) -> Iterator[RawDocument | Quarantined]:
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such file")
    with p.open("rb") as raw:
        prefix = raw.read(256 * 1024)
        raw.seek(0)
        encoding = sniff_encoding(prefix)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        if delimiter is None:
            sample = prefix.decode(encoding, errors="ignore")[:64 * 1024]
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        csv.field_size_limit(_MAX_CSV_LINE)
        # readline(limit) keeps memory bounded on a file without line breaks; NULs upset csv.
        lines = (line.replace("\0", "") for line in iter(lambda: text.readline(_MAX_CSV_LINE), ""))
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            yield from _records(reader, mapping or ColumnMapping(), p.name, source_id)
        except csv.Error as exc:
            yield quarantine(source_id, f"CSV stopped being readable: {exc}", b"", f"{p.name}")


def _dotted(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def iter_jsonl(path: str | Path, mapping: ColumnMapping | None = None, *,
               source_id: str = "import") -> Iterator[RawDocument | Quarantined]:
    """One JSON object a line; mapped names may be dotted paths (``user.screen_name``)."""
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such file")
    m = mapping or ColumnMapping()
    with p.open("rb") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("line is not a JSON object")
                keys = list(obj) + [v for v in _explicit(m) if "." in v]
                columns = m.resolve(keys)
                record = {k: _dotted(obj, k) for k in columns.values()}
                yield record_to_document(record, columns, m, source_id)
            except (ValueError, TypeError, OverflowError, RecursionError, BadInput) as exc:
                yield quarantine(source_id, f"bad line: {exc}", line, f"{p.name}:{n}")


def _explicit(mapping: ColumnMapping) -> list[str]:
    names = [getattr(mapping, f) for f in _DEFAULTS]
    return [n for n in names + list(mapping.engagement.values()) if n]


def iter_xlsx(path: str | Path, mapping: ColumnMapping | None = None, *, source_id: str = "import",
              sheet: str | None = None) -> Iterator[RawDocument | Quarantined]:
    import openpyxl  # slow to import; only XLSX imports pay for it

    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such file")
    try:
        with zipfile.ZipFile(p) as archive:
            total = sum(i.file_size for i in archive.infolist())
        if total > MAX_XLSX_UNCOMPRESSED:
            raise BadInput(f"{p}: workbook inflates to {total} bytes, over the {MAX_XLSX_UNCOMPRESSED} limit")
        book = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadInput(f"{p}: not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise BadInput(f"{p}: no sheet {sheet!r} (sheets: {book.sheetnames})")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows: Iterable[Sequence[Any]] = ws.iter_rows(values_only=True)
        yield from _records(iter(rows), mapping or ColumnMapping(), f"{p.name}[{ws.title}]", source_id)
    finally:
        book.close()
