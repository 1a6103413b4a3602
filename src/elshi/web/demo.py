"""The demo workspace loader, extensible by every app.

An app adds its demo data by defining ``demo.py`` with functions decorated by
``@demo_step(order, name)``; ``load_demo`` discovers and runs them in order.
Every step must be idempotent: ``elshi up --demo`` may run any number of times.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

__all__ = ["DemoContext", "demo_step", "load_demo"]


@dataclass
class DemoContext:
    """Shared between steps: the credentials file, and what each step reports."""

    credentials_path: Path
    credentials: dict[str, str] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)

    def password_for(self, username: str) -> str:
        """A demo user's password: ELSHI_DEMO_PASSWORD, or generated once and kept in ELSHI_HOME."""
        if username not in self.credentials:
            self.credentials[username] = os.environ.get("ELSHI_DEMO_PASSWORD") or secrets.token_urlsafe(9)
        return self.credentials[username]

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


DemoStep = Callable[[DemoContext], None]
_STEPS: dict[str, tuple[int, DemoStep]] = {}


def demo_step(order: int, name: str) -> Callable[[DemoStep], DemoStep]:
    def register(func: DemoStep) -> DemoStep:
        _STEPS[name] = (order, func)
        return func

    return register


def steps() -> list[tuple[str, DemoStep]]:
    autodiscover_modules("demo")
    return [(name, func) for name, (_order, func) in sorted(_STEPS.items(), key=lambda item: item[1][0])]


def load_demo(on_step: Callable[[str], None] | None = None) -> DemoContext:
    path = Path(settings.ELSHI_HOME) / "demo-credentials.json"
    context = DemoContext(path, json.loads(path.read_text("utf-8")) if path.exists() else {})
    from elshi.web.models import Installation

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
