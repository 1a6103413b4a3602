from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from elshi.documents import Quarantined, RawDocument
from elshi.sources.countries import CountryFilter
from elshi.sources.domains import DomainCountryLookup
from elshi.sources.errors import BadInput
from elshi.sources.gkg import iter_gkg, parse_gdelt_timestamp


def _real(gdelt_dir: Path) -> Path:
    return gdelt_dir / "gkg" / "20230702153000.gkg.csv.zip"


def _first_line(gdelt_dir: Path) -> bytes:
    with zipfile.ZipFile(_real(gdelt_dir)) as z, z.open("20230702153000.gkg.csv") as f:
        return f.readline()


def test_every_real_row_parses(gdelt_dir: Path) -> None:
    items = list(iter_gkg(_real(gdelt_dir)))
    docs = [d for d in items if isinstance(d, RawDocument)]
    assert len(items) == len(docs) == 951
    assert all(d.published_at.tzinfo is UTC for d in docs)
    assert all(d.gdelt_tone is not None for d in docs)
    first = docs[0]
    assert first.url.startswith("https://www.thewestmorlandgazette.co.uk/news/national/23627957")
    assert first.outlet == "thewestmorlandgazette.co.uk"
    assert first.published_at == datetime(2023, 7, 2, 15, 1, tzinfo=UTC)  # PAGE_PRECISEPUBTIMESTAMP
    assert first.title.startswith("H")
    assert first.gdelt_tone is not None and first.gdelt_tone.tone == pytest.approx(-5.99078341013825)
    assert "US" in first.locations and "WOUND" in first.themes
    assert "richard worley" in first.persons


def test_filter_to_kazakhstan_finds_the_one_real_row(
    gdelt_dir: Path, domain_lookup: DomainCountryLookup
) -> None:
    lookup = domain_lookup
    docs = list(iter_gkg(_real(gdelt_dir), countries=CountryFilter.of(["KZ"], ["kazakh"]), domains=lookup))
    assert len(docs) == 1
    doc = docs[0]
    assert isinstance(doc, RawDocument)
    assert doc.extra["gdelt_record_id"] == "20230702153000-169"
    assert doc.title == "BFI announces 13-member Indian contingent for Asian Games 2022"
    assert "KZ" in doc.locations and "CN" in doc.locations  # FIPS CH became ISO CN
    assert doc.gdelt_tone is not None and doc.gdelt_tone.word_count == 560
    assert doc.outlet_country is not None and len(doc.outlet_country) == 2


def test_filter_by_fips_china_uses_iso_cn(gdelt_dir: Path) -> None:
    china = [
        d
        for d in iter_gkg(_real(gdelt_dir), countries=CountryFilter.of(["CN"]))
        if isinstance(d, RawDocument)
    ]
    swiss = [
        d
        for d in iter_gkg(_real(gdelt_dir), countries=CountryFilter.of(["CH"]))
        if isinstance(d, RawDocument)
    ]
    assert china and all("CN" in d.locations for d in china)
    assert all("CH" in d.locations for d in swiss)
    assert {d.url for d in china}.isdisjoint({d.url for d in swiss}) or len(swiss) < len(china)


def test_bad_rows_are_quarantined_and_the_rest_goes_on(gdelt_dir: Path, tmp_path: Path) -> None:
    good = _first_line(gdelt_dir)
    cols = good.split(b"\t")
    bad_date = b"\t".join([cols[0], b"2023-07-02"] + cols[2:26] + [b""])
    path = tmp_path / "mixed.gkg.csv"
    path.write_bytes(good + b"only\tthree\tcolumns\n" + bad_date + b"\n" + b"\xff\xfe garbage\n" + good)
    items = list(iter_gkg(path))
    assert [type(i).__name__ for i in items] == [
        "RawDocument",
        "Quarantined",
        "Quarantined",
        "Quarantined",
        "RawDocument",
    ]
    q = [i for i in items if isinstance(i, Quarantined)]
    assert "3 columns" in q[0].reason and q[0].location == "mixed.gkg.csv:2"
    assert "YYYYMMDDHHMMSS" in q[1].reason
    assert q[2].raw.startswith("\\xff\\xfe")  # raw bytes kept, losslessly escaped


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such file"):
        list(iter_gkg(tmp_path / "nope.gkg.csv.zip"))


def test_timestamps() -> None:
    assert parse_gdelt_timestamp("20230702153000") == datetime(2023, 7, 2, 15, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_gdelt_timestamp("20231399000000")


def test_translingual_row_keeps_source_language(gdelt_dir: Path, tmp_path: Path) -> None:
    cols = _first_line(gdelt_dir).rstrip(b"\n").split(b"\t")
    cols[0] = b"20230702153000-T7"
    cols[25] = b"srclc:rus;eng:GT-RUS 1.0"
    path = tmp_path / "20230702153000.translation.gkg.csv"
    path.write_bytes(b"\t".join(cols) + b"\n")
    [doc] = list(iter_gkg(path))
    assert isinstance(doc, RawDocument)
    assert doc.language_hint == "ru" and doc.extra["gdelt_translingual"] == "true"
    assert doc.extra["gdelt_translation"] == "srclc:rus;eng:GT-RUS 1.0"


@pytest.mark.parametrize("where", [0.3, 0.6, 0.9])
def test_corrupt_zip_is_bad_input_not_a_crash(gdelt_dir: Path, tmp_path: Path, where: float) -> None:
    data = bytearray(_real(gdelt_dir).read_bytes())
    at = int(len(data) * where)
    data[at : at + 64] = b"\x00" * 64
    path = tmp_path / "broken.gkg.csv.zip"
    path.write_bytes(bytes(data))
    try:
        items = list(iter_gkg(path))
    except BadInput as exc:
        assert "broken.gkg.csv.zip" in str(exc)
    else:  # the damage fell where the reader recovered: only documents and quarantine records
        assert all(isinstance(i, RawDocument | Quarantined) for i in items)
