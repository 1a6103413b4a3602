"""Test settings: the real settings module, with a throw-away ELSHI_HOME and a fast password hasher."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("ELSHI_HOME", tempfile.mkdtemp(prefix="elshi-test-"))
os.environ.setdefault("ELSHI_SECRET_KEY", "test-" + "k3y-for-tests-only-" * 4)

from elshi.web.settings import *  # noqa: E402,F403
from elshi.web.settings import LOGGING, STATIC_ROOT  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
LOGGING["root"]["level"] = "WARNING"
