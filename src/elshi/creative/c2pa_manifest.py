"""Signed C2PA manifests (Content Credentials) for assets, when the ministry has a signing certificate.

Optional: needs the ``c2pa-python`` wheel and a certificate chain plus private key (PEM). The
manifest says what made the asset (``c2pa.actions`` with the IPTC digital source type, the model
as software agent) and carries our provenance record as an ``org.elshi.provenance`` assertion.
Without a configured certificate, assets still carry XMP (see ``provenance``); nothing is signed
with a made-up key.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elshi.creative.errors import ProvenanceError
from elshi.creative.provenance import Provenance

__all__ = ["ALGORITHMS", "ContentCredentials", "SigningConfig", "available", "read_credentials", "sign_asset"]

ALGORITHMS = ("es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519")
MIME = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
}


def available() -> bool:
    try:
        import c2pa  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class SigningConfig:
    """The ministry's signing certificate chain (leaf first) and its private key, both PEM."""

    certificate_chain: bytes
    private_key: bytes
    algorithm: str = "es256"
    timestamp_url: str | None = None

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ProvenanceError(f"algorithm: {self.algorithm!r} is not one of {', '.join(ALGORITHMS)}")
        if b"BEGIN CERTIFICATE" not in self.certificate_chain or b"PRIVATE KEY" not in self.private_key:
            raise ProvenanceError("the C2PA signing certificate and key must be PEM")

    @classmethod
    def from_files(cls, certificate: str | Path, key: str | Path, algorithm: str = "es256") -> SigningConfig:
        return cls(Path(certificate).read_bytes(), Path(key).read_bytes(), algorithm)


def _manifest(provenance: Provenance, title: str) -> dict[str, Any]:
    action: dict[str, Any] = {"action": "c2pa.created", "digitalSourceType": provenance.source_type_uri}
    if provenance.model:
        action["softwareAgent"] = {"name": provenance.model}
    return {
        "claim_generator_info": [{"name": "elshi creative studio", "version": "1"}],
        "title": title,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [action]}},
            {"label": "org.elshi.provenance", "data": provenance.to_dict()},
        ],
    }


def sign_asset(path: str | Path, provenance: Provenance, config: SigningConfig, title: str = "") -> Path:
    """Embed a signed manifest into the file at ``path`` (replaced atomically)."""
    # c2pa-python is an optional extra (c2pa): imported only when signing is asked for.
    import c2pa

    target = Path(path)
    mime = MIME.get(target.suffix.lower())
    if mime is None:
        raise ProvenanceError(f"{target.name}: C2PA signing supports {', '.join(MIME)}")
    info = c2pa.C2paSignerInfo(
        getattr(c2pa.C2paSigningAlg, config.algorithm.upper()),
        config.certificate_chain,
        config.private_key,
        config.timestamp_url.encode() if config.timestamp_url else None,
    )
    signed = io.BytesIO()
    try:
        signer = c2pa.Signer.from_info(info)
        with (
            c2pa.Builder(_manifest(provenance, title or target.name)) as builder,
            target.open("rb") as source,
        ):
            builder.sign(signer, mime, source, signed)
    except c2pa.C2paError as exc:
        raise ProvenanceError(f"C2PA signing failed for {target.name}: {exc}") from exc
    temporary = target.with_name(f".{target.name}.signing")
    temporary.write_bytes(signed.getvalue())
    os.replace(temporary, target)
    return target


@dataclass(frozen=True)
class ContentCredentials:
    """What a file's active C2PA manifest says, and how its validation went."""

    digital_source_type: str | None
    signer: str
    record: Provenance | None
    validation_codes: tuple[str, ...]
    manifest: dict[str, Any]

    @property
    def signature_valid(self) -> bool:
        return not any(
            c.startswith(("claimSignature.mismatch", "assertion.dataHash.mismatch"))
            or c.endswith(".mismatch")
            for c in self.validation_codes
        )


def read_credentials(path: str | Path) -> ContentCredentials | None:
    """The active manifest of ``path``, or None when it has none."""
    # c2pa-python is an optional extra (c2pa): imported only when signing is asked for.
    import c2pa

    target = Path(path)
    mime = MIME.get(target.suffix.lower(), "application/octet-stream")
    try:
        with target.open("rb") as stream, c2pa.Reader(mime, stream) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError as exc:
        if (
            "ManifestNotFound" in type(exc).__name__
            or "no JUMBF" in str(exc)
            or "not found" in str(exc).lower()
        ):
            return None
        raise ProvenanceError(f"{target.name}: unreadable C2PA manifest: {exc}") from exc
    active = store["manifests"][store["active_manifest"]]
    source_type, record = None, None
    for assertion in active.get("assertions", []):
        if assertion["label"].startswith("c2pa.actions"):
            for action in assertion["data"].get("actions", []):
                source_type = action.get("digitalSourceType", source_type)
        elif assertion["label"] == "org.elshi.provenance":
            record = Provenance.from_dict(assertion["data"])
    codes = tuple(str(s["code"]) for s in store.get("validation_status", []))
    signer = str(active.get("signature_info", {}).get("common_name", ""))
    return ContentCredentials(source_type, signer, record, codes, active)
