"""Production settings pass Django's deployment checks with nothing to report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "ELSHI_DEBUG"}}
    env |= {
        "ELSHI_HOME": str(tmp_path),
        "ELSHI_SECRET_KEY": "p" + "r0duct10n-5ecret-key-that-is-long-enough-for-django-XyZ" * 2,
        "ELSHI_ALLOWED_HOSTS": "elshi.mfa.example",
        "ELSHI_HTTPS": "true",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "elshi", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout
