"""`elshi up --demo` end to end: a real server and worker in child processes, on a fresh ELSHI_HOME."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core import management

from elshi.cli.static import collect_static, compress_when_served
from elshi.web.demo import demo_progress, load_demo, start_demo_progress

pytestmark = pytest.mark.slow

DEMO_PASSWORD = "demo-pass-for-tests-7"
EXPECTED = {
    "demo-admin": {"astana-hq", "berlin", "washington", "beijing", "ankara", "london"},
    "demo-hq-editor": {"astana-hq", "berlin", "washington", "beijing", "ankara", "london"},  # writes for all
    "demo-hq-approver": {"astana-hq", "berlin", "washington", "beijing", "ankara", "london"},  # reads all
    "demo-approver": {"berlin"},
    "demo-editor": {"berlin"},
    "demo-analyst": {"washington"},
    "demo-viewer": {"london"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(home: Path, port: int) -> subprocess.Popen[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "ELSHI_SECRET_KEY"}
    }
    env |= {
        "ELSHI_HOME": str(home),
        "ELSHI_DEMO_PASSWORD": DEMO_PASSWORD,
        "ELSHI_ADMIN_PASSWORD": "admin-pass-for-tests-9",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "elshi", "up", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _health(base: str, proc: subprocess.Popen[str]) -> dict[str, str] | None:
    assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    try:
        response = httpx.get(f"{base}/healthz", timeout=2)
    except httpx.TransportError:
        return None
    return dict(response.json()) if response.status_code == 200 else None


def _wait_healthy(base: str, proc: subprocess.Popen[str]) -> dict[str, str]:
    """The server answers within 90 s however long the demo then takes to load."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if (health := _health(base, proc)) is not None:
            return health
        time.sleep(0.5)
    pytest.fail("elshi up did not answer /healthz within 90 s")


def _wait_demo_ready(base: str, proc: subprocess.Popen[str]) -> None:
    # Generous: the loading runs while other tests share the machine's two cores.
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        health = _health(base, proc)
        if health is not None and health.get("demo") == "ready":
            return
        assert health is None or re.fullmatch(r"loading \d+/\d+", health.get("demo", "")), health
        time.sleep(1)
    pytest.fail("the demo did not finish loading within 600 s")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    return out


def _missions_seen(base: str, username: str) -> set[str]:
    with httpx.Client(base_url=base, follow_redirects=False) as http:
        http.get("/accounts/login/")
        response = http.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/accounts/login/"},
        )
        assert response.status_code == 302, f"{username} could not log in"
        page = http.get("/missions/").text
        assert "Demo data" in page
        return set(re.findall(r'href="/missions/([a-z-]+)/"', page)) - {"new"}


def test_up_demo_serves_logs_in_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(tmp_path, port)
    try:
        first = _wait_healthy(base, proc)
        assert re.fullmatch(r"loading \d+/\d+|ready", first["demo"]), first
        _wait_demo_ready(base, proc)
        for username, missions in EXPECTED.items():
            assert _missions_seen(base, username) == missions, username
    finally:
        out = _stop(proc)
    assert f"elshi is running at http://127.0.0.1:{port}/" in out
    assert "created administrator admin" in out
    assert "demo-approver" in out and "elshi stopped" in out

    # A second run creates nothing new and duplicates nothing.
    proc = _start(tmp_path, port)
    try:
        _wait_healthy(base, proc)
        _wait_demo_ready(base, proc)
    finally:
        out = _stop(proc)
    assert "nothing new" in out and "created administrator" not in out
    db = sqlite3.connect(tmp_path / "elshi.sqlite3")
    assert db.execute("SELECT count(*) FROM missions_mission").fetchone()[0] == 6
    assert db.execute("SELECT count(*) FROM auth_user").fetchone()[0] == 8
    assert db.execute("SELECT count(*) FROM missions_membership").fetchone()[0] == 7
    db.close()


def test_up_refuses_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = _start(tmp_path, port)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "already in use" in out


@pytest.mark.django_db
def test_while_the_demo_loads_healthz_and_the_home_page_say_how_far(
    client: Any, people: dict[str, Any]
) -> None:
    start_demo_progress()
    total = demo_progress()["total"]  # type: ignore[index]
    assert total > 0
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["demo"] == f"loading 0/{total}"
    client.force_login(people["author"])
    assert f"Demo data loading: 0 of {total} steps done." in client.get("/").content.decode()

    load_demo()
    assert demo_progress() is None and client.get("/healthz").json()["demo"] == "ready"
    assert "Demo data loading" not in client.get("/").content.decode()


def test_static_files_are_compressed_again_only_when_they_changed(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """whitenoise compresses every file at every run (40 s on a loaded machine): `elshi up` skips that."""
    settings.ELSHI_HOME, settings.STATIC_ROOT = tmp_path, tmp_path / "static"
    real, compressions = management.call_command, []

    def call_command(command: Any, *args: Any, **options: Any) -> Any:
        if command == "collectstatic":
            compressions.append(1)  # the compressing pass, not run here: it is whitenoise's own
            return None
        return real(command, *args, **options)

    monkeypatch.setattr(management, "call_command", call_command)
    collect_static()
    assert (tmp_path / "static" / "elshi").is_dir() and len(compressions) == 1
    collect_static()
    assert len(compressions) == 1, "nothing changed: no second compression"
    (tmp_path / "static" / "elshi" / "elshi.css").unlink()
    collect_static()
    assert len(compressions) == 2, "a file copied again is compressed again"
    (tmp_path / "static.compressed").unlink()  # an interrupted pass leaves no marker, and half files
    (tmp_path / "static" / "elshi" / "elshi.css.br").write_bytes(b"half")
    collect_static(compress=False)  # what `elshi up` does before its server starts
    assert len(compressions) == 2 and not (tmp_path / "static" / "elshi" / "elshi.css.br").exists()

    with socket.socket() as server:  # once the server listens, the compressing pass runs
        server.bind(("127.0.0.1", 0))
        server.listen()
        thread = compress_when_served("127.0.0.1", server.getsockname()[1], timeout=30)
        assert thread is not None
        thread.join(30)
    assert len(compressions) == 3 and (tmp_path / "static.compressed").exists()
    assert compress_when_served("127.0.0.1", 1) is None, "compressed already: nothing to wait for"
