"""`elshi check`, `elshi keys rotate`, and the backup commands' registration: operating an installation."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import typer
from rich.console import Console

from elshi.cli._django import fail, setup
from elshi.cli.backup import backup
from elshi.cli.restore import restore

console = Console()


def _row(ok: bool | None, name: str, detail: str) -> None:
    mark = {True: "[green]ok  [/green]", False: "[red]FAIL[/red]", None: "[yellow]warn[/yellow]"}[ok]
    console.print(f"{mark} {name}: {detail}")


def _font_row() -> None:
    """A warning, not a failure: cards and charts still work in the languages a font covers."""
    # Imported here: fontTools and Pillow would slow every other command's start-up.
    from elshi.creative.fonts import font_advice, font_gaps

    gaps = font_gaps()
    detail = font_advice(gaps) if gaps else "Noto Sans, Noto Sans Arabic and Noto Sans CJK installed"
    _row(None if gaps else True, "fonts", detail)


def api_version_warnings(today: date, within_days: int = 60) -> list[str]:
    """One line per active channel whose platform API version retires within ``within_days`` of
    ``today`` or has retired: a retired LinkedIn version refuses every call, and Meta serves an
    expired Graph version's calls with the oldest one it still has, which may behave differently."""
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from elshi.connectors.catalog import CATALOG
    from elshi.connectors.versions import version_status
    from elshi.missions.models import Channel

    versioned = [platform for platform, info in CATALOG.items() if info.api is not None]
    lines = []
    for channel in Channel.objects.filter(platform__in=versioned, is_active=True).select_related("mission"):
        status = version_status(CATALOG[channel.platform].api, channel.settings, today)
        if status is None or status.sunset is None or not status.expiring(within_days):
            continue
        when = "retired on" if status.sunset < today else "retires on"
        pinned = "pinned on the channel" if status.pinned else "elshi's default"
        lines.append(
            f"{channel} ({channel.mission.name}): API version {status.version} ({pinned}) {when} "
            f"{status.sunset.isoformat()}; set a current one in the channel's API version"
        )
    return lines


def check_command() -> None:
    """Diagnose configuration and connectivity; exit 1 when something must be fixed."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.conf import settings
    from django.core import checks
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    failures = 0
    home = Path(settings.ELSHI_HOME)
    writable = os.access(home, os.W_OK)
    _row(writable, "ELSHI_HOME", f"{home} {'is writable' if writable else 'is not writable by this user'}")
    failures += not writable
    if os.environ.get("ELSHI_SECRET_KEY"):
        _row(True, "secret key", "from ELSHI_SECRET_KEY")
    else:
        _row(
            None,
            "secret key",
            f"generated and kept in {home / 'secret_key'}; set ELSHI_SECRET_KEY when running several servers",
        )

    db = settings.DATABASES["default"]
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        vendor = connection.vendor
        _row(True, "database", f"{vendor} {db['NAME']} reachable")
        if pending:
            _row(None, "migrations", f"{len(pending)} pending: `elshi up` applies them")
        else:
            _row(True, "migrations", "up to date")
    except Exception as exc:  # noqa: BLE001 - report any connection failure with its text
        _row(
            False, "database", f"cannot connect to {db.get('HOST') or db['NAME']}: {exc}. Check DATABASE_URL."
        )
        failures += 1

    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
            _row(True, "task queue", f"Huey on Redis at {settings.REDIS_URL}")
        except Exception as exc:  # noqa: BLE001
            _row(False, "task queue", f"Redis at {settings.REDIS_URL} unreachable: {exc}. Check REDIS_URL.")
            failures += 1
    else:
        _row(True, "task queue", f"Huey on SQLite at {settings.HUEY['filename']}")
    from elshi.web.tasks import last_heartbeat

    beat = last_heartbeat()
    _row(
        None if beat is None else True,
        "worker",
        f"last heartbeat {beat.isoformat()}"
        if beat
        else "no heartbeat yet: is `elshi up` (or `elshi worker`) running?",
    )

    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        from django.core.mail import get_connection

        try:
            mail = get_connection(timeout=5)
            mail.open()
            mail.close()
            _row(True, "e-mail", f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT} accepts connections")
        except Exception as exc:  # noqa: BLE001
            _row(
                False,
                "e-mail",
                f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc}. Check ELSHI_EMAIL_URL.",
            )
            failures += 1
    else:
        _row(None, "e-mail", "not configured (ELSHI_EMAIL_URL): e-mails are written to the log")
    _font_row()
    if not settings.ELSHI_PUBLIC_URL:  # Instagram and Threads fetch studio media from elshi's address
        # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
        from elshi.connectors.text import RULES
        from elshi.content.validation import public_url_problem
        from elshi.missions.models import Channel

        fetching = sorted({p for p, r in RULES.items() if r.media_from_url})
        held = Channel.objects.filter(platform__in=fetching, is_active=True, sandbox=False)
        try:
            platforms = sorted(set(held.values_list("platform", flat=True)))
        except Exception:  # noqa: BLE001 - the database row above already says what is wrong
            platforms = fetching
        for platform in platforms:
            _row(None, "public address", public_url_problem(platform))

    try:
        for line in api_version_warnings(datetime.now(UTC).date()):
            _row(None, "API version", line)
    except Exception as exc:  # noqa: BLE001 - the database row above already says what is wrong
        _row(None, "API version", f"channels not read ({type(exc).__name__})")

    messages = checks.run_checks(include_deployment_checks=not settings.DEBUG)
    serious = [m for m in messages if m.level >= checks.ERROR]
    for message in messages:
        _row(False if message.level >= checks.ERROR else None, f"django {message.id}", str(message.msg))
    if not messages:
        _row(True, "django checks", "no issues" + ("" if settings.DEBUG else " (deployment checks included)"))
    failures += len(serious)
    if failures:
        console.print(f"{failures} problem(s) to fix")
        raise typer.Exit(1)
    console.print("elshi looks healthy")


def backup_app_commands() -> dict[str, Callable[..., None]]:
    return {"backup": backup, "restore": restore}  # in their own modules: elshi.cli.backup, .restore


def keys_rotate(
    drop_old: bool = typer.Option(
        False, "--drop-old", help="Forget the previous keys once everything is re-encrypted."
    ),
) -> None:
    """Add a new credentials key, re-encrypt every stored secret (channels, apps, meeting links) with it."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from cryptography.fernet import Fernet
    from django.apps import apps as django_apps
    from django.db import transaction

    from elshi.audit.log import record
    from elshi.common import crypto
    from elshi.missions.models import Channel

    from_env = bool(os.environ.get("ELSHI_CREDENTIALS_KEYS", "").strip())
    if from_env and drop_old:
        raise fail("keys come from ELSHI_CREDENTIALS_KEYS: remove the old key from that variable yourself", 2)
    old = crypto.keys()
    if not from_env:
        crypto.key_file().write_text(
            "\n".join(k.decode() for k in [Fernet.generate_key(), *old]) + "\n", "ascii"
        )
        crypto.reset_cache()
    count = 0
    rows: dict[str, int] = {}
    with transaction.atomic():
        # Every field named *_encrypted in any app holds a Fernet token: channel secrets and tokens,
        # platform app secrets, meeting links with passcodes.
        for model in django_apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted")]
            if not fields:
                continue
            for row in model._default_manager.select_for_update().all():
                for name in fields:
                    setattr(row, name, crypto.rotate(getattr(row, name)))
                row.save(update_fields=fields)
                rows[model._meta.label] = rows.get(model._meta.label, 0) + 1
        count = rows.get(Channel._meta.label, 0)
        record(
            None,
            "credentials.rotate",
            None,
            changes={"channels": count, "rows": rows, "dropped_old": drop_old},
            actor_label="cli",
        )
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from elshi.content.signing import rotate_signing_key

    rotate_signing_key()  # the C2PA key (a file, not a row) must not be left on a dropped key
    if drop_old:
        crypto.key_file().write_text(crypto.keys()[0].decode() + "\n", "ascii")
        crypto.reset_cache()
    where = "ELSHI_CREDENTIALS_KEYS (first key)" if from_env else str(crypto.key_file())
    others = sum(rows.values()) - count
    console.print(
        f"re-encrypted the credentials of {count} channel(s) and {others} other record(s) "
        f"with the newest key in {where}"
    )
