"""A local ``diffusers`` text-to-image pipeline (optional extra: ``diffusers`` and ``torch``).

Loads from a local directory only (``local_files_only``): elshi never downloads weights at run
time. Seeds go through a ``torch.Generator`` so the same request gives the same image.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from elshi.creative.errors import BackendError, BackendUnavailable
from elshi.creative.imagegen import GeneratedImage, ImageRequest
from elshi.creative.provenance import Provenance

__all__ = ["DiffusersImages"]


class DiffusersImages:
    name = "diffusers"

    def __init__(self, model_path: str, device: str = "cuda", steps: int = 4, pipeline: Any = None) -> None:
        self.model_path, self.device, self.steps = model_path, device, steps
        self.model = model_path.rstrip("/").rsplit("/", 1)[-1]
        self._pipeline = pipeline

    def _load(self) -> Any:
        if self._pipeline is None:
            try:
                # diffusers and torch are the optional ai-local extra: imported only when this backend runs.
                from diffusers import AutoPipelineForText2Image
            except ImportError as exc:
                raise BackendUnavailable(
                    "the diffusers backend needs the diffusers and torch packages"
                ) from exc
            try:
                pipeline = AutoPipelineForText2Image.from_pretrained(self.model_path, local_files_only=True)  # type: ignore[no-untyped-call,unused-ignore]
            except (OSError, ValueError) as exc:
                raise BackendError(
                    f"{self.model_path}: not a diffusers pipeline: {exc}", permanent=True
                ) from exc
            self._pipeline = pipeline.to(self.device)
        return self._pipeline

    def generate(self, request: ImageRequest) -> GeneratedImage:
        pipeline = self._load()
        # diffusers and torch are the optional ai-local extra: imported only when this backend runs.
        import torch

        seed = request.seed if request.seed is not None else int(torch.seed() % 2**31)
        generator = torch.Generator(device=self.device).manual_seed(seed)
        started = datetime.now(UTC)
        width, height = request.size
        result = pipeline(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt or None,
            width=width,
            height=height,
            num_inference_steps=self.steps,
            generator=generator,
            output_type="pil",
        )
        image = result.images[0].convert("RGB")
        provenance = Provenance(
            "trainedAlgorithmicMedia",
            request.made_by,
            started,
            self.name,
            self.model,
            request.prompt,
            seed,
            {
                "steps": str(self.steps),
                "size": f"{width}x{height}",
                "device": self.device,
                "model_path": self.model_path,
            },
        )
        return GeneratedImage(image, provenance)
