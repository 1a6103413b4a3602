from __future__ import annotations

import pickle

import pytest

from elshi.analysis.language import UNDETERMINED, LanguageIdentifier
from elshi.analysis.profile import CountryProfile


@pytest.fixture(scope="module")
def ident(profile: CountryProfile) -> LanguageIdentifier:
    return LanguageIdentifier(profile.languages)


def test_profile_languages(ident: LanguageIdentifier) -> None:
    texts = {
        "en": "Kazakhstan signed a new agreement on transit and logistics with its neighbours.",
        "ru": "Казахстан подписал новое соглашение о транзите и логистике с соседями.",
        "kk": "Қазақстан көршілерімен транзит және логистика туралы жаңа келісімге қол қойды.",
        "de": "Kasachstan hat mit seinen Nachbarn ein neues Abkommen über Transit unterzeichnet.",
        "tr": "Kazakistan komşularıyla transit ve lojistik konusunda yeni bir anlaşma imzaladı.",
        "fr": "Le Kazakhstan a signé un nouvel accord de transit avec ses voisins.",
        "zh": "哈萨克斯坦与邻国签署了新的过境运输协议。",
        "ar": "وقعت كازاخستان اتفاقية جديدة للنقل العابر مع جيرانها.",
        "fa": "قزاقستان با همسایگان خود یک توافق‌نامه جدید ترانزیت امضا کرد.",
        "ky": "Кыргызстан менен Өзбекстан чек ара боюнча келишимге кол коюшту.",
    }
    assert dict(zip(texts, ident.identify(list(texts.values())), strict=True)) == {k: k for k in texts}


def test_unsure_is_und(ident: LanguageIdentifier) -> None:
    assert ident.identify(["12345 678", "", "ok"]) == [UNDETERMINED] * 3


def test_unsupported_languages_are_reported(ident: LanguageIdentifier) -> None:
    assert set(ident.unsupported) == {"uz", "ky"}


def test_identifier_pickles_without_its_model(ident: LanguageIdentifier) -> None:
    ident.identify(["Kazakhstan signed an agreement with its neighbours today."])
    data = pickle.dumps(ident)
    assert len(data) < 2000
    clone = pickle.loads(data)  # noqa: S301 - our own bytes
    assert clone.identify_one("Kasachstan hat ein Abkommen unterzeichnet, sagte er.") == "de"


def test_script_marks_count_like_the_regular_expressions() -> None:
    """The str.translate shortcut gives the same letter and per-script counts as one regex per script."""
    import random

    from elshi.analysis import language as lang

    rng = random.Random(3)  # noqa: S311 - test data
    alphabet = "aZé×÷ЖқؤپԱ٣漢のかカ한ö ,.1_²½ﬁ😀𠀀𝐀" + "".join(
        chr(rng.randrange(0x80, 0xFFFF)) for _ in range(200)
    )
    for _ in range(300):
        sample = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 240)))
        if any(0xD800 <= ord(c) <= 0xDFFF for c in sample):
            continue
        letters, per_script = lang._shares(sample)
        assert letters == len(lang._LETTER.findall(sample))
        for mark, name in lang._RANGE_MARKS:
            assert per_script[mark] == len(lang._RANGES[name].findall(sample)), (mark, sample)
    for sample in ("emoji 😀 outside the bmp", "𠀀𠀁 extension b, 𝐀 math", "😀"):
        assert lang._shares(sample)[0] == len(lang._LETTER.findall(sample))


def test_shared_function_words_do_not_block_a_verdict(ident: LanguageIdentifier) -> None:
    """'de' and 'la' are French, Spanish and Turkish words alike: they must not veto clear French."""
    from elshi.analysis.language import _function_word_language

    text = (
        "La Cour rejette la requête en injonction des écologistes, et le ministre de la transition "
        "dit que les travaux sont une priorité pour la ville de Montréal et pour le pays."
    )
    assert _function_word_language(text, frozenset(ident.requested)) == "fr"
    assert _function_word_language("de la de la de la de la de la", frozenset(ident.requested)) is None
