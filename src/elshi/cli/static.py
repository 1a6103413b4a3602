"""Static files for `elshi up`: copied before the server starts, compressed once it answers.

whitenoise's storage compresses every file on every ``collectstatic`` (gzip and Brotli, about
40 s of a loaded 2-core machine), and ``elshi up`` would answer nothing meanwhile. So files are
copied first (under a second), and compressed in the background once the web server listens:
whitenoise indexes ``STATIC_ROOT`` when the server starts, so that server keeps serving the
plain files and the next start serves the compressed ones. A marker written after a complete
pass lets an unchanged set skip compressing; without it, half-written ``.gz``/``.br`` files from
an interrupted pass are removed before a server can index them.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

__all__ = ["collect_static", "compress_when_served"]


def _marker() -> Path:
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from django.conf import settings

    return Path(settings.ELSHI_HOME) / "static.compressed"


def collect_static(compress: bool = True) -> None:
    """Copy the static files; with ``compress``, compress them unless nothing changed since the last pass."""
    # Imported here: Django is set up by the command before this runs.
    from django.conf import settings
    from django.contrib.staticfiles.management.commands.collectstatic import Command
    from django.contrib.staticfiles.storage import StaticFilesStorage
    from django.core.management import call_command

    copy = Command()
    copy.storage = StaticFilesStorage()
    call_command(copy, interactive=False, verbosity=0)
    marker = _marker()
    if copy.copied_files:
        marker.unlink(missing_ok=True)
    if not marker.exists():
        for partial in (*Path(settings.STATIC_ROOT).rglob("*.gz"), *Path(settings.STATIC_ROOT).rglob("*.br")):
            partial.unlink(missing_ok=True)
        if compress:
            call_command("collectstatic", interactive=False, verbosity=0)
            marker.write_text("whitenoise compressed every file in STATIC_ROOT\n", "utf-8")


def compress_when_served(host: str, port: int, timeout: float = 600.0) -> threading.Thread | None:
    """Compress in a background thread once ``host:port`` accepts connections; None when nothing to do."""
    if _marker().exists():
        return None
    # The server binds only after its app (and whitenoise's index) is built.
    target = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104 - an address to connect to

    def run() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((target, port), timeout=1).close()
            except OSError:
                time.sleep(0.5)
                continue
            collect_static(compress=True)
            return

    thread = threading.Thread(target=run, name="compress-static", daemon=True)
    thread.start()
    return thread
