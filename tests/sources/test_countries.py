from __future__ import annotations

import csv
from pathlib import Path

import pytest

from elshi.sources.countries import CountryFilter, fips_to_iso2, iso2_to_fips, iso3_to_iso2


def test_gdelt_fips_codes_that_differ_from_iso() -> None:
    assert fips_to_iso2("KZ") == "KZ"
    assert fips_to_iso2("CH") == "CN"  # China, not Switzerland
    assert fips_to_iso2("RS") == "RU"  # Russia, not Serbia
    assert fips_to_iso2("UK") == "GB"
    assert fips_to_iso2("GM") == "DE"
    assert fips_to_iso2("SZ") == "CH"  # Switzerland
    assert fips_to_iso2("NL") == "NL"  # the Netherlands, not Bonaire
    assert fips_to_iso2("KV") == "XK"
    assert fips_to_iso2("OS") is None  # GDELT's "Oceans"


def test_iso2_to_fips_and_iso3() -> None:
    assert iso2_to_fips("CN") == ["CH"]
    assert sorted(iso2_to_fips("PS")) == ["GZ", "WE"]
    assert iso3_to_iso2("KAZ") == "KZ"
    assert iso3_to_iso2("RUS") == "RU"
    assert iso3_to_iso2("XXX") is None


def test_filter_rejects_unknown_codes_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="QQ"):
        CountryFilter.of(["KZ", "QQ"])
    flt = CountryFilter.of(["kz"], ["Kazakh"])
    assert flt.fips_codes == {"KZ"} and flt.iso3_codes == {"KAZ"}
    assert flt.line_has_keyword(b"... KAZAKHSTAN ...")
    assert not flt.line_has_keyword(b"Uzbekistan")
    assert CountryFilter.of([], ["Казахстан"]).line_has_keyword("в КАЗАХСТАНЕ".encode())


def test_table_agrees_with_the_public_domain_country_codes_file(gdelt_dir: Path) -> None:
    rows = list(csv.DictReader((gdelt_dir / "lookups" / "country-codes.csv").open(encoding="utf-8")))
    checked = 0
    for row in rows:
        fips, iso2 = row["FIPS"].strip(), row["ISO3166-1-Alpha-2"].strip()
        if len(fips) == 2 and iso2 and row["is_independent"] == "Yes":
            assert fips_to_iso2(fips) == iso2, (fips, iso2, row["CLDR display name"])
            checked += 1
    assert checked > 180
