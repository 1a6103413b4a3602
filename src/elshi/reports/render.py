"""The brief as HTML (one self-contained file, charts as data URIs) and as PDF (WeasyPrint)."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from elshi.reports.charts import share_of_voice_chart, tone_volume_chart


def charts_for(b: dict[str, Any]) -> dict[str, str]:
    with translation.override(b["language"]):
        out = {
            "voice": share_of_voice_chart(b["countries"], b["country"], _("Share of voice (%)")),
        }
        if b["mentions"]:
            labels = {"positive": _("positive"), "neutral": _("neutral"), "negative": _("negative")}
            out["tone"] = tone_volume_chart(b["days"], labels, _("Mentions"))
    return out


def context_for(b: dict[str, Any], charts: dict[str, str], link_base: str | None) -> dict[str, Any]:
    with translation.override(b["language"]):
        groups = [(_("Rose"), b["rose"]), (_("Fell"), b["fell"])]
    return {"b": b, "charts": charts, "narrative_groups": groups, "link_base": link_base}


def render_html(b: dict[str, Any], charts: dict[str, str] | None = None) -> str:
    """One self-contained HTML document (links to the app are left out: it travels by e-mail)."""
    with translation.override(b["language"]):
        return render_to_string(
            "reports/brief_document.html", context_for(b, charts or charts_for(b), link_base=None)
        )


@functools.cache
def pdf_unavailable() -> str | None:
    """Why PDFs cannot be made here (WeasyPrint needs Pango from the system), or None when they can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"WeasyPrint cannot load ({exc}); install Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0)"
    return None


def render_pdf(html: str) -> bytes:
    # WeasyPrint logs every layout step at INFO; the worker's log should carry only its warnings.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    return bytes(HTML(string=html).write_pdf())
