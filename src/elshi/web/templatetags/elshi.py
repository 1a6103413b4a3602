"""Template helpers shared by every app."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()
_TOKEN = re.compile(r"(https?://[^\s<]+)|(#[\w]+)|(@[\w.@-]+)")


def _pick(values: dict[str, Any], language: str) -> Any:
    for code in (language, "en", "ru", "kk"):
        if values.get(code):
            return values[code]
    return next(iter(values.values()), "")


@register.simple_tag
def localized(values: dict[str, Any] | None) -> Any:
    """The entry of a per-language dict in the reader's language, else a fallback."""
    return _pick(values or {}, (get_language() or "en").split("-")[0])


@register.simple_tag
def localized_list(values: dict[str, list[Any]] | None) -> list[Any]:
    picked = _pick(values or {}, (get_language() or "en").split("-")[0])
    return picked if isinstance(picked, list) else []


@register.filter
def platform_text(text: str) -> SafeString:
    """Post text as a platform shows it: escaped, links, hashtags and mentions marked, line breaks kept."""
    out: list[str] = []
    last = 0
    for match in _TOKEN.finditer(text or ""):
        out.append(escape(text[last : match.start()]))
        token = escape(match.group(0))
        kind = "link" if match.group(1) else "tag" if match.group(2) else "mention"
        out.append(f'<span class="pv-{kind}">{token}</span>')
        last = match.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every piece above is escaped
