from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from elshi.documents import Quarantined, RawDocument
from elshi.sources.errors import BadInput
from elshi.sources.gdelt_doc import GdeltDoc, parse_artlist
from elshi.sources.politeness import HostThrottle

from .conftest import FIXTURES, LocalServer, mock_fetcher

ARTLIST = (FIXTURES / "gdelt_doc_artlist.json").read_bytes()
TIMELINE = (FIXTURES / "gdelt_doc_timeline_tone.json").read_bytes()


def test_article_list_parsed_and_bad_articles_quarantined() -> None:
    items = list(parse_artlist(ARTLIST, query="kazakhstan"))
    docs = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(docs) == 3 and len(bad) == 2
    kz = docs[0]
    assert kz.language_hint == "ru" and kz.outlet_country == "KZ" and kz.outlet == "tengrinews.kz"
    assert kz.published_at == datetime(2024, 10, 22, 13, 15, tzinfo=UTC)
    assert docs[1].outlet_country == "US" and docs[2].language_hint == "de"
    assert "seendate" in bad[0].reason or "does not match" in bad[0].reason
    assert "not http(s)" in bad[1].reason


def test_non_json_answer_is_quarantined_by_the_parser() -> None:
    [item] = list(parse_artlist(b"Please limit requests to one every 5 seconds", query="q"))
    assert isinstance(item, Quarantined) and "not JSON" in item.reason


def test_client_sends_documented_parameters() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, content=ARTLIST, headers={"content-type": "application/json"})

    doc = GdeltDoc(mock_fetcher(handler))
    docs = [
        d
        for d in doc.articles('"kazakhstan" sourcelang:russian', timespan="1week", max_records=999)
        if isinstance(d, RawDocument)
    ]
    assert len(docs) == 3
    params = seen[0].params
    assert params["mode"] == "ArtList" and params["format"] == "json" and params["maxrecords"] == "250"
    assert params["timespan"] == "1week" and params["query"] == '"kazakhstan" sourcelang:russian'
    start = datetime(2024, 10, 1, tzinfo=UTC)
    list(doc.articles("kazakhstan", start=start, end=datetime(2024, 10, 2, tzinfo=UTC)))
    assert seen[1].params["startdatetime"] == "20241001000000" and "timespan" not in seen[1].params


def test_query_errors_are_bad_input() -> None:
    doc = GdeltDoc(
        mock_fetcher(lambda r: httpx.Response(200, content=b"Your search contained a phrase too short"))
    )
    with pytest.raises(BadInput, match="too short"):
        list(doc.articles("a"))
    with pytest.raises(BadInput, match="empty"):
        list(doc.articles("  "))


def test_tone_timeline_against_a_local_server(local_server: LocalServer) -> None:
    local_server.routes["/api/v2/doc/doc"] = (200, {"Content-Type": "application/json"}, TIMELINE)
    fetcher = local_server.fetcher()
    fetcher.throttle = HostThrottle(delay_s=0.0)
    doc = GdeltDoc(fetcher, base=local_server.base + "/api/v2/doc/doc")
    assert fetcher.throttle.delays["127.0.0.1"] == 5.0  # GDELT's published rate
    fetcher.throttle.delays["127.0.0.1"] = 0.0
    points = doc.timeline("kazakhstan")
    assert [p.value for p in points] == [-0.8123, 0.4411, -1.9502]
    assert points[0].at == datetime(2024, 10, 20, tzinfo=UTC) and points[0].series == "Average Tone"
    assert "mode=TimelineTone" in local_server.requests[0][0]
