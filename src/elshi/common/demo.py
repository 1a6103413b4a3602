"""The demo workspace loader, extensible by every app.

An app adds its demo data by defining ``demo.py`` with functions decorated by
``@demo_step(order, name)``; the shell's ``elshi.web.demo.load_demo`` discovers and runs them in order.
Every step must be idempotent: ``elshi up --demo`` may run any number of times.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.module_loading import autodiscover_modules

__all__ = ["DemoContext", "demo_step", "steps"]


@dataclass
class DemoContext:
    """Shared between steps: the credentials file, and what each step reports."""

    credentials_path: Path
    credentials: dict[str, str] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what a person should know about this workspace

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
