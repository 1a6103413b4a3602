from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from elshi.sources.domains import DomainCountryLookup, registered_domain_candidates
from elshi.sources.errors import BadInput

from .conftest import LocalServer

SAMPLE_CSV = b"domain,countrycode,cnt\nexample.kz,KZ,50\nexample.kz,RS,80\nnews.cn,CH,10\nbbc.co.uk,UK,7\n"
SAMPLE_TSV = b"tengrinews.kz\tKZ\tKazakhstan\nlenta.ru\tRS\tRussia\n"


def test_candidates_walk_up_the_domain() -> None:
    found = registered_domain_candidates("https://www.news.bbc.co.uk/x?y")
    assert found == ["news.bbc.co.uk", "bbc.co.uk", "co.uk"]
    assert registered_domain_candidates("") == []


def test_highest_count_country_wins_and_fips_becomes_iso(tmp_path: Path) -> None:
    path = tmp_path / "dc.csv"
    path.write_bytes(SAMPLE_CSV)
    lookup = DomainCountryLookup.from_file(path)
    assert lookup.country_of("https://example.kz/a") == "RU"  # 80 > 50
    assert lookup.country_of("www.news.cn") == "CN"
    assert lookup.country_of("https://sport.bbc.co.uk/") == "GB"
    assert lookup.country_of("unknown.org") is None


def test_tab_separated_layout_and_cache_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "dc.txt"
    path.write_bytes(SAMPLE_TSV)
    lookup = DomainCountryLookup.from_file(path)
    lookup.save_cache(tmp_path / "cache.tsv")
    again = DomainCountryLookup.from_file(tmp_path / "cache.tsv")
    assert again.country_of("lenta.ru") == "RU" and again.country_of("tengrinews.kz") == "KZ"


def test_empty_lookup_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"domain,countrycode,cnt\n")
    with pytest.raises(BadInput, match="no domain-country rows"):
        DomainCountryLookup.from_file(tmp_path / "empty.csv")


def test_fetched_once_then_read_from_cache(tmp_path: Path, local_server: LocalServer) -> None:
    local_server.routes["/lookup.txt"] = (200, {}, SAMPLE_TSV)
    fetcher = local_server.fetcher()
    cache = tmp_path / "cache" / "domain-country.tsv"
    first = DomainCountryLookup.load_or_fetch(cache, fetcher, local_server.base + "/lookup.txt")
    second = DomainCountryLookup.load_or_fetch(cache, fetcher, local_server.base + "/lookup.txt")
    assert first.country_of("lenta.ru") == second.country_of("lenta.ru") == "RU"
    assert len(local_server.requests) == 1
    fetcher.client.close()
    assert isinstance(fetcher.client, httpx.Client)


def test_real_gdelt_lookup(domain_lookup: DomainCountryLookup) -> None:
    lookup = domain_lookup
    assert len(lookup) > 160_000
    assert lookup.country_of("https://tengrinews.kz/news/1") == "KZ"
    assert lookup.country_of("https://www.thewestmorlandgazette.co.uk/news/") == "GB"


def test_gzipped_download_is_read_whatever_its_name(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "MASTER-GDELTDOMAINSBYCOUNTRY-MAY2018.TXT"
    path.write_bytes(gzip.compress(SAMPLE_TSV))
    assert DomainCountryLookup.from_file(path).country_of("lenta.ru") == "RU"
