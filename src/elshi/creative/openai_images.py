"""A client for any OpenAI-compatible images endpoint (``POST {base_url}/images/generations``).

Works with OpenAI itself and with local servers that speak the same API (LocalAI, vLLM-Omni,
stable-diffusion.cpp's server, ...). It asks for ``b64_json`` and also follows a ``url`` answer
with the same client. Errors keep the platform's message: 4xx are permanent (a content-policy
refusal will not pass on retry) except 408/409/429; 5xx and timeouts are retryable.
"""

from __future__ import annotations

import base64
import binascii
import io
from datetime import UTC, datetime
from typing import Any

import httpx
from PIL import Image, UnidentifiedImageError

from elshi.creative.errors import BackendError
from elshi.creative.imagegen import GeneratedImage, ImageRequest
from elshi.creative.provenance import Provenance
from elshi.sources.http import guarded_client

__all__ = ["OpenAIImages"]

RETRYABLE = {408, 409, 429}


class OpenAIImages:
    name = "openai-compatible"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        client: httpx.Client | None = None,
        send_seed: bool = False,
        timeout: float = 120.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise BackendError(f"base_url: {base_url!r} is not an http(s) URL", permanent=True)
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.send_seed = send_seed  # OpenAI rejects unknown fields; many local servers honour "seed"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # Without an injected client, a guarded one: the answer may name an image URL to fetch, and
        # that must not be the machine's own or a private address. A local server needs its own client.
        self.client = client or guarded_client(timeout=timeout)
        self.headers = headers

    def generate(self, request: ImageRequest) -> GeneratedImage:
        body: dict[str, Any] = {
            "model": self.model,
            "prompt": request.prompt,
            "n": 1,
            "size": f"{request.size[0]}x{request.size[1]}",
            **dict(request.options),
        }
        # gpt-image-* always answer in base64 and refuse the parameter; DALL-E and local servers need it.
        if not self.model.startswith("gpt-image"):
            body.setdefault("response_format", "b64_json")
        if self.send_seed and request.seed is not None:
            body["seed"] = request.seed
        if request.negative_prompt:
            body.setdefault("negative_prompt", request.negative_prompt)
        started = datetime.now(UTC)
        payload = self._post(f"{self.base_url}/images/generations", body)
        try:
            item = payload["data"][0]
        except (KeyError, IndexError, TypeError) as exc:
            raise BackendError(f"{self.base_url}: the answer has no data[0]", permanent=True) from exc
        image = self._image(item)
        parameters = {"size": body["size"], "endpoint": self.base_url}
        if payload.get("created"):
            parameters["created"] = str(payload["created"])
        provenance = Provenance(
            "trainedAlgorithmicMedia",
            request.made_by,
            started,
            self.name,
            self.model,
            request.prompt,
            request.seed if self.send_seed else None,
            parameters,
        )
        return GeneratedImage(image, provenance, str(item.get("revised_prompt") or ""))

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.client.post(url, json=body, headers=self.headers)
        except httpx.TimeoutException as exc:
            raise BackendError(f"{url}: timed out", permanent=False) from exc
        except httpx.TransportError as exc:
            raise BackendError(f"{url}: {exc}", permanent=False) from exc
        if response.status_code >= 400:
            message = response.text[:300]
            try:
                message = str(response.json()["error"]["message"])
            except (ValueError, KeyError, TypeError):
                pass
            permanent = response.status_code < 500 and response.status_code not in RETRYABLE
            raise BackendError(f"{url}: HTTP {response.status_code}: {message}", permanent=permanent)
        try:
            data = response.json()
        except ValueError as exc:
            raise BackendError(f"{url}: the answer is not JSON", permanent=True) from exc
        if not isinstance(data, dict):
            raise BackendError(f"{url}: the answer is not a JSON object", permanent=True)
        return data

    def _image(self, item: dict[str, Any]) -> Image.Image:
        if item.get("b64_json"):
            try:
                raw = base64.b64decode(str(item["b64_json"]), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise BackendError("b64_json is not base64", permanent=True) from exc
        elif item.get("url"):
            try:
                response = self.client.get(str(item["url"]))
            except httpx.TransportError as exc:
                raise BackendError(f"fetching the image failed: {exc}", permanent=False) from exc
            if response.status_code != 200:
                raise BackendError(f"fetching the image: HTTP {response.status_code}", permanent=False)
            raw = response.content
        else:
            raise BackendError("the answer has neither b64_json nor url", permanent=True)
        try:
            with Image.open(io.BytesIO(raw)) as opened:
                return opened.convert("RGB")
        except (UnidentifiedImageError, OSError) as exc:
            raise BackendError("the answer is not an image", permanent=True) from exc
