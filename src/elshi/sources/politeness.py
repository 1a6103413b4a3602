"""Being a good guest: a delay between requests to the same host, and robots.txt (RFC 9309)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from protego import Protego

__all__ = ["HostThrottle", "RobotsRules", "robots_from_response"]


@dataclass
class HostThrottle:
    """Waits so that two requests to one host are at least ``delay_s`` apart.

    ``delays`` overrides the delay for a host: a robots.txt ``Crawl-delay``, or an API's published
    rate (GDELT's DOC API asks for one request every 5 seconds).
    """

    delay_s: float = 1.0
    delays: dict[str, float] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait(self, host: str) -> float:
        """Block until ``host`` may be asked again; returns the seconds waited."""
        delay = self.delays.get(host, self.delay_s)
        with self._lock:
            now = self.clock()
            ready_at = self.last.get(host, float("-inf")) + delay
            waited = max(0.0, ready_at - now)
            self.last[host] = now + waited
        if waited > 0:
            self.sleep(waited)
        return waited


@dataclass(frozen=True)
class RobotsRules:
    """One host's robots.txt, parsed. ``allow_all`` / ``deny_all`` stand for a missing or failing file."""

    parser: Protego | None = None
    allow_all: bool = False
    deny_all: bool = False

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.deny_all:
            return False
        if self.allow_all or self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


def robots_from_response(status: int, body: bytes) -> RobotsRules:
    """RFC 9309 section 2.3.1: 2xx is parsed, 4xx means no rules, 5xx means stay away."""
    if 200 <= status < 300:
        return RobotsRules(parser=Protego.parse(body.decode("utf-8", errors="replace")))
    if 400 <= status < 500:
        return RobotsRules(allow_all=True)
    return RobotsRules(deny_all=True)
