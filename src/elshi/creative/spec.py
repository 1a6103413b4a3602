"""Cards and storyboards from JSON-safe dicts: what the web app stores and the CLI reads.

    {"template": "number", "figure": "24th", "statement": "...", "source": "...", "language": "en"}
    {"template": "quote", "quote": "...", "attribution": "..."}
    {"template": "photo", "photo": "path.jpg", "headline": "...", "credit": "...",
     "provenance": {...Provenance.to_dict()...}, "label_waiver": {"removed_by": "...", "reason": "..."}}
    {"language": "kk", "transition": "fade", "transition_s": 0.5, "music": null, "voiceover": false,
     "scenes": [{"card": {...card...}, "duration": 5, "caption": "..."}, {"photo": "p.jpg", "duration": 4}]}

Unknown keys and missing fields are refused with the path of the bad value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elshi.creative.cards import Card, NumberCard, PhotoCard, QuoteCard
from elshi.creative.errors import CreativeError
from elshi.creative.provenance import LabelWaiver, Provenance
from elshi.creative.storyboard import Scene, Storyboard

__all__ = ["card_from_dict", "storyboard_from_dict"]

CARD_FIELDS = {
    "number": ({"figure", "statement", "source"}, {"language"}),
    "quote": ({"quote", "attribution"}, {"language"}),
    "photo": ({"photo", "headline"}, {"credit", "language", "provenance", "label_waiver"}),
}
BOARD_FIELDS = {
    "scenes",
    "language",
    "transition",
    "transition_s",
    "music",
    "music_volume",
    "voiceover",
    "title",
}


def _check(data: Mapping[str, Any], required: set[str], optional: set[str], where: str) -> None:
    if not isinstance(data, Mapping):
        raise CreativeError(f"{where}: expected an object")
    missing = sorted(required - set(data))
    unknown = sorted(set(data) - required - optional)
    if missing:
        raise CreativeError(f"{where}: missing {', '.join(missing)}")
    if unknown:
        raise CreativeError(f"{where}: unknown fields {', '.join(unknown)}")
    for key in required | optional:
        if (
            key in data
            and key not in {"provenance", "label_waiver"}
            and not isinstance(data[key], (str, int, float))
        ):
            if data[key] is not None:
                raise CreativeError(f"{where}.{key}: expected a string or number")


def card_from_dict(data: Mapping[str, Any], where: str = "card") -> Card:
    template = str(data.get("template", ""))
    if template not in CARD_FIELDS:
        raise CreativeError(f"{where}.template: {template!r} is not one of {', '.join(CARD_FIELDS)}")
    required, optional = CARD_FIELDS[template]
    _check(data, required | {"template"}, optional, where)
    language = str(data.get("language") or "")
    if template == "number":
        return NumberCard(str(data["figure"]), str(data["statement"]), str(data["source"]), language)
    if template == "quote":
        return QuoteCard(str(data["quote"]), str(data["attribution"]), language)
    provenance = Provenance.from_dict(data["provenance"]) if data.get("provenance") else None
    waiver = data.get("label_waiver")
    return PhotoCard(
        str(data["photo"]),
        str(data["headline"]),
        str(data.get("credit") or ""),
        language,
        provenance,
        LabelWaiver(str(waiver["removed_by"]), str(waiver["reason"])) if waiver else None,
    )


def storyboard_from_dict(data: Mapping[str, Any]) -> Storyboard:
    _check({k: v for k, v in data.items() if k != "scenes"}, set(), BOARD_FIELDS - {"scenes"}, "storyboard")
    scenes_data = data.get("scenes")
    if not isinstance(scenes_data, list) or not scenes_data:
        raise CreativeError("storyboard.scenes: expected a non-empty list")
    scenes = []
    for n, raw in enumerate(scenes_data):
        where = f"storyboard.scenes[{n}]"
        if not isinstance(raw, Mapping) or ("card" in raw) == ("photo" in raw):
            raise CreativeError(f"{where}: give exactly one of card or photo")
        extra = sorted(set(raw) - {"card", "photo", "duration", "caption", "voiceover"})
        if extra:
            raise CreativeError(f"{where}: unknown fields {', '.join(extra)}")
        visual = card_from_dict(raw["card"], f"{where}.card") if "card" in raw else str(raw["photo"])
        try:
            duration = float(raw["duration"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CreativeError(f"{where}.duration: expected seconds") from exc
        voice = raw.get("voiceover")
        scenes.append(
            Scene(visual, duration, str(raw.get("caption") or ""), None if voice is None else str(voice))
        )
    return Storyboard(
        tuple(scenes),
        language=str(data.get("language") or ""),
        transition=data.get("transition", "fade"),
        transition_s=float(data.get("transition_s", 0.5)),
        music=data.get("music"),
        music_volume=float(data.get("music_volume", 0.3)),
        voiceover=bool(data.get("voiceover", False)),
        title=str(data.get("title") or ""),
    )
