"""Django set-up for CLI commands, turning configuration errors into exit code 2."""

from __future__ import annotations

import os

import typer
from rich.console import Console


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elshi.web.settings")
    # Django is imported once the settings module is named, so that `elshi --help` needs no settings.
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        Console(stderr=True).print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def fail(message: str, code: int = 1) -> typer.Exit:
    # Not wrapped at the terminal's width: an error names a path or a value that must stay whole.
    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {message}")
    return typer.Exit(code)
