"""Regression tests for defects found in review of the reports app."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from elshi.reports.exports import Table, csv_response, xlsx_bytes
from tests.queries import queries_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    [
        ['=HYPERLINK("http://evil.example","x")', "b"],  # a list joined into one cell
        "\t=cmd|' /C calc'!A0",
        "\r=1+1",
        "=1+1",
        "-2+3",
    ],
)
def test_exports_never_write_a_formula(value: Any) -> None:
    table = Table("t", ["a"], [[value]])
    text = csv_response(table, "f").content.decode()
    [_header, [cell]] = list(csv.reader(io.StringIO(text)))
    assert cell.startswith("'"), cell
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_bytes([table])))
    written = book["t"]["A2"]
    assert written.data_type == "s" and str(written.value).startswith("'")


def test_numbers_stay_numbers() -> None:
    table = Table("t", ["a", "b"], [[-3, 0.5]])
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_bytes([table])))
    assert book["t"]["A2"].value == -3 and book["t"]["B2"].value == 0.5


def test_campaign_reports_follow_campaign_visibility(
    login: Any, history: dict[str, Any], corpus: dict[str, Any]
) -> None:
    """A campaign of Berlin is not shown to Washington's people (as in Tell → Campaigns)."""
    campaign = history["campaign"]
    outsider = login("outsider")
    listing = outsider.get(reverse("campaign_reports")).content.decode()
    assert campaign.name not in listing
    assert outsider.get(reverse("campaign_report", args=[campaign.pk])).status_code == 403
    assert outsider.get(reverse("campaign_report", args=[campaign.pk]), {"format": "xlsx"}).status_code == 403
    author = login("author")
    assert campaign.name in author.get(reverse("campaign_reports")).content.decode()
    assert author.get(reverse("campaign_report", args=[campaign.pk])).status_code == 200
    admin = login("admin")
    assert admin.get(reverse("campaign_report", args=[campaign.pk])).status_code == 200


def test_campaign_reports_refuse_viewer_and_anonymous(
    client: Any, login: Any, history: dict[str, Any]
) -> None:
    campaign = history["campaign"]
    assert client.get(reverse("campaign_report", args=[campaign.pk])).status_code == 302
    viewer = login("viewer")
    assert viewer.get(reverse("campaign_report", args=[campaign.pk])).status_code == 403
    assert viewer.get(reverse("campaign_reports")).status_code == 403


def test_api_brief_refuses_bad_peers(people: dict[str, Any], client: Any, corpus: dict[str, Any]) -> None:
    from elshi.missions.actions import do_create_token

    _token, plain = do_create_token(people["author"], "t", acting_user=None)
    headers = {"Authorization": f"Bearer {plain}"}
    url = "/api/v1/reports/brief"
    params = {"country": "KZ", "from": "2026-03-02", "to": "2026-03-08"}
    bad = client.get(url, {**params, "peers": "UZ,not-a-code"}, headers=headers)
    assert bad.status_code == 422
    many = ",".join(f"A{chr(65 + i % 26)}" for i in range(60))
    assert client.get(url, {**params, "peers": many}, headers=headers).status_code == 422
    assert client.get(url, {**params, "peers": "uz, kg"}, headers=headers).status_code == 200


def test_a_refused_subscription_keeps_what_was_typed(login: Any) -> None:
    analyst = login("analyst")
    response = analyst.post(
        reverse("brief_subscription_add"),
        {"name": "Monday for the minister", "country": "kz", "language": "en", "recipients": "minister@"},
    )
    assert response.status_code == 200  # the page again, as the brief form does
    body = response.content.decode()
    assert "Monday for the minister" in body and "minister@" in body
    assert "Not an e-mail address: minister@" in body


def test_brief_archive_does_not_query_per_row(login: Any, people: dict[str, Any]) -> None:
    import datetime as dt

    from elshi.reports.models import Brief, BriefSubscription

    subscription = BriefSubscription.objects.create(
        name="Weekly", country="KZ", language="en", recipients=["a@example.org"]
    )

    def add(n: int) -> None:
        for _ in range(n):
            Brief.objects.create(
                country="KZ",
                start=dt.date(2026, 3, 2),
                end=dt.date(2026, 3, 8),
                language="en",
                subscription=subscription,
            )

    analyst = login("analyst")

    def count() -> int:
        return queries_of(analyst, reverse("brief_list"))

    add(1)
    one = count()
    add(5)
    assert count() == one
