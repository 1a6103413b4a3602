"""Peak memory of this process, for benchmarks.

``getrusage(RUSAGE_SELF).ru_maxrss`` survives ``exec`` on Linux, so a benchmark started from a
large process (a test runner with models loaded) would report its parent's peak. ``VmHWM`` in
``/proc/self/status`` belongs to the current address space and starts afresh at ``exec``.
"""

from __future__ import annotations

import resource
from pathlib import Path

__all__ = ["peak_rss_mb"]


def peak_rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux, the fallback
