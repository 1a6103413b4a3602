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

import httpx
import pytest

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


def _wait_healthy(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail("elshi up did not answer /healthz within 90 s")


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
        _wait_healthy(base, proc)
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
