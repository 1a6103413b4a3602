"""Load the demo workspace: every app's ``@demo_step`` (``elshi.common.demo``) in order, each atomically.

``elshi up --demo`` serves while the demo loads (a loaded 2-core machine takes minutes): the loader
writes its progress to ``ELSHI_HOME/demo-progress.json``, which the web process reads for
``/healthz`` and the home page, and removes it when done.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from elshi.common.demo import DemoContext, steps
from elshi.missions.models import Installation

__all__ = ["demo_progress", "load_demo", "start_demo_progress"]


def _progress_path() -> Path:
    return Path(settings.ELSHI_HOME) / "demo-progress.json"


def _write_progress(done: int, total: int, step: str) -> None:
    path = _progress_path()
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"done": done, "total": total, "step": step}), "utf-8")
    partial.replace(path)  # a reader never sees half a file


def start_demo_progress() -> None:
    """Say "loading" from before the server answers, so that no request sees a demo as ready too early."""
    _write_progress(0, len(steps()), "")


def demo_progress() -> dict[str, Any] | None:
    """``{"done", "total", "step"}`` while a demo loads, else None."""
    try:
        data = json.loads(_progress_path().read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_demo(on_step: Callable[[str], None] | None = None) -> DemoContext:
    path = Path(settings.ELSHI_HOME) / "demo-credentials.json"
    context = DemoContext(path, json.loads(path.read_text("utf-8")) if path.exists() else {})
    todo = steps()
    try:
        for done, (name, func) in enumerate(todo):
            _write_progress(done, len(todo), name)
            if on_step is not None:
                on_step(name)
            with transaction.atomic():
                func(context)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(context.credentials, handle, indent=1)
        installation = Installation.current()
        if installation.demo_loaded_at is None:
            installation.demo_loaded_at = timezone.now()
            installation.save(update_fields=["demo_loaded_at"])
    finally:
        _progress_path().unlink(missing_ok=True)  # done, or failed: either way no longer loading
    return context
