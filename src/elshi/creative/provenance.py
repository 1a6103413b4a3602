"""Provenance of every asset: who or what made it, written into the file and read back.

An AI-made image records backend, model, prompt, seed, who asked for it and when; its XMP says
IPTC ``DigitalSourceType`` ``trainedAlgorithmicMedia`` (a card built on one says
``compositeWithTrainedAlgorithmicMedia``), which is what platforms and fact-checkers read.
PNG files carry the XMP packet in an ``iTXt`` chunk (``XML:com.adobe.xmp``) and the record as
JSON in an ``elshi:provenance`` text chunk; JPEG and WebP carry the XMP packet. A visible label is
drawn by the templates; only a ``LabelWaiver`` (who, and why; the web app audits it) removes it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - used only to build XML; parsing goes through defusedxml
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
from PIL import Image, PngImagePlugin

from elshi.creative.errors import ProvenanceError

__all__ = [
    "AI_SOURCE_TYPES",
    "IPTC_DST",
    "LabelWaiver",
    "Provenance",
    "ReadBack",
    "build_xmp",
    "read_provenance",
    "save_with_provenance",
]

IPTC_DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_SOURCE_TYPES = frozenset(
    {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia"}
)
KNOWN_SOURCE_TYPES = AI_SOURCE_TYPES | {"digitalCapture", "digitalCreation", "composite", "humanEdits"}
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "elshi": "urn:elshi:provenance:1",
}
PNG_KEY = "elshi:provenance"


@dataclass(frozen=True)
class Provenance:
    """What made an asset. ``created_at`` must be timezone-aware (stored in UTC)."""

    source_type: str
    made_by: str
    created_at: datetime
    backend: str = ""
    model: str = ""
    prompt: str = ""
    seed: int | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    derived_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.source_type not in KNOWN_SOURCE_TYPES:
            raise ProvenanceError(
                f"source_type: {self.source_type!r} is not an IPTC digital source type we use"
            )
        if self.created_at.tzinfo is None:
            raise ProvenanceError("created_at: must be timezone-aware")
        if self.source_type == "trainedAlgorithmicMedia" and not (self.backend and self.model):
            raise ProvenanceError("an AI-made asset must name its backend and model")

    @property
    def ai_generated(self) -> bool:
        return self.source_type in AI_SOURCE_TYPES

    @property
    def source_type_uri(self) -> str:
        return IPTC_DST + self.source_type

    def composite(self, made_by: str, created_at: datetime) -> Provenance:
        """The provenance of a card or video built on this asset."""
        kind = "compositeWithTrainedAlgorithmicMedia" if self.ai_generated else "composite"
        parents = (f"{self.backend}:{self.model}" if self.ai_generated else self.made_by, *self.derived_from)
        return Provenance(
            kind,
            made_by,
            created_at,
            self.backend,
            self.model,
            self.prompt,
            self.seed,
            dict(self.parameters),
            parents,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.astimezone(UTC).isoformat()
        data["parameters"] = dict(self.parameters)
        data["derived_from"] = list(self.derived_from)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        try:
            return cls(
                source_type=str(data["source_type"]),
                made_by=str(data["made_by"]),
                created_at=datetime.fromisoformat(str(data["created_at"])),
                backend=str(data.get("backend", "")),
                model=str(data.get("model", "")),
                prompt=str(data.get("prompt", "")),
                seed=None if data.get("seed") is None else int(data["seed"]),
                parameters={str(k): str(v) for k, v in dict(data.get("parameters") or {}).items()},
                derived_from=tuple(str(p) for p in data.get("derived_from") or ()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProvenanceError(f"provenance record is incomplete or malformed: {exc}") from exc


@dataclass(frozen=True)
class LabelWaiver:
    """An approver's decision to drop the visible AI label; the reason is required."""

    removed_by: str
    reason: str

    def __post_init__(self) -> None:
        if not self.removed_by.strip() or len(self.reason.strip()) < 10:
            raise ProvenanceError("removing the AI label needs who removed it and a reason (10+ characters)")


def build_xmp(provenance: Provenance, description: str = "") -> bytes:
    """An XMP packet with the IPTC digital source type, dc:description (alt text) and our record."""
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    meta = ET.Element(f"{{{NS['x']}}}xmpmeta")
    rdf = ET.SubElement(meta, f"{{{NS['rdf']}}}RDF")
    desc = ET.SubElement(rdf, f"{{{NS['rdf']}}}Description", {f"{{{NS['rdf']}}}about": ""})
    fields = {
        ("Iptc4xmpExt", "DigitalSourceType"): provenance.source_type_uri,
        ("xmp", "CreatorTool"): "elshi creative studio",
        ("xmp", "CreateDate"): provenance.created_at.astimezone(UTC).isoformat(),
        ("elshi", "MadeBy"): provenance.made_by,
        ("elshi", "Backend"): provenance.backend,
        ("elshi", "Model"): provenance.model,
        ("elshi", "Prompt"): provenance.prompt,
        ("elshi", "Seed"): "" if provenance.seed is None else str(provenance.seed),
        ("elshi", "Record"): json.dumps(provenance.to_dict(), ensure_ascii=False, sort_keys=True),
    }
    for (prefix, name), value in fields.items():
        ET.SubElement(desc, f"{{{NS[prefix]}}}{name}").text = value
    if description:
        alt = ET.SubElement(ET.SubElement(desc, f"{{{NS['dc']}}}description"), f"{{{NS['rdf']}}}Alt")
        item = ET.SubElement(alt, f"{{{NS['rdf']}}}li", {"xml:lang": "x-default"})
        item.text = description
    body = ET.tostring(meta, encoding="unicode")
    packet = f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>{body}<?xpacket end="w"?>'
    return packet.encode("utf-8")


def save_with_provenance(
    image: Image.Image, path: str | Path, provenance: Provenance, description: str = "", quality: int = 92
) -> Path:
    """Write ``image`` as PNG, JPEG or WebP (by suffix) with its provenance embedded."""
    target = Path(path)
    xmp = build_xmp(provenance, description)
    suffix = target.suffix.lower()
    if suffix == ".png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
        info.add_itxt(PNG_KEY, json.dumps(provenance.to_dict(), ensure_ascii=False, sort_keys=True))
        if description:
            info.add_itxt("Description", description)
        image.save(target, "PNG", pnginfo=info)
    elif suffix in {".jpg", ".jpeg"}:
        image.convert("RGB").save(target, "JPEG", quality=quality, xmp=xmp)
    elif suffix == ".webp":
        image.save(target, "WEBP", quality=quality, xmp=xmp)
    else:
        raise ProvenanceError(f"{target.name}: write .png, .jpg or .webp to keep provenance")
    return target


@dataclass(frozen=True)
class ReadBack:
    """What a file says about itself: the IPTC source type, alt text and our record, if any."""

    source_type: str | None
    description: str
    provenance: Provenance | None

    @property
    def ai_generated(self) -> bool:
        return self.source_type in AI_SOURCE_TYPES


def read_provenance(path: str | Path) -> ReadBack:
    """Parse the XMP packet of a PNG, JPEG or WebP file written by us or anyone else."""
    with Image.open(path) as image:
        image.load()
        raw: Any = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if not raw:
        return ReadBack(None, "", None)
    packet = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        raise ProvenanceError(f"{path}: XMP packet has no x:xmpmeta element")
    root = SafeET.fromstring(packet[start : end + len(b"</x:xmpmeta>")])
    dst = root.find(f".//{{{NS['Iptc4xmpExt']}}}DigitalSourceType")
    source = (dst.text or "").removeprefix(IPTC_DST) if dst is not None else None
    li = root.find(f".//{{{NS['dc']}}}description/{{{NS['rdf']}}}Alt/{{{NS['rdf']}}}li")
    record = root.find(f".//{{{NS['elshi']}}}Record")
    provenance = None
    if record is not None and record.text:
        provenance = Provenance.from_dict(json.loads(record.text))
    return ReadBack(source, (li.text or "") if li is not None else "", provenance)
