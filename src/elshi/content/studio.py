"""The studio: story cards from claims and quotes, short vertical videos from cards, each an asset.

Cards render in the request (tens of milliseconds); videos render in the worker, with their
progress stored on the asset so that a reloaded page still shows it.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from PIL import Image

from elshi.audit.log import record
from elshi.common.actors import Actor, person
from elshi.common.http import configured_hosts, outbound_client
from elshi.content.models import Asset, AssetKind, AssetState, Brand, Claim
from elshi.content.signing import signing_config
from elshi.content.tasks import render_video_asset
from elshi.creative import (
    BrandKit,
    GeneratedImage,
    ImageRequest,
    LabelWaiver,
    Scene,
    Storyboard,
    check_alt_text,
    make_backend,
    render_card,
    render_video,
)
from elshi.creative.provenance import Provenance
from elshi.creative.spec import card_from_dict
from elshi.missions.models import Mission

SIZES = ["1080x1080", "1080x1350", "1080x1920", "1200x675", "1200x630"]


def brand_for(mission: Mission) -> Any:
    """The ministry's brand kit with the mission's overrides."""
    ministry = Brand.objects.filter(mission__isnull=True).first()
    kit = BrandKit.from_dict(_stored_files(ministry.data)) if ministry and ministry.data else BrandKit()
    own = Brand.objects.filter(mission=mission).first()
    return kit.merged(_stored_files(own.data)) if own and own.data else kit


def _stored_files(data: dict[str, Any]) -> dict[str, Any]:
    """A stored kit's logo is relative to MEDIA_ROOT (so backups move); the kit wants a real path."""
    logo = data.get("logo")
    if logo and not Path(logo).is_absolute():
        return {**data, "logo": str(Path(settings.MEDIA_ROOT) / logo)}
    return data


def card_from_spec(spec: dict[str, Any]) -> Any:
    """A card from its stored spec; a photo card's photo is stored relative to MEDIA_ROOT."""
    if spec.get("template") == "photo":
        spec = {**spec, "photo": str(Path(settings.MEDIA_ROOT) / spec["photo"])}
    return card_from_dict(spec)


def render_preview(
    mission: Mission, spec: dict[str, Any], size: str, longest: int = 480
) -> tuple[bytes, str]:
    """A downscaled PNG of the card as it would be saved, and its drafted alt text (nothing stored)."""
    rendered = render_card(card_from_spec(spec), size, brand_for(mission))
    image = rendered.image
    image.thumbnail((longest, longest))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=1)
    return out.getvalue(), rendered.alt_text


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
    acting_user: Actor,
    title: str,
    claim: Claim | None = None,
    alt_text: str = "",
) -> Asset:
    rendered = render_card(card_from_spec(spec), size, brand_for(mission))
    if alt_text.strip():
        rendered.alt_text = alt_text.strip()
    return store_rendered_card(
        mission, rendered, {"card": spec, "size": size}, acting_user=acting_user, title=title, claim=claim
    )


def store_rendered_card(
    mission: Mission,
    rendered: Any,
    spec: dict[str, Any],
    *,
    acting_user: Actor,
    title: str,
    claim: Claim | None = None,
) -> Asset:
    """Save a rendered card's file (with its XMP) and its asset; audited."""
    relative, path = _target("card", "png")
    signing = signing_config() if rendered.ai_labelled else None  # only AI-made cards are signed
    rendered.save(path, made_by=f"elshi ({mission.slug})", signing=signing)
    with transaction.atomic():
        asset = Asset.objects.create(
            mission=mission,
            kind=AssetKind.CARD,
            title=title[:200],
            spec=spec,
            file=relative,
            alt_text=rendered.alt_text,
            ai_generated=rendered.ai_labelled,
            state=AssetState.READY,
            progress=1.0,
            claim=claim,
            created_by=person(acting_user),
            provenance={"source_type": "digitalCreation"},
        )
        record(
            acting_user,
            "asset.render",
            asset,
            mission_slug=mission.slug,
            changes={"kind": "card", "size": spec["size"], "template": spec["card"].get("template")},
        )
    return asset


def do_queue_video(
    mission: Mission,
    cards: list[Asset],
    captions: list[str],
    seconds: float,
    language: str,
    *,
    acting_user: Actor,
    title: str,
) -> Asset:
    scenes = [(a, seconds, c) for a, c in zip(cards, captions, strict=True)]
    return do_queue_storyboard(mission, scenes, language, acting_user=acting_user, title=title)


def do_queue_storyboard(
    mission: Mission,
    scenes: list[tuple[Asset, float, str]],
    language: str,
    *,
    acting_user: Actor,
    title: str,
    transition: str = "fade",
    music: str | None = None,
    voiceover: bool = False,
) -> Asset:
    """Queue a vertical video from library assets (cards, images) in order, each with its duration and
    caption; ``music`` is an uploaded track relative to MEDIA_ROOT; ``voiceover`` speaks the captions."""
    spec: dict[str, Any] = {
        "scenes": [{"asset": a.pk, "caption": c, "duration": d} for a, d, c in scenes],
        "language": language,
    }
    if transition != "fade":
        spec["transition"] = transition
    if music:
        spec["music"] = music
    if voiceover:
        spec["voiceover"] = True
    with transaction.atomic():
        asset = Asset.objects.create(
            mission=mission,
            kind=AssetKind.VIDEO,
            title=title,
            spec=spec,
            created_by=person(acting_user),
            stage="queued",
        )
        record(
            acting_user,
            "asset.queue",
            asset,
            mission_slug=mission.slug,
            changes={"kind": "video", "scenes": len(scenes), "music": bool(music), "voiceover": voiceover},
        )
        transaction.on_commit(lambda: render_video_asset(asset.pk))
    return asset


def storyboard_for(spec: dict[str, Any]) -> Any:
    """The creative Storyboard for a stored video spec (scenes name assets of the library)."""
    root = Path(settings.MEDIA_ROOT)
    stills = {a.pk: a for a in Asset.objects.filter(pk__in=[s["asset"] for s in spec["scenes"]])}
    missing = [s["asset"] for s in spec["scenes"] if s["asset"] not in stills or not stills[s["asset"]].file]
    if missing:
        raise ValueError(f"assets {missing} of the storyboard are gone or not rendered")
    return Storyboard(
        scenes=tuple(_scene(stills[s["asset"]], float(s["duration"]), s["caption"]) for s in spec["scenes"]),
        language=spec.get("language", ""),
        transition=spec.get("transition", "fade"),
        music=root / spec["music"] if spec.get("music") else None,
        voiceover=bool(spec.get("voiceover", False)),
    )


def _scene(asset: Asset, duration: float, caption: str) -> Any:
    """An AI image enters as itself (unlabelled original plus provenance): the video labels the frame
    where platforms leave room, and the video's metadata says it holds AI-made media."""
    root = Path(settings.MEDIA_ROOT)
    if asset.ai_generated and asset.kind == AssetKind.IMAGE and asset.spec.get("original"):
        with Image.open(root / asset.spec["original"]) as source:
            image = GeneratedImage(source.convert("RGB"), Provenance.from_dict(asset.provenance))
        waived = asset.spec.get("label_waiver")
        waiver = LabelWaiver(str(waived["removed_by"]), str(waived["reason"])) if waived else None
        return Scene(image, duration, caption, label_waiver=waiver)
    return Scene(root / asset.file, duration, caption)


def render_video_now(asset_id: int) -> None:
    """Worker side: render, storing progress as it goes; a failure keeps its error on the asset."""
    asset = Asset.objects.select_related("mission").get(pk=asset_id)
    Asset.objects.filter(pk=asset_id).update(state=AssetState.RENDERING, stage="starting")
    try:
        board = storyboard_for(asset.spec)
        relative, path = _target("video", "mp4")

        def progress(fraction: float, stage: str) -> None:
            Asset.objects.filter(pk=asset_id).update(progress=round(fraction, 3), stage=stage[:100])

        result = render_video(
            board, path, brand_for(asset.mission), progress=progress, made_by=f"elshi ({asset.mission.slug})"
        )
        ai_made = result.provenance.ai_generated
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
        ai_generated=ai_made,
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
        # The diffusers backend reads its pipeline from a local folder named by ELSHI_IMAGE_MODEL.
        "model_path": settings.ELSHI_IMAGE_MODEL,
        "device": getattr(settings, "ELSHI_IMAGE_DEVICE", "cuda"),
    }


def image_client() -> Any:
    # Guarded: the backend's answer may name an image URL, fetched with this same client.
    allowed = configured_hosts(settings.ELSHI_IMAGE_BASE_URL)
    return outbound_client(timeout=httpx.Timeout(120.0, connect=10.0), also_allowed=allowed)


def do_generate_image(
    mission: Mission, prompt: str, language: str, alt_text: str, *, acting_user: Actor
) -> Asset:
    """An AI image: labelled visibly and in its metadata; the unlabelled original is kept for a waiver."""
    alt = check_alt_text(alt_text, asset="image")
    with image_client() as client:
        backend = make_backend(image_backend_config(), client=client)
        generated = backend.generate(
            ImageRequest(prompt=prompt, made_by=f"{person(acting_user).get_username()}@{mission.slug}")
        )
    relative, path = _target("image", "png")
    original = relative[:-4] + "-original.png"  # never served: not an asset file
    generated.image.save(Path(settings.MEDIA_ROOT) / original)
    generated.save(path, language, alt, signing=signing_config())  # signed when a certificate is installed
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
            created_by=person(acting_user),
        )
        record(
            acting_user,
            "asset.generate",
            asset,
            mission_slug=mission.slug,
            changes={"backend": asset.provenance.get("backend"), "model": asset.provenance.get("model")},
        )
    return asset


def do_waive_label(asset: Asset, reason: str, *, acting_user: Actor) -> Asset:
    """An approver drops the visible label, with a reason; the metadata still says AI-made."""
    waiver = LabelWaiver(removed_by=person(acting_user).get_username(), reason=reason)
    with Image.open(Path(settings.MEDIA_ROOT) / asset.spec["original"]) as source:
        generated = GeneratedImage(source.copy(), Provenance.from_dict(asset.provenance))
    generated.save(
        Path(settings.MEDIA_ROOT) / asset.file,
        asset.spec.get("language", ""),
        asset.alt_text,
        waiver=waiver,
        signing=signing_config(),
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


def do_save_brand(mission: Mission | None, data: dict[str, Any], *, acting_user: Actor) -> Brand:
    """Store the ministry's kit (``mission=None``) or a mission's overrides; audited with what changed."""
    brand, _ = Brand.objects.get_or_create(mission=mission)
    before = dict(brand.data)
    changes = {k: [before.get(k), v] for k, v in data.items() if before.get(k) != v}
    changes.update({k: [v, None] for k, v in before.items() if k not in data})
    with transaction.atomic():
        brand.data = data
        brand.save()
        record(
            acting_user,
            "brand.save",
            brand,
            mission_slug=mission.slug if mission else "",
            changes=changes,
        )
    return brand
