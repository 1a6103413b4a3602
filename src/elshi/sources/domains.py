"""The outlet's country from its web domain, using GDELT's domain-country lookup.

GDELT publishes, for each news domain, the countries its articles mention most; the top one is
the outlet's likely home country. Two layouts are read: the 2015-2021 CSV
(``domain,countrycode,cnt``, several rows per domain) and the older tab-separated
``domain<TAB>FIPS<TAB>name`` list. Codes are FIPS 10-4 and are mapped to ISO alpha-2 on load.

The lookup is fetched at run time through the safe fetcher and cached as a compact
``domain<TAB>ISO2`` file, so later runs load in a fraction of a second and work offline.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path
from urllib.parse import urlsplit

from elshi.sources._io import open_binary
from elshi.sources.countries import fips_to_iso2
from elshi.sources.errors import BadInput
from elshi.sources.fetch import SafeFetcher

__all__ = ["DEFAULT_LOOKUP_URL", "DomainCountryLookup", "registered_domain_candidates"]

#: GDELT's published domain-to-country list (tab-separated, FIPS). Override per deployment.
DEFAULT_LOOKUP_URL = (
    "https://data.gdeltproject.org/blog/2018-news-outlets-by-country-may2018-update/"
    "MASTER-GDELTDOMAINSBYCOUNTRY-MAY2018.TXT"
)


def registered_domain_candidates(url_or_host: str) -> list[str]:
    """The host and each parent domain, longest first: ``a.b.co.uk`` -> ``a.b.co.uk, b.co.uk, co.uk``."""
    host = urlsplit(url_or_host).hostname if "://" in url_or_host else url_or_host
    host = (host or "").strip().lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    parts = host.split(".")
    if len(parts) < 2:
        return [host] if host else []
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


class DomainCountryLookup:
    """Maps an outlet's domain (or any URL on it) to an ISO alpha-2 country."""

    def __init__(self, table: dict[str, str]) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def country_of(self, url_or_host: str) -> str | None:
        for candidate in registered_domain_candidates(url_or_host):
            found = self._table.get(candidate)
            if found is not None:
                return found
        return None

    @classmethod
    def from_file(cls, path: str | Path) -> DomainCountryLookup:
        """Read GDELT's lookup (CSV or TSV, plain or zipped) or elshi's own cache file."""
        best: dict[str, tuple[int, str]] = {}
        with open_binary(path, member_suffix=".csv") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
            first = text.readline()
            if first.startswith("#elshi-domain-country"):
                return cls(_read_cache(text))
            delimiter = "\t" if "\t" in first else ","
            lines = text if first.lower().startswith("domain,") else itertools.chain([first], text)
            rows = csv.reader(lines, delimiter=delimiter)
            for row in rows:
                if len(row) < 2:
                    continue
                domain, code = row[0].strip().lower(), row[1].strip()
                iso = fips_to_iso2(code)
                if not domain or iso is None:
                    continue
                count = int(row[2]) if len(row) > 2 and row[2].strip().isdigit() else 0
                held = best.get(domain)
                if held is None or count > held[0]:
                    best[domain] = (count, iso)
        if not best:
            raise BadInput(f"{path}: no domain-country rows found")
        return cls({d: iso for d, (_, iso) in best.items()})

    def save_cache(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(p.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            f.write("#elshi-domain-country v1\n")
            for domain, iso in sorted(self._table.items()):
                f.write(f"{domain}\t{iso}\n")
        tmp.replace(p)

    @classmethod
    def load_or_fetch(
        cls, cache_path: str | Path, fetcher: SafeFetcher, url: str = DEFAULT_LOOKUP_URL
    ) -> DomainCountryLookup:
        """Use the cache when present, else fetch GDELT's lookup, parse it and write the cache."""
        cache = Path(cache_path)
        if cache.is_file():
            return cls.from_file(cache)
        cache.parent.mkdir(parents=True, exist_ok=True)
        download = cache.with_suffix(".download")
        fetcher.download(url, download)
        try:
            lookup = cls.from_file(download)
        finally:
            download.unlink(missing_ok=True)
        lookup.save_cache(cache)
        return lookup


def _read_cache(text: io.TextIOWrapper) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in text:
        domain, _, iso = line.rstrip("\n").partition("\t")
        if domain and len(iso) == 2:
            table[domain] = iso
    return table

