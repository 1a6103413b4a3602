"""Production settings (ELSHI_HTTPS, DEBUG off, a real key): Django's deploy checks and the live headers.

Run in a child process: the settings are read once per process from the environment, and the test
process runs the test settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
c = Client(HTTP_HOST="elshi.mfa.example")
plain = c.get("/accounts/login/")
health = c.get("/healthz")
https = c.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
cookie = https.cookies.get("csrftoken")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "health": health.status_code,
    "https": https.status_code,
    "hsts": https.get("Strict-Transport-Security", ""),
    "csp": https.get("Content-Security-Policy", ""),
    "csrf_cookie_secure": bool(cookie and cookie["secure"]),
}))
"""


def _production(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "elshi.web.settings",
        "ELSHI_HOME": str(tmp_path),
        "ELSHI_SECRET_KEY": "Zq7" + "production-secret-key-long-and-random-enough-for-django-4Kx" * 2,
        "ELSHI_ALLOWED_HOSTS": "elshi.mfa.example",
        "ELSHI_HTTPS": "1",
        "ELSHI_DEBUG": "0",
    }


def test_deploy_checks_report_nothing(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout


def test_production_redirects_to_https_and_sends_hsts_and_the_policy(tmp_path: Path) -> None:
    subprocess.run(  # the child process's own database, for the session and the login page
        [sys.executable, "-m", "django", "migrate", "-v0"], env=_production(tmp_path), check=True, timeout=300
    )
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], env=_production(tmp_path), capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://elshi.mfa.example/accounts/login/"]
    assert seen["health"] == 200  # the proxy's health check needs no TLS
    assert seen["https"] == 200 and seen["csrf_cookie_secure"] is True
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in seen["csp"] and "frame-ancestors 'none'" in seen["csp"]
