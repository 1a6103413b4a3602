"""Registrants as CSV or XLSX: personal data, so every file made is audited (counts, never names)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

from elshi.audit.log import record
from elshi.common.actors import Actor
from elshi.common.spreadsheet import safe_cell
from elshi.engagements.models import Engagement

__all__ = ["COLUMNS", "registrants_file"]

COLUMNS = ["name", "email", "organisation", "attendance", "language", "status", "created_at"]


def registrants_file(engagement: Engagement, fmt: str, *, acting_user: Actor) -> HttpResponse:
    """``fmt`` is ``csv`` or ``xlsx`` (the caller checked it and the permission)."""
    zone = engagement.mission.zone
    rows = [
        [
            r.name,
            r.email,
            r.organisation,
            r.attendance,
            r.language,
            r.status,
            r.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        ]
        for r in engagement.registrations.all()
    ]
    record(
        acting_user,
        "registration.export",
        engagement,
        mission_slug=engagement.mission.slug,
        changes={"format": fmt, "rows": len(rows)},
    )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows([[safe_cell(c) for c in row] for row in rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook()
        sheet = book.active
        if sheet is None:  # a new workbook always has one sheet
            raise RuntimeError("openpyxl made no sheet")
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([safe_cell(c) for c in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="registrants-{engagement.pk}.{fmt}"'
    return response
