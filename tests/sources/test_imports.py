from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from elshi.documents import Quarantined, RawDocument
from elshi.sources.errors import BadInput
from elshi.sources.imports import ColumnMapping, iter_csv, iter_jsonl, iter_xlsx

from .conftest import FIXTURES


def _split(items: list[RawDocument | Quarantined]) -> tuple[list[RawDocument], list[Quarantined]]:
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Quarantined)]


def test_utf16_tab_separated_export_with_local_time_zone() -> None:
    mapping = ColumnMapping(timezone="Asia/Almaty", text="Hit Sentence")
    docs, bad = _split(list(iter_csv(FIXTURES / "meltwater_export_utf16.csv", mapping)))
    assert len(docs) == 2 and len(bad) == 2
    first, tweet = docs
    assert first.title == "Kazakhstan, Germany sign energy deals"
    assert first.published_at == datetime(2024, 10, 22, 5, 15, tzinfo=UTC)  # Almaty is UTC+5
    assert first.extra["date_zone_assumed"] == "Asia/Almaty"
    assert first.outlet_country == "DE" and first.language_hint == "de" and first.author == "Jana Muster"
    assert first.text.startswith("... Kazakhstan signed")
    assert tweet.engagement == {"like": 31, "share": 9, "comment": 4, "view": 5400}
    assert "not a date" in bad[0].reason and bad[0].location == "meltwater_export_utf16.csv:4"
    assert "no http(s) URL" in bad[1].reason


def test_csv_with_preamble_bom_quotes_and_newlines() -> None:
    docs, bad = _split(list(iter_csv(FIXTURES / "brandwatch_export.csv")))
    assert [d.url for d in docs] == ["https://vk.example.ru/wall-1_2", "https://forum.example.kz/t/55"]
    assert (
        docs[0].outlet_country == "RU"
        and docs[0].text == "Саммит Центральная Азия — Германия, Астана; «итоги»"
    )
    assert docs[1].text == "Line one\nline two, still the same cell" and docs[1].engagement["like"] == 1204
    assert docs[1].outlet_country == "KZ"
    assert len(bad) == 1 and "negative" in bad[0].reason


def test_explicit_mapping_errors_name_the_column(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="'Permalink'"):
        list(iter_csv(FIXTURES / "brandwatch_export.csv", ColumnMapping(url="Permalink")))
    with pytest.raises(BadInput, match="time zone"):
        ColumnMapping(timezone="Mars/Olympus")
    (tmp_path / "nourl.csv").write_text("a,b\n1,2\n")
    with pytest.raises(BadInput, match="no header row with a URL column"):
        list(iter_csv(tmp_path / "nourl.csv"))


def test_jsonl_with_dotted_paths() -> None:
    mapping = ColumnMapping(
        author="user.screen_name",
        text="selftext",
        published_at="created_at",
        language="lang",
        engagement={"like": "likes"},
    )
    docs, bad = _split(list(iter_jsonl(FIXTURES / "tool_export.jsonl", mapping)))
    assert [d.author for d in docs] == ["traveller", "local"]
    assert docs[0].engagement == {"like": 42} and docs[1].engagement == {"like": 7}
    assert docs[1].published_at == datetime(2024, 10, 21, 19, 0, tzinfo=UTC)
    assert len(bad) == 2 and "not a JSON object" in bad[0].reason and bad[1].location.endswith(":4")


def test_xlsx(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Mentions"
    ws.append(["Exported by SomeTool"])
    ws.append(["Link", "Headline", "Published", "Outlet", "Country", "Shares"])
    ws.append(
        ["https://kz.example/1", "Astana news", datetime(2024, 10, 22, 10, 0), "KZ Example", "Kazakhstan", 5]  # noqa: DTZ001 - Excel cells are naive
    )
    ws.append(["https://kz.example/2", "Second", "2024-10-22T11:00:00+05:00", "KZ Example", "KZ", None])
    ws.append(["https://kz.example/3", "Bad", "?", "KZ Example", "KZ", 1])
    path = tmp_path / "export.xlsx"
    book.save(path)
    docs, bad = _split(list(iter_xlsx(path)))
    assert [d.title for d in docs] == ["Astana news", "Second"]
    assert (
        docs[0].published_at == datetime(2024, 10, 22, 10, 0, tzinfo=UTC) and docs[0].outlet_country == "KZ"
    )
    assert docs[1].published_at == datetime(2024, 10, 22, 6, 0, tzinfo=UTC) and docs[0].engagement == {
        "share": 5
    }
    assert len(bad) == 1 and bad[0].location == "export.xlsx[Mentions]:5"
    with pytest.raises(BadInput, match="no sheet"):
        list(iter_xlsx(path, sheet="Other"))


def test_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(BadInput, match="not a readable XLSX"):
        list(iter_xlsx(tmp_path / "x.xlsx"))
