"""Per-variant validation: the platform's own limits, and the claims check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.connectors.text import PlatformRules, rules_for, text_length
from elshi.connectors.text import validate as platform_validate
from elshi.connectors.types import Media, Message
from elshi.content.claimcheck import BLOCKING, ClaimRef, FigureCheck, check_text
from elshi.content.media import media_problems, stored_file
from elshi.content.models import Claim, Post, Variant
from elshi.content.tiktok_choices import choice_problems, creator_of
from elshi.creative import AltTextMissing, RenderError, check_alt_text
from elshi.creative.fitting import fit

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


def public_url_problem(platform: str) -> str:
    """Why studio media cannot reach ``platform``: said by the composer, the sender and ``elshi check``."""
    return _(
        "%(platform)s fetches media from a public address, and elshi has none: set ELSHI_PUBLIC_URL to the "
        "address at which the platforms can reach elshi (for example https://elshi.example.org)."
    ) % {"platform": platform.capitalize()}


def fitted_media(variant: Variant, rules: PlatformRules) -> tuple[tuple[Media, ...], list[str]]:
    """The variant's media as they will be sent: studio files fitted to the platform now, when the
    variant is composed (a PNG becomes the JPEG Instagram takes, a video the codec and shape it plays),
    with the rules that a file breaks beyond mending (``elshi.creative.fitting``)."""
    media, problems = list(media_of(variant)), []
    root = Path(settings.MEDIA_ROOT).resolve()
    for position, item in enumerate(variant.media or [], start=1):
        file = stored_file(str(item.get("url") or ""))
        path = (root / file).resolve() if file else None
        if path is None or not path.is_relative_to(root) or not path.is_file():
            continue  # a public link, or a file media_problems refuses
        if rules.media_from_url and not settings.ELSHI_PUBLIC_URL:
            problems.append(public_url_problem(rules.platform))
        try:
            fitted = fit(rules, path, media[position - 1].mime_type, position)
        except RenderError as error:
            problems.append(
                _("Media %(position)s cannot be read: %(error)s") % {"position": position, "error": error}
            )
            continue
        problems.extend(fitted.problems)
        media[position - 1] = replace(media[position - 1], mime_type=fitted.mime_type)
    return tuple(media), list(dict.fromkeys(problems))


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
    media, fit_problems = fitted_media(variant, rules)
    message = Message(text=variant.text, media=media, link=variant.link or None, language=variant.language)
    limit = rules.caption_max_length if message.media and rules.caption_max_length else rules.max_length
    report = VariantReport(variant.platform, variant.language, text_length(rules, variant.text), limit)
    if not variant.text.strip() and not message.media:
        report.problems.append(f"{variant.platform}: the variant is empty")
    report.problems.extend(platform_validate(rules, message))
    report.problems.extend(fit_problems)
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
        if variant.platform == "tiktok":
            report.problems.extend(tiktok_problems(post, variant))
        reports.append(report)
    return reports


def tiktok_problems(post: Post, variant: Variant) -> list[str]:
    """The person's TikTok choices against the live settings of the post's TikTok channels, so that
    submitting refuses what the sender would (``elshi.connectors.tiktok.choices``)."""
    channels = list(post.channels.filter(platform="tiktok")) if post.pk else []
    return choice_problems(variant.options or {}, variant.media or [], [creator_of(c) for c in channels])
