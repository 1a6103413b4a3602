"""`elshi up`, `elshi serve` and `elshi worker`: the one-command installation and its two processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import typer
from rich.console import Console

from elshi.cli._django import fail, setup
from elshi.cli.static import collect_static, compress_when_served

console = Console()


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def prepare(demo: bool, compress_static: bool = True) -> None:
    """Migrate, collect static files, create the first admin, and load the demo if asked. Idempotent.

    ``elshi up`` passes ``demo=False`` and loads the demo with ``load_demo_workspace`` once the web
    server answers: on a loaded machine the demo takes minutes, and /healthz shows its progress.
    """
    # Imported after setup(): Django's apps load only once it is configured.
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    with console.status("Preparing the database (migrations)…"):
        call_command("migrate", interactive=False, verbosity=0)
    with console.status("Collecting static files…"):
        collect_static(compress=compress_static)
    console.print(f"database ready: {settings.DATABASES['default']['NAME']}")

    User = get_user_model()
    if not User.objects.filter(is_superuser=True).exists():
        from elshi.missions.actions import do_create_user

        username = os.environ.get("ELSHI_ADMIN_USERNAME", "admin")
        given = os.environ.get("ELSHI_ADMIN_PASSWORD") or None
        _user, password = do_create_user(username, password=given, acting_user=None, superuser=True)
        if given:
            console.print(
                f"created administrator [bold]{username}[/bold] (password from ELSHI_ADMIN_PASSWORD)"
            )
        else:
            console.print(
                f"created administrator [bold]{username}[/bold] with password [bold]{password}[/bold]"
                " (shown once: store it now)"
            )
    if demo:
        load_demo_workspace()


def load_demo_workspace() -> None:
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from elshi.web.demo import load_demo

    with console.status("Loading the demo workspace…") as status:
        context = load_demo(on_step=lambda name: status.update(f"Loading the demo workspace: {name}…"))
    made = ", ".join(f"{n} {what}" for what, n in context.created.items()) or "nothing new"
    for note in context.notes:
        console.print(f"note: {note}")
    console.print(f"demo workspace ready ({made}). Demo users, password:")
    for username, password in sorted(context.credentials.items()):
        console.print(f"  {username:<16} {password}")


def up_command(
    demo: bool = typer.Option(False, "--demo", help="Load the demo workspace (missions, people per role)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
) -> None:
    """Create or migrate the database, then run the web server and the task worker until Ctrl-C."""
    setup()
    if not _port_free(host, port):
        raise fail(f"{host}:{port} is already in use: stop what runs there or pass --port", 2)
    prepare(demo=False, compress_static=False)  # compressed once the server answers: it waits for none
    if demo:
        # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
        from elshi.web.demo import start_demo_progress

        start_demo_progress()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    base = [sys.executable, "-m", "elshi"]
    children = {
        "web": subprocess.Popen([*base, "serve", "--host", host, "--port", str(port)], env=env),  # noqa: S603
    }
    compress_when_served(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    console.print(f"elshi is running at [bold]http://{shown_host}:{port}/[/bold]  (Ctrl-C stops it)")

    def _terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    code = 0
    try:
        if demo:
            load_demo_workspace()  # served meanwhile: /healthz says "loading x/y"
        # The worker starts after the demo: its periodic jobs would compete for SQLite's one writer.
        children["worker"] = subprocess.Popen([*base, "worker"], env=env)  # noqa: S603
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    console.print(
                        f"[red]{name} stopped unexpectedly (exit {child.returncode}); stopping elshi[/red]"
                    )
                    raise SystemExit(1)
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("stopping elshi…")
    except SystemExit as stop:
        code = int(stop.code or 1)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    console.print("elshi stopped")
    raise typer.Exit(code)


def waitress_options(application: Any) -> dict[str, Any]:
    """The app and proxy options for waitress, from ``ELSHI_TRUSTED_PROXIES``.

    With no trusted proxies waitress drops every X-Forwarded-* header itself (its default). With
    some, waitress passes them through (its ``trusted_proxy`` takes a single address, not
    networks) and ``trusted_proxies_wsgi`` believes them only from those proxies.
    """
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from django.conf import settings

    from elshi.missions.client_address import parse_networks, trusted_proxies_wsgi

    trusted = parse_networks(settings.ELSHI_TRUSTED_PROXIES)
    if not trusted:
        return {"app": application, "clear_untrusted_proxy_headers": True}
    return {"app": trusted_proxies_wsgi(application, trusted), "clear_untrusted_proxy_headers": False}


def serve_command(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    threads: int = typer.Option(8, min=1, max=64, help="Request threads."),
) -> None:
    """Serve the web interface and API with waitress (a production WSGI server)."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from waitress import serve

    from elshi.web.wsgi import application

    try:
        serve(
            **waitress_options(application), host=host, port=port, threads=threads, ident="elshi", _quiet=True
        )
    except KeyboardInterrupt:
        pass


def worker_command() -> None:
    """Run the Huey task consumer with its periodic scheduler."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.core.management import call_command

    try:
        call_command("run_huey")
    except KeyboardInterrupt:
        pass
