"""What runs in a helper sender process (see ``dispatcher.dispatch``).

Kept apart from :mod:`elshi.publishing.dispatcher`: a spawned process unpickles these functions by
importing their module, and Django's models cannot be imported before ``django.setup()``.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized


def start(parent: int, counter: Synchronized[int] | None = None) -> None:
    """Die with the worker that started this helper (a killed worker must not leave senders running
    that nobody watches), then set Django up. Linux ties the death signal to the thread that started
    the helper: the pool is started from the worker's long-lived threads; should a helper die anyway,
    the next dispatch sees the broken pool, logs it and starts new ones. With ``counter``, pin the
    helper to a CPU (ELSHI_PUBLISH_PIN)."""
    if sys.platform == "linux":
        import ctypes  # Linux only, and only in a helper process

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the worker died before the line above took effect
        os._exit(1)
    import django  # here: this module is imported before Django is set up (see the docstring)

    django.setup()
    if counter is not None:
        _pin(counter)


def _pin(counter: Synchronized[int]) -> None:
    """Keep this helper on one of the CPUs the worker may use, the helpers spread round-robin: a
    sender that stays on its core keeps its caches (measured: a quarter less CPU per delivery
    than when the kernel moves them about)."""
    if not hasattr(os, "sched_setaffinity"):
        return
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) > 1:
        os.sched_setaffinity(0, {cpus[index % len(cpus)]})


def dispatch(ahead: bool = False) -> Counter[str]:
    """Claim and send due deliveries until none is left, as the worker's own dispatcher does."""
    # Here, not at the top: Django's models are importable only after ``start`` set Django up.
    from django.db import close_old_connections

    # Imported in the helper process once start() has set Django up (this module runs before that).
    from elshi.publishing.dispatcher import dispatch_here

    close_old_connections()
    try:
        return dispatch_here(ahead)
    finally:
        close_old_connections()


def pid(hold: float = 0.0) -> int:
    """This helper's pid; ``hold`` keeps it busy a moment, so that a pool asked once per helper
    starts them all rather than answering every call from the first one up."""
    time.sleep(hold)
    return os.getpid()
