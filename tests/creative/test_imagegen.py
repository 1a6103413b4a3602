"""AI images: a real OpenAI-compatible client fed recorded payloads; labels and provenance on output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from elshi.creative import BackendError, BackendUnavailable, CreativeError, LabelWaiver, read_provenance
from elshi.creative.imagegen import (
    GeneratedImage,
    ImageBackend,
    ImageRequest,
    NoBackend,
    draw_ai_label,
    make_backend,
)
from elshi.creative.openai_images import OpenAIImages

FIXTURES = Path(__file__).parent / "fixtures"
CONFIG = {
    "backend": "openai",
    "base_url": "http://127.0.0.1:8080/v1",
    "model": "sd-turbo",
    "api_key": "sk-test",
}


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _client(handler: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _request(**kw: Any) -> ImageRequest:
    return ImageRequest(prompt="Baiterek tower at dusk, watercolour", made_by="aigerim@astana", seed=42, **kw)


def test_b64_answer_becomes_an_image_with_its_provenance() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=_fixture("openai_images_b64.json"))

    backend = make_backend({**CONFIG, "send_seed": True}, client=_client(handler))
    assert isinstance(backend, ImageBackend) and isinstance(backend, OpenAIImages)
    result = backend.generate(_request(size=(512, 512)))
    (request,) = seen
    assert request.method == "POST" and str(request.url) == "http://127.0.0.1:8080/v1/images/generations"
    assert request.headers["Authorization"] == "Bearer sk-test"
    body = json.loads(request.content)
    assert body == {
        "model": "sd-turbo",
        "prompt": "Baiterek tower at dusk, watercolour",
        "n": 1,
        "size": "512x512",
        "response_format": "b64_json",
        "seed": 42,
    }
    assert result.image.size == (96, 96)
    assert np.asarray(result.image).std() > 10  # the decoded picture, not a blank
    p = result.provenance
    assert (p.source_type, p.backend, p.model, p.prompt, p.seed, p.made_by) == (
        "trainedAlgorithmicMedia",
        "openai-compatible",
        "sd-turbo",
        "Baiterek tower at dusk, watercolour",
        42,
        "aigerim@astana",
    )
    assert p.parameters["endpoint"] == "http://127.0.0.1:8080/v1" and p.created_at.tzinfo is not None
    assert result.revised_prompt.startswith("A watercolour of the Baiterek")


def test_seed_is_not_sent_to_endpoints_that_reject_it_and_not_claimed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert "seed" not in json.loads(request.content)
        return httpx.Response(200, json=_fixture("openai_images_b64.json"))

    result = make_backend(CONFIG, client=_client(handler)).generate(_request())
    assert result.provenance.seed is None


def test_gpt_image_models_are_not_sent_response_format() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["model"] == "gpt-image-1" and "response_format" not in body
        return httpx.Response(200, json=_fixture("openai_images_b64.json"))

    config = {**CONFIG, "base_url": "https://api.openai.com/v1", "model": "gpt-image-1"}
    assert (
        make_backend(config, client=_client(handler)).generate(_request()).provenance.model == "gpt-image-1"
    )


def test_url_answer_is_fetched_with_the_same_client() -> None:
    png = (FIXTURES / "generated.png").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            assert request.url.host == "images.example.test"
            return httpx.Response(200, content=png, headers={"content-type": "image/png"})
        return httpx.Response(200, json=_fixture("openai_images_url.json"))

    assert make_backend(CONFIG, client=_client(handler)).generate(_request()).image.size == (96, 96)


@pytest.mark.parametrize(
    ("status", "fixture", "permanent", "message"),
    [
        (400, "openai_images_policy_error.json", True, "safety system"),
        (429, "openai_images_rate_limit.json", False, "Rate limit"),
        (503, None, False, "HTTP 503"),
    ],
)
def test_errors_say_whether_to_retry(status: int, fixture: str | None, permanent: bool, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return (
            httpx.Response(status, json=_fixture(fixture)) if fixture else httpx.Response(status, text="busy")
        )

    with pytest.raises(BackendError, match=message) as info:
        make_backend(CONFIG, client=_client(handler)).generate(_request())
    assert info.value.permanent is permanent


def test_timeouts_and_garbage_answers() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(BackendError) as info:
        make_backend(CONFIG, client=_client(timeout)).generate(_request())
    assert not info.value.permanent

    def not_an_image(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"created": 1, "data": [{"b64_json": "aGVsbG8="}]})

    with pytest.raises(BackendError, match="not an image") as info:
        make_backend(CONFIG, client=_client(not_an_image)).generate(_request())
    assert info.value.permanent


def test_no_backend_by_default_and_bad_configuration() -> None:
    backend = make_backend({})
    assert isinstance(backend, NoBackend)
    with pytest.raises(BackendUnavailable):
        backend.generate(_request())
    with pytest.raises(CreativeError, match="backend"):
        make_backend({"backend": "midjourney"})
    with pytest.raises(BackendError, match="base_url"):
        make_backend({**CONFIG, "base_url": "ftp://x"})
    with pytest.raises(CreativeError, match="made_by"):
        ImageRequest(prompt="x", made_by=" ")


def test_diffusers_backend_reports_missing_extra_honestly() -> None:
    backend = make_backend({"backend": "diffusers", "model_path": "/nonexistent/tiny-sd", "device": "cpu"})
    try:
        import diffusers  # noqa: F401
    except ImportError:
        with pytest.raises(BackendUnavailable, match="diffusers"):
            backend.generate(_request())
    else:
        with pytest.raises(BackendError, match="not a diffusers pipeline"):
            backend.generate(_request())


def _generated() -> GeneratedImage:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=_fixture("openai_images_b64.json"))

    return make_backend(CONFIG, client=_client(handler)).generate(_request())


def test_published_image_is_labelled_and_carries_xmp(tmp_path: Path) -> None:
    result = _generated()
    result.image = result.image.resize((1024, 1024))
    path = result.save(tmp_path / "ai.png", "ru", alt_text="Башня Байтерек на закате, акварель")
    saved = Image.open(path).convert("RGB")
    diff = np.abs(np.asarray(saved).astype(int) - np.asarray(result.image).astype(int)).sum(axis=2)
    rows, cols = np.nonzero(diff)
    assert rows.min() > 900 and cols.min() < 100  # the label sits in the bottom-left corner
    assert (np.asarray(saved)[rows, cols] > 240).all(axis=1).any()  # white label text
    back = read_provenance(path)
    assert back.ai_generated and back.source_type == "trainedAlgorithmicMedia"
    assert back.description == "Башня Байтерек на закате, акварель"
    assert back.provenance == result.provenance

    waived = result.save(
        tmp_path / "waived.jpg", "ru", "Байтерек", LabelWaiver("approver@astana", "Label in caption")
    )
    assert read_provenance(waived).ai_generated  # no visible label, but the file still says what it is
    with pytest.raises(CreativeError, match="alt_text"):
        result.save(tmp_path / "no-alt.png", "ru", alt_text=" ")


def test_arabic_label_sits_at_the_bottom_right() -> None:
    labelled = np.asarray(draw_ai_label(Image.new("RGB", (800, 600), (200, 200, 200)), "ar")).astype(int)
    changed = np.nonzero(np.abs(labelled - 200).sum(axis=2))
    assert changed[1].min() > 400 and changed[0].min() > 500
