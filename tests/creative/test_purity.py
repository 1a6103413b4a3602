"""elshi.creative is a pure package: it imports and renders with no Django at all (DESIGN §3)."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = """
import sys, pkgutil, importlib
import elshi.creative
for info in pkgutil.walk_packages(elshi.creative.__path__, "elshi.creative."):
    importlib.import_module(info.name)
from elshi.creative import NumberCard, render_card
render_card(NumberCard("24", "Kazakhstan in the UN index", "UN DESA, 2024"), "1200x630")
assert "django" not in sys.modules, sorted(m for m in sys.modules if m.startswith("django"))
print("pure")
"""


def test_imports_and_renders_without_django() -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pure"
