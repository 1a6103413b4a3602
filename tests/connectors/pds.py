"""Starts the local Bluesky PDS (tests/connectors/pds/launcher.mjs) for end-to-end tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from elshi.connectors import Account

LAUNCHER = Path(__file__).parent / "pds" / "launcher.mjs"
INSTALL_HINT = "run `bash tests/connectors/pds/install.sh` (Node 20 and npm) to install @atproto/pds 0.4"


def pds_dir() -> Path:
    return Path(os.environ.get("ELSHI_PDS_DIR") or Path.home() / ".cache" / "elshi" / "pds")


def unavailable_reason() -> str | None:
    """Why the PDS cannot start here, or None when it can."""
    if shutil.which("node") is None:
        return f"local Bluesky PDS not available: no `node` on PATH; {INSTALL_HINT}"
    if not (pds_dir() / "node_modules" / "@atproto" / "pds" / "package.json").is_file():
        return f"local Bluesky PDS not installed in {pds_dir()}; {INSTALL_HINT}"
    return None


@dataclass(frozen=True)
class LocalPds:
    url: str
    plc_url: str


def create_test_account(pds: LocalPds, handle: str, password: str = "main-pw-0417") -> Account:  # noqa: S107
    """A real account on the PDS (handle ending in ``.test``) with an app password, as a mission
    would connect it: the ``Account`` a Bluesky channel holds."""
    with httpx.Client(timeout=30) as client:
        created = client.post(
            f"{pds.url}/xrpc/com.atproto.server.createAccount",
            json={"handle": handle, "email": f"digital@{handle}", "password": password},
        )
        created.raise_for_status()
        app = client.post(
            f"{pds.url}/xrpc/com.atproto.server.createAppPassword",
            json={"name": "elshi"},
            headers={"Authorization": f"Bearer {created.json()['accessJwt']}"},
        )
        app.raise_for_status()
    return Account(
        settings={"service": pds.url, "handle": handle}, secrets={"app_password": app.json()["password"]}
    )


@contextmanager
def running_pds(timeout_s: float = 60.0) -> Iterator[LocalPds]:
    """A fresh PDS with an in-memory PLC directory on 127.0.0.1; gone when the block ends."""
    env = {**os.environ, "ELSHI_PDS_DIR": str(pds_dir())}
    process = subprocess.Popen(
        ["node", str(LAUNCHER)],
        cwd=pds_dir(),
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line: list[str] = []
        reader = threading.Thread(
            target=lambda: line.append(process.stdout.readline() if process.stdout else "")
        )
        reader.start()
        reader.join(timeout_s)
        if not line or not line[0].strip():
            process.kill()
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"PDS did not start: {err[-2000:]}")
        urls = json.loads(line[0])
        yield LocalPds(url=urls["pds"], plc_url=urls["plc"])
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
