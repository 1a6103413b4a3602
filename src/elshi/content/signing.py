"""The ministry's C2PA signing certificate, as installed by ``elshi keys c2pa``.

The certificate chain is public and kept as PEM in ``ELSHI_HOME/keys/c2pa-cert.pem``; the private
key is encrypted at rest with the credentials keys (:mod:`elshi.common.crypto`) in
``ELSHI_HOME/keys/c2pa-key.enc``, so a copied home folder without the credentials keys signs
nothing. ``elshi keys rotate`` re-encrypts it with the rest. Without an installed certificate the
studio signs nothing: AI-made assets still carry their visible label and XMP, never a manifest made
with a throwaway key.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings

from elshi.common import crypto
from elshi.creative.c2pa_manifest import SigningConfig, available
from elshi.creative.errors import ProvenanceError

__all__ = ["install_signing", "rotate_signing_key", "signing_config", "signing_files"]


def signing_files() -> tuple[Path, Path]:
    keys = Path(settings.ELSHI_HOME) / "keys"
    return keys / "c2pa-cert.pem", keys / "c2pa-key.enc"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    os.replace(temporary, path)


def install_signing(certificate_pem: bytes, key_pem: bytes) -> str:
    """Check that the key belongs to the chain's first (leaf) certificate, then store both; the
    certificate's subject, for the operator to confirm."""
    if not available():
        raise ProvenanceError("C2PA signing needs the c2pa extra (c2pa-python): install it first")
    config = SigningConfig(certificate_pem, key_pem)  # refuses what is not PEM
    try:
        leaf = x509.load_pem_x509_certificate(config.certificate_chain)
        key = serialization.load_pem_private_key(config.private_key, password=None)
    except (ValueError, TypeError) as exc:
        raise ProvenanceError(f"the C2PA certificate or key cannot be read: {exc}") from exc
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    pem = serialization.Encoding.PEM
    if key.public_key().public_bytes(pem, public) != leaf.public_key().public_bytes(pem, public):
        raise ProvenanceError("the C2PA key does not belong to the chain's first certificate")
    cert_file, key_file = signing_files()
    _write_private(key_file, crypto.encrypt_json(key_pem.decode("ascii")))
    _write_private(cert_file, certificate_pem.decode("ascii"))
    return leaf.subject.rfc4514_string()


def signing_config() -> SigningConfig | None:
    """The installed certificate and key, or None when none is installed."""
    cert_file, key_file = signing_files()
    if not cert_file.is_file() or not key_file.is_file():
        return None
    key = crypto.decrypt_json(key_file.read_text("ascii").strip())
    return SigningConfig(cert_file.read_bytes(), str(key).encode("ascii"))


def rotate_signing_key() -> bool:
    """Re-encrypt the stored key with the newest credentials key (for ``elshi keys rotate``)."""
    _cert_file, key_file = signing_files()
    if not key_file.is_file():
        return False
    _write_private(key_file, crypto.rotate(key_file.read_text("ascii").strip()))
    return True
