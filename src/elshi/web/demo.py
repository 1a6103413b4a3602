"""Load the demo workspace: every app's ``@demo_step`` (``elshi.common.demo``) in order, each atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from elshi.common.demo import DemoContext, steps
from elshi.missions.models import Installation

__all__ = ["load_demo"]


def load_demo(on_step: Callable[[str], None] | None = None) -> DemoContext:
    path = Path(settings.ELSHI_HOME) / "demo-credentials.json"
    context = DemoContext(path, json.loads(path.read_text("utf-8")) if path.exists() else {})
    for name, func in steps():
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
    return context
