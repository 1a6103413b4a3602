"""The analysis core is a pure package: it must import and run with no Django at all."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import elshi.analysis
import elshi.analysis.batch, elshi.analysis.commands, elshi.analysis.contract, elshi.analysis.evaluation
import elshi.analysis.bench, elshi.analysis.training, elshi.analysis.tone.hf, elshi.analysis.mention_eval
from datetime import datetime, UTC
from elshi.documents import RawDocument
doc = RawDocument("t", "https://x/1", "", "Kazakhstan opened a new port.", datetime(2025, 1, 1, tzinfo=UTC))
elshi.analysis.analyze_batch([doc], elshi.analysis.load_profile("kz"), tone="lexicon")
assert "django" not in sys.modules, sorted(m for m in sys.modules if m.startswith("django"))
print("pure")
"""


def test_imports_and_runs_without_django() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pure"
