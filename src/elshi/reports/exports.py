"""Every Measure table as CSV or XLSX: one ``Table`` shape, two writers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from elshi.common.spreadsheet import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    name: str  # file and sheet name: letters, digits, dashes
    headers: list[str]
    rows: list[list[Any]]


def csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([safe_cell(v) for v in row])
    return response


def xlsx_bytes(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(tables: list[Table], filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(tables), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export(tables: list[Table], which: str, fmt: str, filename: str) -> HttpResponse | None:
    """CSV of the table named ``which`` or XLSX of all of them; None when the request names neither."""
    if fmt == "xlsx":
        return xlsx_response(tables, filename)
    if fmt == "csv":
        for table in tables:
            if table.name == which:
                return csv_response(table, f"{filename}-{table.name}")
    return None


def brief_tables(b: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "countries",
            [
                "country",
                "mentions",
                "image_score",
                "previous_image_score",
                "share_of_voice",
                "previous_share_of_voice",
                "positive_share",
                "negative_share",
            ],
            [
                [
                    c["country"],
                    c["mentions"],
                    c["image_score"],
                    c["previous_image_score"],
                    c["share_of_voice"],
                    c["previous_share_of_voice"],
                    c["positive_share"],
                    c["negative_share"],
                ]
                for c in b["countries"]
            ],
        ),
        Table(
            "days",
            ["day", "mentions", "positive", "neutral", "negative"],
            [[d["day"], d["mentions"], d["positive"], d["neutral"], d["negative"]] for d in b["days"]],
        ),
        Table(
            "narratives",
            [
                "direction",
                "key",
                "title",
                "mentions",
                "previous",
                "negative_share",
                "previous_negative_share",
            ],
            [
                [
                    direction,
                    m["key"],
                    m["title"],
                    m["mentions"],
                    m["previous"],
                    m["negative_share"],
                    m["previous_negative_share"],
                ]
                for direction in ("rose", "fell")
                for m in b[direction]
            ],
        ),
        Table(
            "alerts",
            ["day", "kind", "narrative", "value", "baseline", "score", "state"],
            [
                [a["day"], a["kind"], a["narrative"], a["value"], a["baseline"], a["score"], a["state"]]
                for a in b["alerts"]
            ],
        ),
        Table(
            "publishing",
            [
                "post",
                "mission",
                "platform",
                "channel",
                "language",
                "published_at",
                "url",
                "views",
                "engagements",
            ],
            [
                [
                    p["post"],
                    p["mission"],
                    p["platform"],
                    p["channel"],
                    p["language"],
                    p["published_at"],
                    p["url"],
                    p["views"],
                    p["engagements"],
                ]
                for p in b["published"]
            ],
        ),
        Table(
            "recommendations",
            ["rule", "severity", "text"],
            [[r["rule"], r["severity"], r["text"]] for r in b["recommendations"]],
        ),
    ]


def scorecard_tables(cards: list[Any]) -> list[Table]:
    missions = Table(
        "missions",
        [
            "rank",
            "previous_rank",
            "mission",
            "score",
            "previous_score",
            "posts",
            "posts_per_week",
            "regularity",
            "languages",
            "host_languages",
            "language_coverage",
            "engagement_rate",
            "engagements_per_delivery",
            "claims_share",
            "median_turnaround_hours",
            "failed",
            "unconfirmed",
        ],
        [
            [
                c.rank,
                c.previous_rank,
                c.name,
                c.score,
                c.previous_score,
                c.figures.posts,
                c.figures.posts_per_week,
                c.figures.regularity,
                c.figures.languages,
                c.host_languages,
                c.language_coverage,
                c.figures.engagement_rate,
                c.figures.engagements_per_delivery,
                c.claims_share,
                c.median_turnaround_hours,
                c.figures.failed,
                c.figures.unconfirmed,
            ]
            for c in cards
        ],
    )
    channels = Table(
        "channels",
        [
            "mission",
            "channel",
            "posts",
            "posts_per_week",
            "regularity",
            "languages",
            "engagement_rate",
            "engagements_per_delivery",
            "failed",
            "unconfirmed",
        ],
        [
            [
                c.name,
                ch.label,
                ch.figures.posts,
                ch.figures.posts_per_week,
                ch.figures.regularity,
                ch.figures.languages,
                ch.figures.engagement_rate,
                ch.figures.engagements_per_delivery,
                ch.figures.failed,
                ch.figures.unconfirmed,
            ]
            for c in cards
            for ch in c.channels
        ],
    )
    return [missions, channels]


def campaign_tables(report: Any) -> list[Table]:
    head = ["key", "deliveries", "published", "failed", "reach", "engagements", "engagement_rate"]

    def rows(items: list[Any]) -> list[list[Any]]:
        return [
            [r.key, r.deliveries, r.published, r.failed, r.reach, r.engagements, r.engagement_rate]
            for r in items
        ]

    return [
        Table(
            "kpis",
            ["metric", "target", "actual", "progress"],
            [[k.metric, k.target, k.actual, k.progress] for k in report.kpis],
        ),
        Table("by-mission", head, rows(report.by_mission)),
        Table("by-platform", head, rows(report.by_platform)),
        Table("by-language", head, rows(report.by_language)),
        Table(
            "listening",
            ["window", "start", "end", "mentions", "mean_tone", "positive_share", "negative_share"],
            [
                [s.name, s.start, s.end, s.mentions, s.mean_tone, s.positive_share, s.negative_share]
                for s in report.signal
            ],
        ),
    ]
