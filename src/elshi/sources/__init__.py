"""Listening sources: everything that comes in, as ``RawDocument`` or ``Quarantined`` (DESIGN section 4).

Pure (no Django), so it runs in a worker, a notebook or a Dask task. Modules:

- GDELT: :mod:`.gkg` (GKG 2.1 files), :mod:`.events` (Events 2.0 exports), :mod:`.gdelt_updates`
  (``lastupdate.txt`` / ``masterfilelist.txt`` catch-up), :mod:`.gdelt_doc` (DOC 2.0 API),
  :mod:`.domains` (outlet country from GDELT's domain lookup), :mod:`.countries` (FIPS -> ISO).
- Web: :mod:`.feeds` (RSS/Atom), :mod:`.sitemaps` (news sitemaps), :mod:`.articles` (full text).
- Social: :mod:`.bluesky`, :mod:`.mastodon`, :mod:`.telegram`.
- Files: :mod:`.imports` (CSV, JSONL, XLSX), :mod:`.parse` (any kind from a path).
- Safety: :mod:`.fetch` (the one fetcher), :mod:`.netguard` (SSRF guard), :mod:`.politeness`.

Importing this package loads only the light modules below; the others are imported by name.
"""

from __future__ import annotations

from elshi.sources.countries import CountryFilter
from elshi.sources.errors import (
    BadInput,
    FetchError,
    FetchRefused,
    ResponseTooLarge,
    SourceError,
    TooManyRedirects,
)
from elshi.sources.fetch import FetchPolicy, FetchResult, SafeFetcher

__all__ = [
    "BadInput",
    "CountryFilter",
    "FetchError",
    "FetchPolicy",
    "FetchRefused",
    "FetchResult",
    "ResponseTooLarge",
    "SafeFetcher",
    "SourceError",
    "TooManyRedirects",
]
