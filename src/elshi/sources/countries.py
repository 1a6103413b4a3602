"""Country codes: GDELT's FIPS 10-4 and CAMEO's alpha-3 to ISO 3166-1 alpha-2.

GDELT geography uses FIPS 10-4, where ``KZ`` is Kazakhstan but ``CH`` is China, ``RS`` is Russia
and ``UK`` is the United Kingdom. Everything elshi stores is ISO 3166-1 alpha-2.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

from elshi.sources._country_table import FIPS_TO_ISO2, ISO3_TO_ISO2
from elshi.sources._io import MAX_LINE_BYTES, iter_lines, iter_matching_lines

__all__ = ["CountryFilter", "fips_to_iso2", "iso2_to_fips", "iso3_to_iso2", "iso2_to_iso3"]

_ISO2_TO_FIPS: dict[str, list[str]] = {}
for _fips, _iso2 in FIPS_TO_ISO2.items():
    _ISO2_TO_FIPS.setdefault(_iso2, []).append(_fips)
_ISO2_TO_ISO3: dict[str, str] = {iso2: iso3 for iso3, iso2 in ISO3_TO_ISO2.items()}


def fips_to_iso2(code: str) -> str | None:
    """ISO alpha-2 for a FIPS 10-4 country code, or None for GDELT-only areas (oceans, ...)."""
    return FIPS_TO_ISO2.get(code.strip().upper())


def iso2_to_fips(code: str) -> list[str]:
    """Every FIPS code that maps to this ISO alpha-2 code (Palestine has two: GZ and WE)."""
    return list(_ISO2_TO_FIPS.get(code.strip().upper(), []))


def iso3_to_iso2(code: str) -> str | None:
    """ISO alpha-2 for an alpha-3 code (CAMEO actor country codes are alpha-3)."""
    return ISO3_TO_ISO2.get(code.strip().upper())


def iso2_to_iso3(code: str) -> str | None:
    return _ISO2_TO_ISO3.get(code.strip().upper())


@dataclass(frozen=True)
class CountryFilter:
    """Which rows a GDELT reader keeps: the profile's countries (ISO alpha-2) and keywords.

    A row matches when one of its locations or actors is one of ``countries``, or when one of
    ``keywords`` occurs in it (case-insensitive, for example ``"kazakh"``). An empty filter keeps
    every row.
    """

    countries: frozenset[str] = field(default_factory=frozenset)
    keywords: tuple[str, ...] = ()

    @classmethod
    def of(cls, countries: Iterable[str] = (), keywords: Iterable[str] = ()) -> CountryFilter:
        codes = frozenset(c.strip().upper() for c in countries if c.strip())
        unknown = sorted(c for c in codes if c not in _ISO2_TO_FIPS and c not in _ISO2_TO_ISO3)
        if unknown:
            raise ValueError(f"unknown ISO 3166-1 alpha-2 country code(s): {', '.join(unknown)}")
        words = tuple(sorted({k.casefold() for k in keywords if k.strip()}))
        return cls(countries=codes, keywords=words)

    @property
    def empty(self) -> bool:
        return not self.countries and not self.keywords

    @property
    def fips_codes(self) -> frozenset[str]:
        return frozenset(f for c in self.countries for f in _ISO2_TO_FIPS.get(c, []))

    @property
    def iso3_codes(self) -> frozenset[str]:
        return frozenset(i for c in self.countries if (i := _ISO2_TO_ISO3.get(c)) is not None)

    def candidate_lines(
        self, stream: IO[bytes], needles: Sequence[bytes], max_line: int = MAX_LINE_BYTES
    ) -> Iterator[tuple[int, bytes, bool]]:
        """The lines of ``stream`` that may match: all of them for an empty filter, else a block
        search for ``needles`` (code patterns) and the keywords. Callers still check each line."""
        if self.empty or not all(k.isascii() for k in self.keywords):
            return iter_lines(stream, max_line)
        return iter_matching_lines(stream, needles, [k.encode() for k in self.keywords], max_line=max_line)

    def text_matches(self, text: str) -> bool:
        folded = text.casefold()
        return any(k in folded for k in self.keywords)

    def line_has_keyword(self, line: bytes) -> bool:
        """Keyword test on raw UTF-8 bytes: ASCII keywords without decoding, others after casefold."""
        if not self.keywords:
            return False
        lower = line.lower()
        ascii_words = [k.encode() for k in self.keywords if k.isascii()]
        if any(k in lower for k in ascii_words):
            return True
        if all(k.isascii() for k in self.keywords):
            return False
        return self.text_matches(line.decode("utf-8", errors="replace"))
