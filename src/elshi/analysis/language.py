"""Language identification with lingua, restricted to the profile's languages.

Restricting lingua to a dozen languages instead of its 75 cuts its memory and
time by several times (``elshi bench analysis`` measures both). Scripts that
settle the question alone skip the model (Han, kana, Hangul; Cyrillic by its
Kazakh, Kyrgyz and Uzbek letters; Arabic script by Persian letters), so lingua
mostly reads Latin-script text, and only when function words (the, der, le,
ve...) do not already settle it. Languages lingua does not know (Uzbek, Kyrgyz)
are answered by script rules only and listed in ``unsupported``; the
identifier answers ``"und"`` when unsure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

__all__ = ["LanguageIdentifier", "UNDETERMINED"]

UNDETERMINED = "und"
_SAMPLE_CHARS = 200  # the start of a document says its language; 3 KB gains nothing but time
_MIN_LETTERS = 5  # "ok", "lol": too little to say anything


def _to_language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        return None


_KAZAKH = frozenset("әғқңөұүһі")
_KYRGYZ = frozenset("өүң")
_PERSIAN = frozenset("پچژگکی")
_SCRIPTS = (
    ("\u10a0", "\u10ff", "ka"),
    ("\u0530", "\u058f", "hy"),
    ("\u0370", "\u03ff", "el"),
    ("\u0590", "\u05ff", "he"),
)


# Function words that settle a Latin-script language when they clearly outnumber the others'.
# A word several languages share ("de", "la", "en") counts for each of them by 1/k, so shared
# words neither settle nor block a verdict; distinctive words do the work.
_FUNCTION_WORDS = {
    "en": frozenset(
        "the and of to in is that for was with on are as by this from have has were i you it be not at"
        " but or an will can we they he she his her my what all just would about".split()
    ),
    "de": frozenset(
        "der die das und ist nicht mit den dem ein eine sich auch auf für von zu des im ich sie er es wir"
        " aber wenn noch nach bei aus wie oder nur kann wird werden hat sind war einen einem schon".split()
    ),
    "fr": frozenset(
        "le la les et des est une dans pour que qui pas sur du au avec ce sont de il elle je nous vous"
        " mais ou où c'est j'ai d'un d'une n'est qu'il aux cette très tout plus par un".split()
    ),
    "tr": frozenset(
        "ve bir bu için ile da de olarak daha çok gibi olan ama en kadar sonra değil ne var yok çünkü"
        " şey ben sen biz onun".split()
    ),
    "es": frozenset(
        "el la los las y del que en por con para una es se al lo como más de pero muy está son también"
        " fue ha hay este esta todo un".split()
    ),
    "it": frozenset(
        "il di che la è per un una del della con non sono gli nel alla le anche questo questa ma come"
        " più ha io si".split()
    ),
    "uz": frozenset("va bilan uchun bu ham bo'yicha esa yil bo'lgan o'z".split()),
}
_LATIN_WORD = re.compile(r"[a-zà-ÿğışçöüâêîôûœ']+")
_FW_CHARS = 600


_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _WORD_LANGS[_word] = (*_WORD_LANGS.get(_word, ()), _lang)


def _function_word_language(text: str, candidates: frozenset[str]) -> str | None:
    counts = dict.fromkeys(candidates & _FUNCTION_WORDS.keys(), 0.0)
    if len(counts) < 2:
        return None
    for word in _LATIN_WORD.findall(text[:_FW_CHARS].lower()):
        langs = _WORD_LANGS.get(word)
        if langs:
            share = 1.0 / len(langs)
            for lang in langs:
                if lang in counts:
                    counts[lang] += share
    ranked = sorted(counts.values(), reverse=True)
    best = max(counts, key=lambda lang: counts[lang])
    return best if ranked[0] >= 5 and ranked[0] >= 3 * ranked[1] else None


_LETTER = re.compile(r"[^\W\d_]")
_RANGES = {
    "latin": re.compile(r"[a-zA-Z\u00c0-\u024f]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "han": re.compile(r"[\u4e00-\u9fff]"),
    "kana": re.compile(r"[\u3040-\u30ff]"),
    "hangul": re.compile(r"[\uac00-\ud7af]"),
}
_RANGE_MARKS = (
    ("l", "latin"),
    ("c", "cyrillic"),
    ("a", "arabic"),
    ("h", "han"),
    ("k", "kana"),
    ("g", "hangul"),
)
# One str.translate through this table gives every character of the Basic Multilingual Plane a
# class mark: upper case for letters, lower case for other characters, by script range (``l``
# Latin, ``c`` Cyrillic, ``a`` Arabic, ``h`` Han, ``k`` kana, ``g`` Hangul, ``o`` any other).
# Counting marks replaces a regular-expression pass per script (``_LETTER``, ``_RANGES``: kept as
# the definition the tests compare with) and gives the same counts.
_MARKS = "lcahkgo"
_CLASS_TABLE: str | None = None


def _class_table() -> str:
    global _CLASS_TABLE
    if _CLASS_TABLE is None:
        spans = [
            ("l", 0x41, 0x5A),
            ("l", 0x61, 0x7A),
            ("l", 0xC0, 0x24F),
            ("c", 0x400, 0x4FF),
            ("a", 0x600, 0x6FF),
            ("h", 0x4E00, 0x9FFF),
            ("k", 0x3040, 0x30FF),
            ("g", 0xAC00, 0xD7AF),
        ]
        marks = ["o"] * 0x10000
        for mark, low, high in spans:
            marks[low : high + 1] = [mark] * (high - low + 1)
        _CLASS_TABLE = "".join(
            m.upper() if (ch := chr(i)).isalnum() and not ch.isdecimal() else m for i, m in enumerate(marks)
        )
    return _CLASS_TABLE


def _shares(sample: str) -> tuple[int, dict[str, int]]:
    """Letters in ``sample`` (as ``_LETTER`` counts them) and characters per script range."""
    marked = sample.translate(_class_table())  # characters beyond the BMP stay as they are
    letters = sum(marked.count(m.upper()) for m in _MARKS)
    if max(sample) > "\uffff":  # emoji mostly; the rare letters up there (CJK extension B) count too
        letters += sum(1 for ch in sample if ch > "\uffff" and ch.isalnum() and not ch.isdecimal())
    return letters, {m: marked.count(m) + marked.count(m.upper()) for m in "lcahkg"}


def _script_language(text: str) -> str | None:
    """Settle the language from its letters alone where the script allows it, else ``None``.

    Han is Chinese (kana makes it Japanese); Cyrillic with Kazakh letters is Kazakh, with
    Uzbek ў Uzbek, with only ө/ү/ң Kyrgyz, with none of them Russian (Ukrainian ї/є go to
    lingua); Arabic script with Persian letters is Persian, otherwise Arabic; Georgian,
    Armenian, Greek and Hebrew scripts name their language. Latin goes on to function words.
    """
    sample = text[:240].lower()
    if sample.isascii():  # Latin script (or no letters at all): function words and lingua decide
        return None
    letters, per_script = _shares(sample)
    if letters == 0:
        return None

    def share(script: str) -> float:
        return per_script[script] / letters

    if share("l") > 0.6:
        return None
    seen = set(sample)
    if share("c") > 0.6:
        if "ў" in seen:
            return "uz"
        if seen & (_KAZAKH - _KYRGYZ):
            return "kk"
        if seen & _KYRGYZ:
            return "ky"
        return None if seen & set("їєґ") else "ru"
    if share("a") > 0.6:
        return "fa" if seen & _PERSIAN else "ar"
    han, kana = share("h"), share("k")
    if han + kana > 0.5:
        return "ja" if kana else "zh"
    if share("g") > 0.5:
        return "ko"
    for low, high, code in _SCRIPTS:
        if any(low <= c <= high for c in seen):
            return code
    return None


class LanguageIdentifier:
    """``identify(texts)`` returns ISO 639-1 codes or ``"und"``; picklable (rebuilds lingua lazily)."""

    def __init__(
        self, languages: Iterable[str], min_confidence: float = 0.5, low_accuracy: bool = False
    ) -> None:
        self.requested = tuple(dict.fromkeys(code.lower() for code in languages))
        known = [(code, _to_language(code)) for code in self.requested]
        self.supported = tuple(code for code, lang in known if lang is not None)
        self.unsupported = tuple(code for code, lang in known if lang is None)
        self.min_confidence = min_confidence
        self.low_accuracy = low_accuracy
        self._detector: Any = None
        self._latin = frozenset(self.requested)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_detector"} | {"_detector": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _build(self) -> Any:
        if self._detector is None:
            langs = [lang for code in self.supported if (lang := _to_language(code)) is not None]
            if len(langs) < 2:
                raise ValueError(f"lingua needs at least two known languages, got {self.requested}")
            builder = LanguageDetectorBuilder.from_languages(*langs)
            if self.low_accuracy:
                builder = builder.with_low_accuracy_mode()
            self._detector = builder.build()  # models load lazily, per language met
        return self._detector

    def identify(self, texts: Sequence[str]) -> list[str]:
        detector = self._build()
        result: list[str] = [UNDETERMINED] * len(texts)
        pending: list[int] = []
        for i, text in enumerate(texts):
            by_script = _script_language(text) or _function_word_language(text, self._latin)
            if by_script is not None:
                result[i] = by_script if by_script in self.requested else UNDETERMINED
            elif sum(1 for ch in text[:_SAMPLE_CHARS] if ch.isalpha()) >= _MIN_LETTERS:
                pending.append(i)
        if not pending:
            return result
        samples = [texts[i][:_SAMPLE_CHARS] for i in pending]
        values = detector.compute_language_confidence_values_in_parallel(samples)
        for i, confidences in zip(pending, values, strict=True):
            if confidences and confidences[0].value >= self.min_confidence:
                result[i] = confidences[0].language.iso_code_639_1.name.lower()
        return result

    def identify_one(self, text: str) -> str:
        return self.identify([text])[0]
