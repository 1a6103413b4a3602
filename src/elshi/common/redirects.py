"""Where to send a person after a form: a ``next`` they posted, only if it stays on this site.

A ``next`` comes from the request, so anyone can craft a link or form that sets it: followed blindly,
elshi's own address would bounce a person to a look-alike login page (an open redirect). Only a path
on this host (or an absolute URL naming it, https where the request was) is followed.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

__all__ = ["safe_next"]


def safe_next(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """The posted (or, for a GET, queried) ``field`` when it is a same-site URL, else ``fallback``."""
    source = request.POST if request.method == "POST" else request.GET
    target = source.get(field, "").strip()
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
