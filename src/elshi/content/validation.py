"""Per-variant validation: the platform's own limits, and the claims check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from elshi.connectors.text import rules_for, text_length
from elshi.connectors.text import validate as platform_validate
from elshi.connectors.types import Media, Message
from elshi.content.claimcheck import BLOCKING, ClaimRef, FigureCheck, check_text
from elshi.content.media import media_problems
from elshi.content.models import Claim, Post, Variant
from elshi.creative import AltTextMissing, check_alt_text

VIDEO_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}
IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}


@dataclass
class VariantReport:
    platform: str
    language: str
    length: int
    limit: int
    problems: list[str] = field(default_factory=list)
    figures: list[FigureCheck] = field(default_factory=list)

    @property
    def blocking_figures(self) -> list[FigureCheck]:
        return [f for f in self.figures if f.status in BLOCKING]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.blocking_figures

    def as_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "language": self.language,
            "length": self.length,
            "limit": self.limit,
            "problems": self.problems,
            "figures": [
                {
                    "text": f.figure.text,
                    "status": f.status,
                    "message": f.message,
                    "claim": f.claim.id if f.claim else None,
                }
                for f in self.figures
            ],
        }


def claim_ref(claim: Claim, today: dt.date) -> ClaimRef:
    return ClaimRef(
        claim.pk, claim.value, claim.unit, claim.period, claim.status_on(today) == "verified", str(claim)
    )


def media_of(variant: Variant) -> tuple[Media, ...]:
    items = []
    for item in variant.media or []:
        name = str(item.get("name") or item.get("url") or "media")
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        mime = (
            item.get("mime_type")
            or VIDEO_TYPES.get(suffix)
            or IMAGE_TYPES.get(suffix)
            or "application/octet-stream"
        )
        items.append(Media(mime_type=mime, url=item.get("url"), alt_text=item.get("alt", ""), filename=name))
    return tuple(items)


def alt_text_problems(variant: Variant) -> list[str]:
    """Alt text is required on every image and video, and must describe it."""
    problems = []
    for position, item in enumerate(variant.media or [], start=1):
        try:
            check_alt_text(item.get("alt"), asset=f"{variant.platform}: media {position}")
        except AltTextMissing as exc:
            problems.append(str(exc))
    return problems


def check_variant(
    variant: Variant, linked: list[ClaimRef], library: list[ClaimRef], overrides: set[str]
) -> VariantReport:
    rules = rules_for(variant.platform)
    message = Message(
        text=variant.text, media=media_of(variant), link=variant.link or None, language=variant.language
    )
    limit = rules.caption_max_length if message.media and rules.caption_max_length else rules.max_length
    report = VariantReport(variant.platform, variant.language, text_length(rules, variant.text), limit)
    if not variant.text.strip() and not message.media:
        report.problems.append(f"{variant.platform}: the variant is empty")
    report.problems.extend(platform_validate(rules, message))
    report.problems.extend(alt_text_problems(variant))
    report.figures = check_text(variant.text, linked, library, overrides, language=variant.language)
    return report


def check_post(
    post: Post, variants: list[Variant] | None = None, linked_claims: list[Claim] | None = None
) -> list[VariantReport]:
    """Check each variant. ``linked_claims`` stands in for the post's claims while a form is being edited."""
    today = timezone.now().date()
    claims = linked_claims if linked_claims is not None else (list(post.claims.all()) if post.pk else [])
    linked = [claim_ref(c, today) for c in claims]
    library = [claim_ref(c, today) for c in Claim.objects.all()]
    overrides = set(post.claim_overrides.values_list("figure", flat=True)) if post.pk else set()
    reports = []
    for variant in variants if variants is not None else post.variants.all():
        report = check_variant(variant, linked, library, overrides)
        if post.mission_id is not None:  # a post being composed has no mission yet: saving checks
            report.problems.extend(media_problems(post.mission_id, variant.media or []))
        reports.append(report)
    return reports
