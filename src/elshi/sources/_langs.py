"""ISO 639-3 (as GDELT Translingual writes it, ``srclc:rus``) to ISO 639-1 where one exists."""

from __future__ import annotations

__all__ = ["iso639_1", "language_from_name"]

_TO_1 = {
    "afr": "af", "alb": "sq", "sqi": "sq", "ara": "ar", "arm": "hy", "hye": "hy", "aze": "az",
    "bel": "be", "ben": "bn", "bos": "bs", "bul": "bg", "cat": "ca", "chi": "zh", "zho": "zh",
    "hrv": "hr", "cze": "cs", "ces": "cs", "dan": "da", "dut": "nl", "nld": "nl", "eng": "en",
    "est": "et", "fin": "fi", "fre": "fr", "fra": "fr", "glg": "gl", "geo": "ka", "kat": "ka",
    "ger": "de", "deu": "de", "gre": "el", "ell": "el", "guj": "gu", "heb": "he", "hin": "hi",
    "hun": "hu", "ice": "is", "isl": "is", "ind": "id", "ita": "it", "jpn": "ja", "kan": "kn",
    "kaz": "kk", "khm": "km", "kor": "ko", "kir": "ky", "lao": "lo", "lav": "lv", "lit": "lt",
    "mac": "mk", "mkd": "mk", "may": "ms", "msa": "ms", "mal": "ml", "mar": "mr", "mon": "mn",
    "nep": "ne", "nor": "no", "nob": "nb", "per": "fa", "fas": "fa", "pol": "pl", "por": "pt",
    "pan": "pa", "rum": "ro", "ron": "ro", "rus": "ru", "srp": "sr", "sin": "si", "slo": "sk",
    "slk": "sk", "slv": "sl", "som": "so", "spa": "es", "swa": "sw", "swe": "sv", "tam": "ta",
    "tel": "te", "tgk": "tg", "tha": "th", "tur": "tr", "tuk": "tk", "ukr": "uk", "urd": "ur",
    "uzb": "uz", "vie": "vi", "wel": "cy", "cym": "cy", "yid": "yi",
}


def iso639_1(code: str) -> str:
    """Two-letter code when there is one, else the code as given, lower-cased."""
    c = code.strip().lower()
    return _TO_1.get(c, c)


_NAMES = {
    "afrikaans": "af", "albanian": "sq", "arabic": "ar", "armenian": "hy", "azerbaijani": "az",
    "bengali": "bn", "bosnian": "bs", "bulgarian": "bg", "catalan": "ca", "chinese": "zh",
    "croatian": "hr", "czech": "cs", "danish": "da", "dutch": "nl", "english": "en", "estonian": "et",
    "finnish": "fi", "french": "fr", "galician": "gl", "georgian": "ka", "german": "de", "greek": "el",
    "gujarati": "gu", "hebrew": "he", "hindi": "hi", "hungarian": "hu", "icelandic": "is",
    "indonesian": "id", "italian": "it", "japanese": "ja", "kannada": "kn", "kazakh": "kk",
    "korean": "ko", "kyrgyz": "ky", "latvian": "lv", "lithuanian": "lt", "macedonian": "mk",
    "malay": "ms", "malayalam": "ml", "marathi": "mr", "mongolian": "mn", "nepali": "ne",
    "norwegian": "no", "persian": "fa", "polish": "pl", "portuguese": "pt", "punjabi": "pa",
    "romanian": "ro", "russian": "ru", "serbian": "sr", "sinhala": "si", "sinhalese": "si",
    "slovak": "sk", "slovenian": "sl", "somali": "so", "spanish": "es", "swahili": "sw",
    "swedish": "sv", "tamil": "ta", "telugu": "te", "thai": "th", "turkish": "tr", "ukrainian": "uk",
    "urdu": "ur", "uzbek": "uz", "vietnamese": "vi", "welsh": "cy",
}


def language_from_name(name: str) -> str | None:
    """ISO 639-1 for an English language name as GDELT writes it ("Russian" -> "ru")."""
    return _NAMES.get(name.strip().casefold())
