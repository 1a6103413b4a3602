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

# SQLite tests run on a file in WAL mode, as elshi does, not on Django's default shared-cache
# in-memory database: that one locks whole tables ("database table is locked", no busy timeout),
# which no deployment sees, and would fail the tests where several threads write at once.
# Updated in place: pytest also imports this file as a test module, after Django has filled in the
# TEST defaults (MIRROR, CHARSET, …) on this same dict; replacing it would drop them.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(Path(os.environ["ELSHI_HOME"]) / "test.sqlite3")  # noqa: F405

# Helper sender processes would open the real database, not the test one (Django renames it in this
# process only): tests dispatch in one process; the benchmark test runs the real thing end to end.
ELSHI_PUBLISH_PROCESSES = 1

# Test people log in without an authenticator unless a test enrols one: the tests of the 2FA policy
# (tests/foundation/test_security.py, test_hardening_auth.py, the permission matrix) turn it on.
ELSHI_2FA_DEFAULT = False

# The real local servers the tests talk to (the loopback platform, the Bluesky PDS, alert hooks, the
# SMTP server) listen on loopback: allowed explicitly here, as a deployment would list an intranet host.
# Listening keeps the default (none): its tests say per test which hosts they allow.
ELSHI_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "::1"]
