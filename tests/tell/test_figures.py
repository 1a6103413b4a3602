"""The claims check in every script a mission writes in: kk, ru, en, tr, zh, ar, de, fr (and fa)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal, format_percent
from hypothesis import given, settings
from hypothesis import strategies as st

from elshi.content.claimcheck import ClaimRef, check_text, find_figures
from elshi.content.figures import normalise_digits, parse_cjk, parse_number

RANK = ClaimRef(1, Decimal(24), "rank", 2024, True, "EGDI #24 (2024)")
SEVENTH = ClaimRef(2, Decimal(7), "rank", 2024, True, "index #7 (2024)")
URANIUM = ClaimRef(3, Decimal("43.1"), "percent", 2022, True, "uranium 43.1% (2022)")
EXPORTS = ClaimRef(4, Decimal(5), "percent", 2023, True, "exports +5% (2023)")
TRADE = ClaimRef(5, Decimal(3_500_000_000), "usd", 2023, True, "trade $3.5bn (2023)")
VISITORS = ClaimRef(6, Decimal("1234.5"), "count", 2024, True, "visitors 1,234.5 thousand (2024)")
LIBRARY = [RANK, SEVENTH, URANIUM, EXPORTS, TRADE, VISITORS]

BACKED = [
    ("kk", "Қазақстан 2024 жылы БҰҰ индексінде 24-орын алды.", "24-орын", RANK),
    ("kk", "Уран үлесі 2022 жылы 43,1 пайыз болды.", "43,1 пайыз", URANIUM),
    ("ru", "Доля составила 43,1\u00a0% в 2022 году.", "43,1\u00a0%", URANIUM),
    ("ru", "Туристов было 1\u00a0234,5 в 2024 году.", "1\u00a0234,5", VISITORS),
    ("en", "Visitors reached 1,234.5 in 2024.", "1,234.5", VISITORS),
    ("en", "Trade reached $3.5 billion in 2023.", "$3.5 billion", TRADE),
    ("tr", "Kazakistan 2024 endeksinde 7. sırada yer aldı.", "7. sırada", SEVENTH),
    ("tr", "İhracat 2023 yılında %5 arttı.", "%5", EXPORTS),
    ("tr", "Kazakistan 2024'te 24'üncü sıraya yükseldi.", "24'üncü sıraya", RANK),
    ("tr", "Uranyum payı 2022'de yüzde 43,1 oldu.", "yüzde 43,1", URANIUM),
    ("zh", "哈萨克斯坦在2024年电子政务发展指数中排名第24位。", "排名第24位", RANK),
    ("zh", "哈萨克斯坦2024年位居第七位。", "位居第七位", SEVENTH),
    ("zh", "2024年哈萨克斯坦名列第二十四名。", "名列第二十四名", RANK),
    ("zh", "2022年铀产量占全球的43.1％。", "43.1％", URANIUM),
    ("zh", "2022年铀产量占全球的百分之四十三点一。", "百分之四十三点一", URANIUM),
    ("zh", "2023年双边贸易额达35亿美元。", "35亿", TRADE),
    ("ar", "احتلت كازاخستان المرتبة ٢٤ في مؤشر الحكومة الإلكترونية لعام ٢٠٢٤.", "المرتبة ٢٤", RANK),
    ("ar", "بلغت الحصة ٤٣٫١٪ في عام ٢٠٢٢.", "٤٣٫١٪", URANIUM),
    ("fa", "سهم اورانیوم در سال ۲۰۲۲ برابر ۴۳٫۱ درصد بود.", "۴۳٫۱ درصد", URANIUM),
    ("de", "Kasachstan belegte 2024 den 24. Platz.", "24. Platz", RANK),
    ("de", "Der Anteil lag 2022 bei 43,1 Prozent.", "43,1 Prozent", URANIUM),
    ("de", "Besucher: 1.234,5 Tausend.", "1.234,5 Tausend", None),
    ("de", "Der Handel erreichte 2023 3,5 Mrd. Dollar.", "3,5 Mrd.", TRADE),
    ("fr", "Le Kazakhstan est au 24e rang mondial en 2024.", "24e rang", RANK),
    ("fr", "La part atteint 43,1\u00a0% en 2022.", "43,1\u00a0%", URANIUM),
    ("fr", "Visiteurs en 2024 : 1\u202f234,5.", "1\u202f234,5", VISITORS),
]


@pytest.mark.parametrize("language,text,figure,claim", BACKED, ids=[f"{c[0]}-{c[2]}" for c in BACKED])
def test_a_figure_in_each_language_is_caught_and_backed_by_its_claim(
    language: str, text: str, figure: str, claim: ClaimRef | None
) -> None:
    results = check_text(text, [c for c in LIBRARY if c is claim], LIBRARY, language=language)
    assert [r.figure.text for r in results] == [figure]
    if claim is not None:
        assert results[0].status == "ok" and results[0].claim == claim
    else:  # 1,234,500 is no claim's value: caught, and unbacked
        assert results[0].status == "unmatched" and results[0].figure.value == Decimal(1_234_500)


NOT_FIGURES = [
    ("kk", "Елшілік 2024 жылдың 12.05.2024 күні сағат 10:30-да ашылады."),
    ("ru", "Звоните: +7 7172 72 00 00 или 8 (7172) 72-00-00."),
    ("en", "1. Open the page\n2. Read the 2024 report\n3. Share it"),
    ("en", "Meeting on 2024-05-12, three embassies and 5 consulates."),
    ("tr", "Toplantı 2017 yılında yapıldı, 5 konsolosluk katıldı."),
    ("zh", "2024年5月12日，七个代表团访问了阿斯塔纳。"),
    ("zh", "第24届会议于2024年举行，万一下雨就改期。"),
    ("ar", "الهاتف: +٧ ٧١٧٢ ٧٢ ٠٠ ٠٠، الموعد ١٢/٠٥/٢٠٢٤."),
    ("de", "Das Treffen am 12.05.2024 um 10:30 Uhr, 3 Botschaften."),
    ("fr", "Le 1er janvier 2024, 5 consulats."),
]


@pytest.mark.parametrize("language,text", NOT_FIGURES, ids=[c[0] for c in NOT_FIGURES])
def test_dates_phones_list_numbers_years_and_small_counts_are_not_figures(language: str, text: str) -> None:
    assert find_figures(text, language) == []


def test_the_language_decides_a_three_digit_group() -> None:
    assert parse_number("1.234", "de") == Decimal(1234)
    assert parse_number("1.234", "en") == Decimal("1.234")
    assert parse_number("1,234", "en") == Decimal(1234)
    assert parse_number("1,234", "ru") == Decimal("1.234")
    assert parse_number("1,234") == Decimal(1234)  # no language: a group, as before
    assert parse_number("3.5", "ru") == Decimal("3.5")  # a point in Russian text is still a point


def test_chinese_numerals() -> None:
    readings = {
        "七": 7,
        "二十四": 24,
        "十五": 15,
        "一百零五": 105,
        "三千五百": 3500,
        "三亿五千万": 350_000_000,
    }
    assert {k: parse_cjk(k) for k in readings} == {k: Decimal(v) for k, v in readings.items()}
    assert parse_cjk("二〇二四") == 2024 and parse_cjk("四十三点一") == Decimal("43.1")


def test_digit_normalising_keeps_offsets() -> None:
    text = "المرتبة ٢٤ و۴۳٫۱٪ و３５％"
    assert normalise_digits(text) == "المرتبة 24 و43.1% و35%"
    [rank, *_] = find_figures(text, "ar")
    assert text[rank.start : rank.end] == "المرتبة ٢٤"


LOCALES = ["kk", "ru", "en", "tr", "zh", "ar", "ar_EG", "fa", "de", "fr"]
# A bare 1900-2099 reads as a year, not a figure (as it always has).
amounts = st.decimals(
    min_value=1000, max_value=10**9, places=2, allow_nan=False, allow_infinity=False
).filter(lambda v: not 1900 <= v < 2100)
shares = st.decimals(min_value=Decimal("0.1"), max_value=100, places=1, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(value=amounts, locale=st.sampled_from(LOCALES), native=st.booleans())
def test_a_number_formatted_by_babel_reads_back_the_same(value: Decimal, locale: str, native: bool) -> None:
    system = "default" if native else "latn"  # ar_EG and fa by default write ٬ and ٫
    written = format_decimal(value, locale=locale, numbering_system=system)
    [figure] = find_figures(f"Total: {written}.", locale.split("_")[0])
    assert (figure.kind, figure.value) == ("amount", value), written


@settings(max_examples=150, deadline=None)
@given(value=shares, locale=st.sampled_from(LOCALES))
def test_a_percentage_formatted_by_babel_reads_back_the_same(value: Decimal, locale: str) -> None:
    written = format_percent(value / 100, locale=locale, decimal_quantization=False)
    [figure] = find_figures(f"Share: {written}.", locale.split("_")[0])
    assert (figure.kind, figure.value) == ("percent", value), written
