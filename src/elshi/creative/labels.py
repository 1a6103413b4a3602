"""The few words the studio draws itself, per language (native speakers review before a release).

These are drawn into pixels, so they cannot go through gettext at render time in the web
process' locale: the card's own language decides. Unknown languages fall back to English.
"""

from __future__ import annotations

__all__ = ["AI_LABEL", "SOURCE_LABEL", "ai_label", "source_label", "source_line"]

AI_LABEL = {
    "en": "AI-generated",
    "kk": "Жасанды интеллект жасаған",
    "ru": "Создано ИИ",
    "de": "KI-generiert",
    "fr": "Généré par IA",
    "zh": "AI生成",
    "ar": "مُنشأ بالذكاء الاصطناعي",
    "tr": "Yapay zekâ ile üretildi",
}
SOURCE_LABEL = {
    "en": "Source",
    "kk": "Дереккөз",
    "ru": "Источник",
    "de": "Quelle",
    "fr": "Source",
    "zh": "来源",
    "ar": "المصدر",
    "tr": "Kaynak",
}


def _pick(table: dict[str, str], language: str) -> str:
    return table.get(language.lower(), table.get(language.lower()[:2], table["en"]))


def ai_label(language: str) -> str:
    return _pick(AI_LABEL, language)


def source_label(language: str) -> str:
    return _pick(SOURCE_LABEL, language)


def source_line(language: str, source: str) -> str:
    """'Source: UN DESA, 2024'; Chinese and Japanese take a full-width colon."""
    colon = "：" if language.lower().startswith(("zh", "ja")) else ": "
    return f"{source_label(language)}{colon}{source}"
