"""LinkedIn's "little text" format: the Posts API reads ``commentary`` as markup, so its reserved
characters must be escaped with a backslash or the text is cut or mangled (a bare ``(`` or ``@``
is enough to lose the rest of a post)."""

from __future__ import annotations

import re

__all__ = ["LITTLE_RESERVED", "escape_little_text"]

LITTLE_RESERVED = "\\|{}@[]()<>#*_~"
_RESERVED_RE = re.compile("([" + re.escape(LITTLE_RESERVED) + "])")


def escape_little_text(text: str) -> str:
    """Escape every reserved character so that LinkedIn shows ``text`` exactly as written."""
    return _RESERVED_RE.sub(r"\\\1", text)
