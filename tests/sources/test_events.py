from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from elshi.documents import Quarantined
from elshi.sources.countries import CountryFilter
from elshi.sources.events import GdeltEvent, iter_events


def _reference_kz_rows(files: list[Path], with_text: bool) -> int:
    """Independent count with the csv module, by the rules written in gdelt/SOURCES.md."""
    count = 0
    for f in files:
        with f.open(encoding="utf-8", errors="replace", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                geo = "KZ" in (row[37], row[45], row[53])
                actor = "KAZ" in (row[7], row[17])
                text = with_text and "kazakh" in "\t".join(row).lower()
                count += geo or actor or text
    return count


def test_all_real_rows_parse(gdelt_dir: Path) -> None:
    files = sorted((gdelt_dir / "events").glob("*.export.CSV"))
    assert len(files) == 93
    total = 0
    for f in files:
        for item in iter_events(f):
            assert isinstance(item, GdeltEvent), item
            total += 1
    assert total == 131_411


def test_kazakhstan_events_match_an_independent_count(gdelt_dir: Path) -> None:
    files = sorted((gdelt_dir / "events").glob("*.export.CSV"))
    by_code = [e for f in files for e in iter_events(f, countries=CountryFilter.of(["KZ"]))]
    with_text = [e for f in files for e in iter_events(f, countries=CountryFilter.of(["KZ"], ["kazakh"]))]
    assert len(by_code) == _reference_kz_rows(files, with_text=False)
    assert len(with_text) == _reference_kz_rows(files, with_text=True) == 348
    assert all(isinstance(e, GdeltEvent) and "KZ" in e.countries() for e in by_code)


def test_event_fields(gdelt_dir: Path) -> None:
    path = gdelt_dir / "events" / "20241022130000.export.CSV"
    first = next(iter(iter_events(path)))
    assert isinstance(first, GdeltEvent)
    assert first.event_id == 1205570994
    assert first.day == date(2023, 10, 23)
    assert first.date_added == datetime(2024, 10, 22, 13, 0, tzinfo=UTC)
    assert (first.event_code, first.quad_class, first.goldstein) == ("043", 1, 2.8)
    assert (first.num_mentions, first.num_sources, first.num_articles) == (5, 1, 5)
    assert first.action_geo_country == "IN"
    doc = first.to_raw_document()
    assert doc.extra["cameo_code"] == "043" and doc.url.startswith("https://www.firstpost.com/")


def test_bad_rows_quarantined(gdelt_dir: Path, tmp_path: Path) -> None:
    src = (gdelt_dir / "events" / "20241022130000.export.CSV").read_bytes().splitlines(keepends=True)
    cols = src[0].rstrip(b"\n").split(b"\t")
    bad_quad = b"\t".join(cols[:29] + [b"9"] + cols[30:]) + b"\n"
    path = tmp_path / "x.export.CSV"
    path.write_bytes(src[0] + bad_quad + b"a\tb\n" + src[1])
    items = list(iter_events(path))
    assert [isinstance(i, GdeltEvent) for i in items] == [True, False, False, True]
    reasons = [i.reason for i in items if isinstance(i, Quarantined)]
    assert "QuadClass 9" in reasons[0] and "2 columns" in reasons[1]


def test_relations_of_kazakhstan(gdelt_dir: Path) -> None:
    from elshi.sources.relations import relations

    files = sorted((gdelt_dir / "events").glob("*.export.CSV"))
    events = [e for f in files for e in iter_events(f, countries=CountryFilter.of(["KZ"]))]
    table = relations([e for e in events if isinstance(e, GdeltEvent)], "KZ")
    assert table, "the real files hold dyadic events with Kazakhstan"
    dyadic = [
        e
        for e in events
        if isinstance(e, GdeltEvent)
        and "KZ" in (e.actor1_country, e.actor2_country)
        and None not in (e.actor1_country, e.actor2_country)
        and e.actor1_country != e.actor2_country
    ]
    assert sum(r.events for r in table) == len(dyadic)
    assert all(r.counterpart != "KZ" and -10 <= r.goldstein <= 10 for r in table)
    assert table == sorted(table, key=lambda r: (-r.mentions, r.counterpart))
    top = table[0]
    assert sum(top.by_quad_class.values()) == top.events and 0 <= top.cooperation_share <= 1
