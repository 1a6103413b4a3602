"""Explorer: the sentence with its marks (escaped first), story grouping, CSV and XLSX exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from elshi.monitoring.models import Document, Mention

DAY = dt.date(2026, 11, 20)


def _doc(
    url: str,
    title: str,
    text: str,
    *,
    story: str,
    evidence: list[str],
    label: str = "negative",
    outlet: str = "daily.example.com",
    day: dt.date = DAY,
) -> Mention:
    doc = Document.objects.create(
        canonical_url=url,
        source_id="t",
        title=title,
        text=text,
        published_at=dt.datetime.combine(day, dt.time(9), dt.UTC),
        language="en",
        outlet=outlet,
        outlet_country="US",
        content_hash=url,
        story_id=story,
    )
    return Mention.objects.create(
        document=doc,
        country="KZ",
        count=1,
        day=day,
        tone_label=label,
        tone_score=-0.6,
        tone_evidence=evidence,
    )


@pytest.fixture
def analyst(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["analyst"])
    return client


def test_sentence_is_escaped_then_marked(db: Any, analyst: Client) -> None:
    from elshi.monitoring.explore import highlight

    m = _doc(
        "https://x.example/1",
        "Steppe news",
        "Weather was fine. <script>alert(1)</script> Kazakhstan faces criticism after a violent crackdown. "
        "Other.",
        story="s1",
        evidence=["criticism", "violent"],
    )
    html = str(highlight(m))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="hit">Kazakhstan</mark>' in html
    assert (
        '<mark class="tone-word">criticism</mark>' in html
        and '<mark class="tone-word">violent</mark>' in html
    )
    assert "Weather was fine" not in html and "Other." not in html  # the sentence, not the whole text
    page = analyst.get("/listen/explorer/?country=KZ").content.decode()
    assert '<mark class="hit">Kazakhstan</mark>' in page and "<script>alert(1)" not in page


def test_evidence_words_cannot_inject_markup(db: Any) -> None:
    from elshi.monitoring.explore import highlight

    m = _doc(
        "https://x.example/2", "t", "Kazakhstan <b>bold</b> claims.", story="s2", evidence=["<b>bold</b>"]
    )
    html = str(highlight(m))
    assert "<b>" not in html and '<mark class="tone-word">&lt;b&gt;bold&lt;/b&gt;</mark>' in html


def test_syndicated_copies_fold_into_one_story_row(db: Any, analyst: Client) -> None:
    for i, outlet in enumerate(["wire.example", "paper-a.example", "paper-b.example"]):
        _doc(
            f"https://{outlet}/k",
            f"Kazakhstan copy {i}",
            "Kazakhstan signs a deal.",
            story="wire",
            evidence=[],
            outlet=outlet,
        )
    _doc("https://own.example/o", "Own story", "Kazakhstan hosts a forum.", story="own", evidence=[])
    grouped = analyst.get("/listen/explorer/?country=KZ").content.decode()
    assert grouped.count("Kazakhstan copy") == 3  # one row with its two copies listed under it
    assert "2 more copies of this story" in grouped and "Own story" in grouped
    flat = analyst.get("/listen/explorer/?country=KZ&group=none").content.decode()
    assert "more copies" not in flat and flat.count("Kazakhstan copy") == 3


def test_paging_without_a_full_count(db: Any, analyst: Client) -> None:
    for i in range(53):
        _doc(
            f"https://x.example/p{i}",
            f"Item {i}",
            "Kazakhstan.",
            story=f"p{i}",
            evidence=[],
            day=DAY - dt.timedelta(days=i),
        )
    first = analyst.get("/listen/explorer/?country=KZ").content.decode()
    assert "Item 0<" in first and "Item 50<" not in first and 'rel="next"' in first
    last = analyst.get("/listen/explorer/?country=KZ&page=2").content.decode()
    assert "Item 52<" in last and 'rel="next"' not in last and 'rel="prev"' in last


def test_csv_and_xlsx_exports_follow_the_filters(db: Any, analyst: Client) -> None:
    from openpyxl import load_workbook

    _doc("https://x.example/e1", '=HYPERLINK("http://evil")', "Kazakhstan.", story="e1", evidence=["bad"])
    _doc("https://x.example/e2", "Positive one", "Kazakhstan.", story="e2", evidence=[], label="positive")
    csv_text = analyst.get("/listen/explorer/?country=KZ&tone=negative&format=csv").content.decode()
    lines = csv_text.splitlines()
    assert lines[0].startswith("day,country,tone") and len(lines) == 2
    assert "'=HYPERLINK" in lines[1] and "Positive one" not in csv_text  # no formula injection
    response = analyst.get("/listen/explorer/?country=KZ&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("day", "country", "tone") and len(rows) == 3
    assert {r[5] for r in rows[1:]} == {'\'=HYPERLINK("http://evil")', "Positive one"}


def test_a_bad_date_filter_is_said_and_left_out(db: Any, analyst: Client) -> None:
    _doc("https://x.example/d", "Dated", "Kazakhstan.", story="d", evidence=[])
    page = analyst.get("/listen/explorer/?from=20-11-2026").content.decode()
    assert "is not a date" in page and "Dated" in page


def test_explorer_and_exports_refuse_viewers(db: Any, people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["viewer"])
    assert client.get("/listen/explorer/").status_code == 403
    assert client.get("/listen/explorer/?format=xlsx").status_code == 403
    assert Client().get("/listen/explorer/?format=csv").status_code == 302
