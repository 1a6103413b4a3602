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
