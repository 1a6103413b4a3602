"""Signed C2PA manifests: made with a test certificate, read back, and broken by tampering."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from typer.testing import CliRunner

from elshi.cli import app
from elshi.content import signing
from elshi.content.studio import do_generate_image
from elshi.creative import Provenance, ProvenanceError, read_provenance, save_with_provenance
from elshi.creative.c2pa_manifest import SigningConfig, read_credentials, sign_asset

from .certs import make_signing_chain

pytest.importorskip("c2pa", reason="c2pa-python is an optional extra")

AI = Provenance(
    "trainedAlgorithmicMedia",
    "aigerim@astana",
    datetime(2025, 5, 1, tzinfo=UTC),
    "openai-compatible",
    "gpt-image-1",
    "Baiterek tower at dusk, watercolour",
    1234,
)


@pytest.fixture(scope="module")
def config() -> SigningConfig:
    chain, key, _ca = make_signing_chain()
    return SigningConfig(chain, key)


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_signed_manifest_reads_back_with_xmp_intact(
    tmp_path: Path, config: SigningConfig, suffix: str
) -> None:
    path = save_with_provenance(
        Image.new("RGB", (96, 64), (0, 175, 202)), tmp_path / f"ai{suffix}", AI, "Бәйтерек мұнарасы"
    )
    assert read_credentials(path) is None
    sign_asset(path, AI, config)
    credentials = read_credentials(path)
    assert credentials is not None
    assert (
        credentials.digital_source_type
        == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    )
    assert credentials.signer == "MFA Content Signer"
    assert credentials.record == AI
    assert credentials.signature_valid
    # Our test CA is in no trust list: the SDK says so, and says nothing worse.
    assert "signingCredential.untrusted" in credentials.validation_codes
    assert not [c for c in credentials.validation_codes if "mismatch" in c]
    # The XMP written before signing survives it.
    back = read_provenance(path)
    assert back.source_type == "trainedAlgorithmicMedia" and back.description == "Бәйтерек мұнарасы"


def test_tampered_pixels_break_the_hard_binding(tmp_path: Path, config: SigningConfig) -> None:
    path = save_with_provenance(Image.new("RGB", (96, 64), (0, 175, 202)), tmp_path / "ai.png", AI)
    sign_asset(path, AI, config)
    data = bytearray(path.read_bytes())
    idat = data.find(b"IDAT")
    data[idat + 8] ^= 0xFF  # one byte of pixel data
    path.write_bytes(bytes(data))
    credentials = read_credentials(path)
    assert credentials is not None and not credentials.signature_valid


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ProvenanceError, match="PEM"):
        SigningConfig(b"not a cert", b"not a key")
    chain, key, _ca = make_signing_chain()
    with pytest.raises(ProvenanceError, match="algorithm"):
        SigningConfig(chain, key, algorithm="md5")


def test_cards_and_videos_are_signed_when_configured(tmp_path: Path, config: SigningConfig) -> None:
    from elshi.creative import NumberCard, Scene, Storyboard, probe, render_card, render_video

    card = render_card(NumberCard("24", "UN E-Government index", "UN DESA, 2024", "en"), "1200x630")
    signed_card = read_credentials(card.save(tmp_path / "card.png", made_by="editor@astana", signing=config))
    assert signed_card is not None and signed_card.digital_source_type is not None
    assert signed_card.digital_source_type.endswith("/digitalCreation")
    assert signed_card.record is not None and signed_card.record.made_by == "editor@astana"

    board = Storyboard((Scene(NumberCard("24", "x", "y", "en"), 3.0, "Caption"),), size=(180, 320), fps=24)
    video = render_video(board, tmp_path / "clip.mp4", signing=config)
    assert probe(str(video.path)).video_codec == "h264"  # still a playable MP4 after signing
    signed_video = read_credentials(video.path)
    assert signed_video is not None and signed_video.signature_valid
    assert signed_video.signer == "MFA Content Signer"


# The studio: AI-made exports signed with the installed certificate, and only then.
from tests.tell.test_studio import image_endpoint, media_root  # noqa: E402,F401,F811  (shared fixtures)


def _keys_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The signing files in this test's folder, not the shared test home (where a certificate would
    make every later test's AI assets signed)."""

    monkeypatch.setattr(
        signing, "signing_files", lambda: (tmp_path / "c2pa-cert.pem", tmp_path / "c2pa-key.enc")
    )


def _generate(people: dict[str, object], missions: dict[str, object]) -> Path:
    asset = do_generate_image(
        missions["berlin"],  # type: ignore[arg-type]
        "Baiterek tower at dusk, watercolour",
        "kk",
        "A watercolour of the Baiterek tower at dusk",
        acting_user=people["author"],  # type: ignore[arg-type]
    )
    return Path(settings.MEDIA_ROOT) / asset.file


@pytest.mark.django_db
def test_ai_export_is_signed_with_the_installed_certificate(
    people: dict[str, object],
    missions: dict[str, object],
    image_endpoint: object,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _keys_in(tmp_path, monkeypatch)
    chain, key, _ca = make_signing_chain()
    (tmp_path / "cert.pem").write_bytes(chain)
    (tmp_path / "key.pem").write_bytes(key)
    result = CliRunner().invoke(
        app, ["keys", "c2pa", "--cert", str(tmp_path / "cert.pem"), "--key", str(tmp_path / "key.pem")]
    )
    assert result.exit_code == 0, result.output
    assert "MFA Content Signer" in result.output
    assert b"PRIVATE KEY" not in signing.signing_files()[1].read_bytes()  # encrypted at rest

    credentials = read_credentials(_generate(people, missions))
    assert credentials is not None and credentials.signature_valid
    assert credentials.signer == "MFA Content Signer"
    assert credentials.digital_source_type is not None
    assert credentials.digital_source_type.endswith("trainedAlgorithmicMedia")


@pytest.mark.django_db
def test_no_manifest_without_a_certificate(
    people: dict[str, object],
    missions: dict[str, object],
    image_endpoint: object,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _keys_in(tmp_path, monkeypatch)
    path = _generate(people, missions)
    assert read_credentials(path) is None
    assert read_provenance(path).source_type == "trainedAlgorithmicMedia"  # the XMP as before


def test_a_key_of_another_certificate_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _keys_in(tmp_path, monkeypatch)
    chain, _key, _ca = make_signing_chain()
    _chain, other_key, _ca2 = make_signing_chain()
    with pytest.raises(ProvenanceError, match="does not belong"):
        signing.install_signing(chain, other_key)
    assert not signing.signing_files()[0].exists()
