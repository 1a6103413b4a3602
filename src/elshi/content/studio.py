"""The studio: story cards from claims and quotes, short vertical videos from cards, each an asset.

Cards render in the request (tens of milliseconds); videos render in the worker, with their
progress stored on the asset so that a reloaded page still shows it.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from elshi.audit.log import record
from elshi.content.models import Asset, AssetKind, AssetState, Brand, Claim
from elshi.missions.models import Mission

SIZES = ["1080x1080", "1080x1350", "1080x1920", "1200x675", "1200x630"]


def brand_for(mission: Mission) -> Any:
    """The ministry's brand kit with the mission's overrides."""
    from elshi.creative import BrandKit

    ministry = Brand.objects.filter(mission__isnull=True).first()
    kit = BrandKit.from_dict(ministry.data) if ministry and ministry.data else BrandKit()
    own = Brand.objects.filter(mission=mission).first()
    return kit.merged(own.data) if own and own.data else kit


def _target(kind: str, suffix: str) -> tuple[str, Path]:
    relative = f"assets/{kind}/{uuid.uuid4().hex}.{suffix}"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    return relative, path


def claim_card_spec(claim: Claim, language: str) -> dict[str, Any]:
    return {
        "template": "number",
        "figure": claim.display_value,
        "statement": claim.statement(language),
        "source": f"{claim.source_title}, {claim.source_date:%Y}",
        "language": language,
    }


def do_render_card(
    mission: Mission,
    spec: dict[str, Any],
    size: str,
    *,
    acting_user: Any,
    title: str,
    claim: Claim | None = None,
) -> Asset:
    from elshi.creative import render_card
    from elshi.creative.spec import card_from_dict

    card = card_from_dict(spec)
    rendered = render_card(card, size, brand_for(mission))
    relative, path = _target("card", "png")
    rendered.save(path, made_by=f"elshi ({mission.slug})")
    with transaction.atomic():
        asset = Asset.objects.create(
            mission=mission,
            kind=AssetKind.CARD,
            title=title,
            spec={"card": spec, "size": size},
            file=relative,
            alt_text=rendered.alt_text,
            ai_generated=rendered.ai_labelled,
            state=AssetState.READY,
            progress=1.0,
            claim=claim,
            created_by=acting_user,
            provenance={"source_type": "digitalCreation"},
        )
        record(
            acting_user,
            "asset.render",
            asset,
            mission_slug=mission.slug,
            changes={"kind": "card", "size": size},
        )
    return asset


def do_queue_video(
    mission: Mission,
    cards: list[Asset],
    captions: list[str],
    seconds: float,
    language: str,
    *,
    acting_user: Any,
    title: str,
) -> Asset:
    from elshi.content.tasks import render_video_asset

    spec = {
        "scenes": [
            {"asset": a.pk, "caption": c, "duration": seconds} for a, c in zip(cards, captions, strict=True)
        ],
        "language": language,
    }
    with transaction.atomic():
        asset = Asset.objects.create(
            mission=mission,
            kind=AssetKind.VIDEO,
            title=title,
            spec=spec,
            created_by=acting_user,
            stage="queued",
        )
        record(
            acting_user,
            "asset.queue",
            asset,
            mission_slug=mission.slug,
            changes={"kind": "video", "scenes": len(cards)},
        )
        transaction.on_commit(lambda: render_video_asset(asset.pk))
    return asset


def render_video_now(asset_id: int) -> None:
    """Worker side: render, storing progress as it goes; a failure keeps its error on the asset."""
    from elshi.creative import Scene, Storyboard, render_video

    asset = Asset.objects.select_related("mission").get(pk=asset_id)
    Asset.objects.filter(pk=asset_id).update(state=AssetState.RENDERING, stage="starting")
    try:
        stills = {a.pk: a for a in Asset.objects.filter(pk__in=[s["asset"] for s in asset.spec["scenes"]])}
        board = Storyboard(
            scenes=tuple(
                Scene(Path(settings.MEDIA_ROOT) / stills[s["asset"]].file, float(s["duration"]), s["caption"])
                for s in asset.spec["scenes"]
            ),
            language=asset.spec.get("language", ""),
        )
        relative, path = _target("video", "mp4")

        def progress(fraction: float, stage: str) -> None:
            Asset.objects.filter(pk=asset_id).update(progress=round(fraction, 3), stage=stage[:100])

        result = render_video(
            board, path, brand_for(asset.mission), progress=progress, made_by=f"elshi ({asset.mission.slug})"
        )
    except Exception as exc:  # noqa: BLE001 - shown to the person who asked for the render
        Asset.objects.filter(pk=asset_id).update(
            state=AssetState.FAILED, error=str(exc)[:2000], stage="failed"
        )
        raise
    Asset.objects.filter(pk=asset_id).update(
        state=AssetState.READY,
        progress=1.0,
        stage="done",
        file=relative,
        alt_text=result.alt_text,
        provenance={
            "source_type": result.provenance.source_type,
            "duration_s": result.info.duration,
            "captions": [f"{relative[:-4]}.srt", f"{relative[:-4]}.vtt"],
        },
    )


def image_backend_config() -> dict[str, Any]:
    return {
        "backend": settings.ELSHI_IMAGE_BACKEND,
        "base_url": settings.ELSHI_IMAGE_BASE_URL,
        "model": settings.ELSHI_IMAGE_MODEL,
        "api_key": settings.ELSHI_IMAGE_API_KEY,
    }


def image_client() -> Any:
    import httpx

    return httpx.Client(timeout=httpx.Timeout(120.0, connect=10.0))


def do_generate_image(
    mission: Mission, prompt: str, language: str, alt_text: str, *, acting_user: Any
) -> Asset:
    """An AI image: labelled visibly and in its metadata; the unlabelled original is kept for a waiver."""
    from elshi.creative import ImageRequest, check_alt_text, make_backend

    alt = check_alt_text(alt_text, asset="image")
    with image_client() as client:
        backend = make_backend(image_backend_config(), client=client)
        generated = backend.generate(
            ImageRequest(prompt=prompt, made_by=f"{acting_user.get_username()}@{mission.slug}")
        )
    relative, path = _target("image", "png")
    original = relative[:-4] + "-original.png"  # never served: not an asset file
    generated.image.save(Path(settings.MEDIA_ROOT) / original)
    generated.save(path, language, alt)
    with transaction.atomic():
        asset = Asset.objects.create(
            mission=mission,
            kind=AssetKind.IMAGE,
            title=prompt[:200],
            file=relative,
            alt_text=alt,
            ai_generated=True,
            provenance=generated.provenance.to_dict(),
            state=AssetState.READY,
            progress=1.0,
            spec={
                "prompt": prompt,
                "language": language,
                "original": original,
                "revised_prompt": generated.revised_prompt,
            },
            created_by=acting_user,
        )
        record(
            acting_user,
            "asset.generate",
            asset,
            mission_slug=mission.slug,
            changes={"backend": asset.provenance.get("backend"), "model": asset.provenance.get("model")},
        )
    return asset


def do_waive_label(asset: Asset, reason: str, *, acting_user: Any) -> Asset:
    """An approver drops the visible label, with a reason; the metadata still says AI-made."""
    from PIL import Image

    from elshi.creative import GeneratedImage, LabelWaiver
    from elshi.creative.provenance import Provenance

    waiver = LabelWaiver(removed_by=acting_user.get_username(), reason=reason)
    with Image.open(Path(settings.MEDIA_ROOT) / asset.spec["original"]) as source:
        generated = GeneratedImage(source.copy(), Provenance.from_dict(asset.provenance))
    generated.save(
        Path(settings.MEDIA_ROOT) / asset.file, asset.spec.get("language", ""), asset.alt_text, waiver=waiver
    )
    with transaction.atomic():
        asset.spec = {**asset.spec, "label_waiver": {"removed_by": waiver.removed_by, "reason": reason}}
        asset.save(update_fields=["spec"])
        record(
            acting_user,
            "asset.label_waived",
            asset,
            mission_slug=asset.mission.slug,
            changes={"reason": reason},
        )
    return asset
