"""The local diffusers backend on a tiny, randomly initialised Stable Diffusion pipeline built here.

Nothing is downloaded: the UNet, VAE and CLIP text encoder get tiny configs and random weights,
the CLIP tokenizer gets a byte-level vocabulary written by the test. Skipped when the optional
``torch``/``diffusers``/``transformers`` packages are not installed (CI installs only ``.[dev]``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip(
    "torch", reason="the diffusers backend is an optional extra: torch is not installed"
)
diffusers = pytest.importorskip("diffusers", reason="the optional diffusers package is not installed")
transformers = pytest.importorskip(
    "transformers", reason="the optional transformers package is not installed"
)

from PIL import Image  # noqa: E402

from elshi.creative import ImageRequest, make_backend, read_provenance  # noqa: E402


def _byte_chars() -> list[str]:
    """GPT-2/CLIP's printable stand-in for each of the 256 bytes (byte-level BPE's alphabet)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b], extra = chr(256 + extra), extra + 1
    return [chars[b] for b in range(256)]


def _tokenizer(folder: Path) -> Any:
    """A CLIP tokenizer whose vocabulary is every byte (alone and word-final) and no merges."""
    chars = _byte_chars()
    vocab = {token: n for n, token in enumerate([*chars, *(c + "</w>" for c in chars)])}
    vocab["<|startoftext|>"], vocab["<|endoftext|>"] = len(vocab), len(vocab) + 1
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    return transformers.CLIPTokenizer(
        str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=16, pad_token="<|endoftext|>"
    )


@pytest.fixture(scope="module")
def tiny_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-sd")
    torch.manual_seed(0)
    unet = diffusers.UNet2DConditionModel(
        block_out_channels=(8, 16),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=16,
        norm_num_groups=4,
        attention_head_dim=2,
    )
    vae = diffusers.AutoencoderKL(
        block_out_channels=(8, 16),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=4,
        sample_size=64,
    )
    tokenizer = _tokenizer(folder)
    text_encoder = transformers.CLIPTextModel(
        transformers.CLIPTextConfig(
            vocab_size=len(tokenizer),
            hidden_size=16,
            intermediate_size=32,
            num_attention_heads=2,
            num_hidden_layers=2,
            max_position_embeddings=16,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
    )
    pipeline = diffusers.StableDiffusionPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=diffusers.DDIMScheduler(beta_schedule="scaled_linear", clip_sample=False, steps_offset=1),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    target = folder / "tiny-sd-random"
    pipeline.save_pretrained(target)
    return target


def _generate(backend: Any, seed: int) -> Any:
    return backend.generate(
        ImageRequest(prompt="Astana skyline at dawn", made_by="author@berlin", size=(64, 64), seed=seed)
    )


def _backend(path: Path) -> Any:
    return make_backend({"backend": "diffusers", "model_path": str(path), "device": "cpu", "steps": 2})


def test_tiny_pipeline_provenance_xmp_and_determinism(tiny_pipeline: Path, tmp_path: Path) -> None:
    started = time.perf_counter()
    backend = _backend(tiny_pipeline)
    first, other = _generate(backend, seed=1234), _generate(backend, seed=99)
    again = _generate(_backend(tiny_pipeline), seed=1234)  # a fresh load, as after a worker restart
    elapsed = time.perf_counter() - started

    assert first.image.size == (64, 64)
    assert first.image.tobytes() == again.image.tobytes(), "the same seed must give the same image"
    assert first.image.tobytes() != other.image.tobytes(), "another seed must give another image"

    p = first.provenance
    assert (p.backend, p.model, p.prompt, p.seed) == (
        "diffusers",
        "tiny-sd-random",
        "Astana skyline at dawn",
        1234,
    )
    assert p.source_type == "trainedAlgorithmicMedia" and p.made_by == "author@berlin"
    assert p.parameters["model_path"] == str(tiny_pipeline) and p.parameters["steps"] == "2"

    saved = first.save(tmp_path / "ai.png", "kk", "Таң атқандағы Астана")
    with Image.open(saved) as labelled:
        assert labelled.tobytes() != first.image.tobytes(), "the visible AI label is drawn on the pixels"
    back = read_provenance(saved)
    assert back.source_type == "trainedAlgorithmicMedia" and back.ai_generated
    assert back.description == "Таң атқандағы Астана"
    assert back.provenance is not None
    assert (back.provenance.backend, back.provenance.seed) == ("diffusers", 1234)
    assert back.provenance.parameters["model_path"] == str(tiny_pipeline)
    print(f"two loads and three 2-step 64x64 generations on the tiny pipeline: {elapsed:.2f} s")


def test_not_a_pipeline_is_a_permanent_error(tmp_path: Path) -> None:
    from elshi.creative import BackendError

    backend = make_backend({"backend": "diffusers", "model_path": str(tmp_path), "device": "cpu"})
    with pytest.raises(BackendError) as caught:
        backend.generate(ImageRequest(prompt="x", made_by="author@berlin", size=(64, 64), seed=1))
    assert caught.value.permanent
