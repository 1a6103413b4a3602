"""A real OpenID Provider (panva's oidc-provider, Node) on 127.0.0.1 for the single sign-on tests.

``bash tests/foundation/oidc/install.sh`` installs it into ``~/.cache/elshi/oidc`` (``ELSHI_OIDC_DIR``);
without it, or without Node, the tests skip with the reason, unless ``ELSHI_REQUIRE_OIDC=1`` (CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from elshi.missions.sso_config import parse_group_map

HERE = Path(__file__).resolve().parent
CLIENT_ID = "elshi"
CLIENT_SECRET = "elshi-test-secret-0123456789abcdef"
GROUP_MAP = '{"kz-mfa-berlin-editors": "berlin:mission_editor"}'


def _module_dir() -> Path:
    return Path(os.environ.get("ELSHI_OIDC_DIR", Path.home() / ".cache" / "elshi" / "oidc"))


def _missing() -> str:
    if shutil.which("node") is None:
        return "Node.js is not installed (the OpenID Provider runs on it)"
    if not (_module_dir() / "node_modules" / "oidc-provider").is_dir():
        return f"oidc-provider is not installed in {_module_dir()}: run bash tests/foundation/oidc/install.sh"
    return ""


@dataclass(frozen=True)
class Provider:
    issuer: str

    def settings(self, **more: Any) -> dict[str, Any]:
        """The settings that point elshi at this provider (for ``override_settings``)."""
        values: dict[str, Any] = {
            "ELSHI_OIDC_ISSUER": self.issuer,
            "ELSHI_OIDC_CLIENT_ID": CLIENT_ID,
            "ELSHI_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "ELSHI_OIDC_PROVIDER_NAME": "MFA Identity",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_RP_SCOPES": "openid email groups",
            "ELSHI_OIDC_GROUP_MAP": parse_group_map(GROUP_MAP),
        }
        return values | more


@contextmanager
def running_provider(*redirect_uris: str) -> Iterator[Provider]:
    why = _missing()
    if why:
        if os.environ.get("ELSHI_REQUIRE_OIDC") == "1":
            pytest.fail(f"ELSHI_REQUIRE_OIDC=1 but {why}")
        pytest.skip(why)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"ELSHI_OIDC_DIR": str(_module_dir())}
    proc = subprocess.Popen(
        ["node", str(HERE / "provider.mjs"), str(port), ",".join(redirect_uris)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("ready "):
            pytest.fail(f"the OpenID Provider did not start: {line!r}")
        yield Provider(issuer=line.split()[1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def sign_in_at_provider(authorize_url: str, login: str, *, stop_at: str) -> str:
    """Walk the provider's login and consent pages as a browser would (any password is taken); returns
    the redirect back to elshi (the first Location starting with ``stop_at``)."""
    # The test's own client to the test's own provider: no elshi code path, so not the guarded one.
    with httpx.Client(timeout=10) as http:  # noqa: S113
        url = authorize_url
        for _ in range(12):
            response = http.get(url)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["location"])
                if url.startswith(stop_at):
                    return url
                continue
            page = response.text
            prompt = "login" if 'name="login"' in page else "consent"
            form = (
                {"prompt": prompt, "login": login, "password": "any"}
                if prompt == "login"
                else {"prompt": prompt}
            )
            posted = http.post(url, data=form)
            assert posted.status_code in (302, 303), posted.text[:500]
            url = urljoin(url, posted.headers["location"])
            if url.startswith(stop_at):
                return url
    raise AssertionError(f"the provider never redirected back to {stop_at}")
