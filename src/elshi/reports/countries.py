"""Country names in the brief's three languages, and the languages spoken in a mission's host country.

HOST_LANGUAGES is the scorecards' reference for "languages covered against the host country's
languages": the official or majority languages of the public a mission speaks to (ISO 639-1).
A host country missing here falls back to the mission's own working languages.
"""

from __future__ import annotations

from elshi.common.profile import current_profile

NAMES: dict[str, dict[str, str]] = {
    "KZ": {"en": "Kazakhstan", "ru": "Казахстан", "kk": "Қазақстан"},
    "UZ": {"en": "Uzbekistan", "ru": "Узбекистан", "kk": "Өзбекстан"},
    "KG": {"en": "Kyrgyzstan", "ru": "Кыргызстан", "kk": "Қырғызстан"},
    "TJ": {"en": "Tajikistan", "ru": "Таджикистан", "kk": "Тәжікстан"},
    "TM": {"en": "Turkmenistan", "ru": "Туркменистан", "kk": "Түрікменстан"},
    "AZ": {"en": "Azerbaijan", "ru": "Азербайджан", "kk": "Әзербайжан"},
    "GE": {"en": "Georgia", "ru": "Грузия", "kk": "Грузия"},
    "MN": {"en": "Mongolia", "ru": "Монголия", "kk": "Моңғолия"},
    "DE": {"en": "Germany", "ru": "Германия", "kk": "Германия"},
    "US": {"en": "United States", "ru": "США", "kk": "АҚШ"},
    "GB": {"en": "United Kingdom", "ru": "Великобритания", "kk": "Ұлыбритания"},
    "CN": {"en": "China", "ru": "Китай", "kk": "Қытай"},
    "TR": {"en": "Türkiye", "ru": "Турция", "kk": "Түркия"},
    "RU": {"en": "Russia", "ru": "Россия", "kk": "Ресей"},
    "FR": {"en": "France", "ru": "Франция", "kk": "Франция"},
    "AF": {"en": "Afghanistan", "ru": "Афганистан", "kk": "Ауғанстан"},
}

HOST_LANGUAGES: dict[str, list[str]] = {
    "KZ": ["kk", "ru"],
    "DE": ["de"],
    "AT": ["de"],
    "CH": ["de", "fr"],
    "US": ["en"],
    "GB": ["en"],
    "CA": ["en", "fr"],
    "FR": ["fr"],
    "BE": ["fr", "nl"],
    "CN": ["zh"],
    "TR": ["tr"],
    "RU": ["ru"],
    "UZ": ["uz", "ru"],
    "KG": ["ky", "ru"],
    "TJ": ["tg", "ru"],
    "AZ": ["az"],
    "GE": ["ka"],
    "MN": ["mn"],
    "IT": ["it"],
    "ES": ["es"],
    "JP": ["ja"],
    "KR": ["ko"],
    "AE": ["ar"],
    "SA": ["ar"],
    "EG": ["ar"],
    "IR": ["fa"],
    "IN": ["hi", "en"],
}

LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"en": "English", "ru": "английский", "kk": "ағылшын"},
    "ru": {"en": "Russian", "ru": "русский", "kk": "орыс"},
    "kk": {"en": "Kazakh", "ru": "казахский", "kk": "қазақ"},
    "de": {"en": "German", "ru": "немецкий", "kk": "неміс"},
    "fr": {"en": "French", "ru": "французский", "kk": "француз"},
    "tr": {"en": "Turkish", "ru": "турецкий", "kk": "түрік"},
    "zh": {"en": "Chinese", "ru": "китайский", "kk": "қытай"},
    "ar": {"en": "Arabic", "ru": "арабский", "kk": "араб"},
    "es": {"en": "Spanish", "ru": "испанский", "kk": "испан"},
}


def country_name(code: str, lang: str) -> str:
    """The name in ``lang``, else in English, else as the configured profile names it, else the code:
    a profile for a country this table lacks still gets a readable brief."""
    names = NAMES.get(code.upper(), {})
    return names.get(lang) or names.get("en") or _profile_name(code.upper()) or code.upper()


def _profile_name(code: str) -> str | None:
    try:
        return current_profile().country(code).name
    except KeyError:
        return None


def language_name(code: str, lang: str) -> str:
    return LANGUAGE_NAMES.get(code, {}).get(lang) or code


def host_languages(host_country: str, working_languages: list[str]) -> list[str]:
    return HOST_LANGUAGES.get(host_country.upper()) or list(working_languages)
