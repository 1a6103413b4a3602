"""`elshi keys c2pa`: install the ministry's C2PA signing certificate for the studio."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from elshi.cli._django import fail, setup

__all__ = ["keys_c2pa"]

console = Console()


def keys_c2pa(
    cert: Path = typer.Option(..., "--cert", help="Certificate chain, PEM, the signing certificate first."),
    key: Path = typer.Option(..., "--key", help="The signing certificate's private key, PEM (unencrypted)."),
) -> None:
    """Install the C2PA signing certificate: the studio then signs every AI-made export with it (the
    key is stored encrypted with the credentials keys)."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.audit.log import record
    from elshi.content.signing import install_signing, signing_files
    from elshi.creative.errors import ProvenanceError

    try:
        subject = install_signing(cert.read_bytes(), key.read_bytes())
    except OSError as exc:
        raise fail(f"cannot read {exc.filename}: {exc.strerror}", 2) from None
    except ProvenanceError as exc:
        raise fail(str(exc), 2) from None
    record(None, "c2pa.install", None, changes={"subject": subject}, actor_label="cli")
    console.print(f"C2PA signing certificate installed for {subject} in {signing_files()[0].parent}")
