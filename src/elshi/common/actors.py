"""Who acts: a signed-in person, or nobody (``None``: the system, the worker, an operator at the shell).

Actions take ``acting_user: Actor``; ``elshi.audit.log.record`` writes ``system`` (or the given label)
for ``None`` and for a person who is not signed in.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

__all__ = ["Actor", "person", "person_or_none"]

Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None


def person(actor: Actor) -> User:
    """The signed-in person behind an action that only a person may take (drafting, clearing)."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    raise PermissionDenied(_("Sign in first: only a person can do this."))


def person_or_none(actor: Actor) -> User | None:
    """The person behind an action, or ``None`` when the system or an operator at the shell acts."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None
