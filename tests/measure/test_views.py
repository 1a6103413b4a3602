"""Measure pages, downloads, exports and the API: who may, who may not, and what they get."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from elshi.reports.actions import do_generate_brief
from elshi.reports.models import Brief, BriefSubscription

from .conftest import END, START


@pytest.fixture
def brief(corpus: dict[str, Any]) -> Brief:
    return do_generate_brief("KZ", START, END, ["UZ"], "en", acting_user=None, pdf=False)


def test_reading_needs_listen(client: Any, login: Any, brief: Brief) -> None:
    anonymous = client.get(reverse("brief_list"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    viewer = login("viewer")
    for url in (
        reverse("brief_list"),
        reverse("brief_detail", args=[brief.pk]),
        reverse("brief_file", args=[brief.pk, "html"]),
        reverse("scorecards"),
        reverse("campaign_reports"),
    ):
        assert viewer.get(url).status_code == 403, url


def test_generate_needs_analyse(login: Any, corpus: dict[str, Any]) -> None:
    form = {"country": "KZ", "start": "2026-03-02", "end": "2026-03-08", "peers": "UZ", "language": "ru"}
    author = login("author")  # listen yes, analyse no: reads, cannot generate
    page = author.get(reverse("brief_list"))
    assert page.status_code == 200 and b"Generate HTML and PDF" not in page.content
    assert author.post(reverse("brief_list"), form).status_code == 403
    assert author.post(reverse("brief_subscription_add"), {}).status_code == 403
    assert Brief.objects.count() == 0


def test_generate_on_demand_and_download(login: Any, people: dict[str, Any], corpus: dict[str, Any]) -> None:
    analyst = login("analyst")
    bad = analyst.post(
        reverse("brief_list"),
        {"country": "KZ", "start": "2026-03-08", "end": "2026-03-02", "language": "en", "peers": "UZ, K1"},
    )
    assert bad.status_code == 200 and Brief.objects.count() == 0
    assert "The period ends before it starts." in bad.content.decode()
    assert "Not a two-letter country code: K1" in bad.content.decode()
    form = {"country": "KZ", "start": "2026-03-02", "end": "2026-03-08", "peers": "UZ", "language": "ru"}
    response = analyst.post(reverse("brief_list"), form)
    brief = Brief.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("brief_detail", args=[brief.pk])
    assert (brief.language, brief.peers, brief.created_by) == ("ru", ["UZ"], people["analyst"])
    page = analyst.get(response["Location"]).content.decode()
    assert "Казахстан" in page and "75,0" in page and "Водная безопасность" in page
    pdf = analyst.get(reverse("brief_file", args=[brief.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    listing = analyst.get(reverse("brief_list")).content.decode()
    assert reverse("brief_file", args=[brief.pk, "pdf"]) in listing


def test_brief_exports(login: Any, brief: Brief) -> None:
    client = login("author")
    url = reverse("brief_detail", args=[brief.pk])
    response = client.get(url, {"format": "csv", "table": "countries"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["country", "mentions", "image_score"] and rows[1][:3] == ["KZ", "6", "75.0"]
    xlsx = client.get(url, {"format": "xlsx"})
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["countries", "days", "narratives", "alerts", "publishing", "recommendations"]
    assert client.get(url, {"format": "csv", "table": "nope"}).status_code == 404


def test_subscription_add_and_remove(login: Any, people: dict[str, Any]) -> None:
    analyst = login("analyst")
    bad = analyst.post(
        reverse("brief_subscription_add"),
        {"name": "Weekly", "country": "kz", "language": "en", "recipients": "minister@, x@example.org"},
        follow=True,
    )
    assert "Not an e-mail address: minister@" in bad.content.decode()
    analyst.post(
        reverse("brief_subscription_add"),
        {"name": "Weekly", "country": "kz", "language": "en", "recipients": "a@example.org; b@example.org"},
    )
    sub = BriefSubscription.objects.get()
    assert (sub.country, sub.recipients, sub.created_by) == (
        "KZ",
        ["a@example.org", "b@example.org"],
        people["analyst"],
    )
    analyst.post(reverse("brief_subscription_delete", args=[sub.pk]))
    assert not BriefSubscription.objects.exists()


def test_scorecards_scope_and_export(login: Any, history: dict[str, Any]) -> None:
    query = {"from": "2026-03-02", "to": "2026-03-15"}
    outsider = login("outsider").get(reverse("scorecards"), query).content.decode()
    assert "Mission Washington" in outsider and "Mission Berlin" not in outsider
    admin = login("admin")
    page = admin.get(reverse("scorecards"), query).content.decode()
    assert page.index("Mission Berlin") < page.index("Mission Washington") < page.index("Mission Astana")
    data = admin.get(reverse("scorecards"), {**query, "format": "csv", "table": "missions"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [(r["mission"], r["score"], r["rank"]) for r in rows][:2] == [
        ("Mission Berlin", "66.7", "1"),
        ("Mission Washington", "53.3", "2"),
    ]
    bad = admin.get(reverse("scorecards"), {"from": "2026-13-01"}).content.decode()
    assert "Use dates as YYYY-MM-DD" in bad


def test_campaign_report(login: Any, history: dict[str, Any], corpus: dict[str, Any]) -> None:
    from elshi.missions.models import Mission
    from elshi.reports.campaigns import campaign_report

    report = campaign_report(history["campaign"], list(Mission.objects.all()))
    assert (report.totals.deliveries, report.totals.reach, report.totals.engagements) == (3, 1500, 85)
    assert report.totals.engagement_rate == 0.05
    kpis = {k.metric: (k.actual, k.progress) for k in report.kpis}
    assert kpis == {
        "reach": (1500, 0.5),
        "engagements": (85, 0.85),
        "posts": (2, 0.5),
        "sentiment": (None, None),
    }
    assert [(r.key, r.reach, r.engagements) for r in report.by_platform] == [
        ("Mastodon", 1500, 75),
        ("Telegram", 0, 10),
    ]
    assert [(r.key, r.deliveries) for r in report.by_language] == [("de", 2), ("en", 1)]
    during = report.signal[1]
    assert (during.name, during.mentions, during.positive_share) == ("during", 4, 1.0)  # the 'digital' ones
    before = report.signal[0]
    assert (before.start, before.end, before.mentions) == (dt.date(2026, 2, 23), dt.date(2026, 3, 1), 3)
    page = login("author").get(reverse("campaign_report", args=[history["campaign"].pk])).content.decode()
    assert "Digital Kazakhstan" in page and "not measured" in page and "Mission Berlin" in page
    # Berlin's campaign is not Washington's to read (as in Tell → Campaigns); see tests/review.
    assert login("outsider").get(reverse("campaign_report", args=[history["campaign"].pk])).status_code == 403
    xlsx = login("admin").get(reverse("campaign_report", args=[history["campaign"].pk]), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_api_brief(client: Any, people: dict[str, Any], corpus: dict[str, Any]) -> None:
    from elshi.missions.actions import do_create_token

    _token, plain = do_create_token(people["author"], "t", acting_user=None)
    headers = {"Authorization": f"Bearer {plain}"}
    url = "/api/v1/reports/brief"
    ok = client.get(
        url, {"country": "kz", "from": "2026-03-02", "to": "2026-03-08", "peers": "UZ"}, headers=headers
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert (body["country"], body["image_score"], body["image_change"]) == ("KZ", 75.0, 25.0)
    assert body["countries"][1]["country"] == "UZ"
    bad = client.get(url, {"country": "KZ", "from": "2026-03-08", "to": "2026-03-02"}, headers=headers)
    assert bad.status_code == 422
    assert client.get(url, {"country": "KZ", "from": "2026-03-02", "to": "2026-03-08"}).status_code == 401
    _token, viewer_plain = do_create_token(people["viewer"], "t", acting_user=None)
    viewer = {"Authorization": f"Bearer {viewer_plain}"}
    assert (
        client.get(
            url, {"country": "KZ", "from": "2026-03-02", "to": "2026-03-08"}, headers=viewer
        ).status_code
        == 403
    )
