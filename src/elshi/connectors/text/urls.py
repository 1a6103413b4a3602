"""Finding links in post text, as the platforms' own parsers do closely enough for counting."""

from __future__ import annotations

import regex

__all__ = ["URL_RE", "find_urls"]

# Bare domains count as links on X and Bluesky only with a known top-level domain; this list covers
# the generic ones and the countries a foreign ministry writes about most. Scheme URLs always count.
_TLDS = (
    "com|org|net|int|edu|gov|mil|info|biz|io|ai|app|dev|news|media|online|site|tv|me|co|"
    "kz|ru|uz|kg|tj|tm|az|am|ge|by|ua|tr|cn|jp|kr|in|pk|ir|ae|sa|qa|eg|il|"
    "uk|de|fr|it|es|pt|nl|be|ch|at|pl|cz|se|no|fi|dk|ie|gr|hu|ro|bg|rs|hr|eu|"
    "us|ca|mx|br|ar|cl|au|nz|za|ng|ke|sg|my|id|th|vn|ph|hk|tw|mn"
)

URL_RE = regex.compile(
    r"""
    (?<![\w@/.-])
    (?:
        https?://[^\s<>"]+
      | (?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:"""
    + _TLDS
    + r""")(?![\w-])(?:[/?#][^\s<>"]*)?
    )
    """,
    regex.IGNORECASE | regex.VERBOSE,
)

_TRAILING = ".,;:!?'\")]}»…"


def find_urls(text: str, *, schemes_only: bool = False) -> list[tuple[int, int, str]]:
    """``(start, end, url)`` spans in ``text`` (code point offsets), trailing punctuation left out."""
    spans: list[tuple[int, int, str]] = []
    for match in URL_RE.finditer(text):
        url = match.group(0)
        if schemes_only and not url.lower().startswith(("http://", "https://")):
            continue
        # Keep a closing parenthesis that has its opening one inside the URL (Wikipedia links).
        while url and url[-1] in _TRAILING and not (url[-1] == ")" and url.count("(") >= url.count(")")):
            url = url[:-1]
        if url:
            spans.append((match.start(), match.start() + len(url), url))
    return spans
