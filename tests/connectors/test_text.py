from __future__ import annotations

import pytest

from elshi.connectors import Media, Message, rules_for, validate
from elshi.connectors.text import (
    escape_little_text,
    facet_json,
    find_facets,
    find_urls,
    grapheme_count,
    mastodon_length,
    mastodon_rules,
    utf16_length,
    x_weighted_length,
)

from .conftest import load


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", 5),
        ("Қазақстан", 9),  # Cyrillic weighs 1
        ("哈萨克斯坦", 10),  # CJK weighs 2
        ("カザフスタン", 12),
        ("👍", 2),
        ("👍🏽", 2),  # emoji with skin tone: one emoji
        ("👨‍👩‍👧", 2),  # a ZWJ family: one emoji
        ("🇰🇿", 2),  # a flag
        ("https://www.mfa.gov.kz/en/content/a-very-long-path/that-goes/on-and-on?with=query", 23),
        ("see mfa.gov.kz today", 4 + 23 + 6),  # bare domains are links too
        ("e\u0301", 1),  # NFC makes é one code point
        ("a" * 280, 280),
    ],
)
def test_x_weighted_length(text: str, expected: int) -> None:
    assert x_weighted_length(text) == expected


def test_x_limit_in_rules() -> None:
    rules = rules_for("x")
    assert validate(rules, Message("哈" * 140)) == []
    assert validate(rules, Message("哈" * 141)) == ["x: text is 282 characters, the limit is 280"]
    assert validate(rules, Message("a" * 250 + " https://example.org/" + "p" * 100)) == []


def test_url_spans_drop_trailing_punctuation_but_keep_balanced_parens() -> None:
    assert [u for _, _, u in find_urls("Read https://mfa.gov.kz/en.")] == ["https://mfa.gov.kz/en"]
    assert [u for _, _, u in find_urls("(see https://en.wikipedia.org/wiki/Astana_(city))")] == [
        "https://en.wikipedia.org/wiki/Astana_(city)"
    ]
    assert find_urls("mail digital@mfa.gov.kz") == []
    assert [u for _, _, u in find_urls("a.kz b.example c.com", schemes_only=True)] == []


def test_counters() -> None:
    assert grapheme_count("👨‍👩‍👧e\u0301") == 2
    assert utf16_length("😀a") == 3
    assert mastodon_length("@envoy@mastodon.example hi") == len("@envoy hi")
    assert mastodon_length("https://example.org/" + "x" * 100, url_length=23) == 23


def test_facets_use_utf8_byte_offsets() -> None:
    text = "✨ Сәлем #Наурыз2026 from @kz-berlin.test via https://mfa.gov.kz #42"
    facets = find_facets(text)
    encoded = text.encode()
    pieces = [(f.kind, encoded[f.byte_start : f.byte_end].decode()) for f in facets]
    assert pieces == [("tag", "#Наурыз2026"), ("mention", "@kz-berlin.test"), ("link", "https://mfa.gov.kz")]
    tag = facets[0]
    assert tag.byte_start == len("✨ Сәлем ".encode()) and tag.value == "Наурыз2026"
    assert facet_json(tag) == {
        "index": {"byteStart": tag.byte_start, "byteEnd": tag.byte_end},
        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Наурыз2026"}],
    }
    with pytest.raises(ValueError, match="DID"):
        facet_json(facets[1])


def test_bare_domain_link_facet_gets_a_scheme() -> None:
    (facet,) = find_facets("visit mfa.gov.kz")
    assert facet.kind == "link" and facet.value == "https://mfa.gov.kz"


def test_linkedin_reserved_characters_are_escaped() -> None:
    assert escape_little_text("Q&A (live) @10:00 #KZ [1] <b> {x} a|b *y* _z_ ~w~ back\\slash") == (
        "Q&A \\(live\\) \\@10:00 \\#KZ \\[1\\] \\<b\\> \\{x\\} a\\|b \\*y\\* \\_z\\_ \\~w\\~ back\\\\slash"
    )
    assert escape_little_text("Қазақстан") == "Қазақстан"


def test_linkedin_threads_instagram_tiktok_youtube_rules() -> None:
    image = Media("image/jpeg", data=b"x")
    video = Media("video/mp4", data=b"v")
    assert validate(rules_for("linkedin"), Message("a" * 3001)) == [
        "linkedin: text is 3001 characters, the limit is 3000"
    ]
    assert validate(rules_for("threads"), Message("a" * 501)) == [
        "threads: text is 501 characters, the limit is 500"
    ]
    assert validate(rules_for("instagram"), Message("caption")) == [
        "instagram: a post needs an image or video"
    ]
    assert validate(rules_for("instagram"), Message("a" * 2200, media=(image,))) == []
    png = Media("image/png", data=b"x")
    assert validate(rules_for("instagram"), Message("c", media=(png,))) == [
        "instagram: media 1 is image/png, which it does not accept"
    ]
    assert validate(rules_for("tiktok"), Message("c", media=(image,))) == []  # a photo post
    assert validate(rules_for("tiktok"), Message("c", media=(png,))) == [
        "tiktok: media 1 is image/png, which it does not accept"
    ]
    assert validate(rules_for("tiktok"), Message("c", media=(video,))) == []
    assert validate(rules_for("youtube"), Message("d", media=(video,), title="t" * 101)) == [
        "youtube: title is over 100 characters"
    ]


def test_media_count_mixing_alt_text_and_size() -> None:
    image = Media("image/jpeg", data=b"x")
    five = Message("x", media=(image,) * 5)
    assert validate(rules_for("x"), five) == ["x: 5 media attached, the limit is 4"]
    mixed = Message("x", media=(image, Media("video/mp4", data=b"v")))
    assert "mastodon: images and video cannot be mixed in one post" in validate(rules_for("mastodon"), mixed)
    assert validate(rules_for("telegram"), mixed) == []
    long_alt = Media("image/png", data=b"x", alt_text="a" * 2001)
    assert validate(rules_for("bluesky"), Message("x", media=(long_alt,))) == [
        "bluesky: alt text of media 1 is over 2000 characters"
    ]
    big = Media("image/png", data=b"x" * 1_000_001)
    assert validate(rules_for("bluesky"), Message("x", media=(big,))) == [
        "bluesky: media 1 is 1000001 bytes, the limit is 1000000"
    ]


def test_mastodon_rules_from_instance_and_fallbacks() -> None:
    rules = mastodon_rules(load("mastodon/instance_v2"))
    assert (
        rules.max_length == 1000
        and rules.max_image_bytes == 16777216
        and "video/mp4" in rules.video_mime_types
    )
    assert "audio/ogg" not in rules.image_mime_types + rules.video_mime_types
    fallback = mastodon_rules({"configuration": {"statuses": {"max_characters": "lots"}}})
    assert fallback.max_length == 500 and fallback.max_media == 4


def test_rules_round_trip_through_json() -> None:
    import json

    from elshi.connectors.text import RULES, PlatformRules

    for rules in RULES.values():
        assert PlatformRules.from_json(json.loads(json.dumps(rules.to_json()))) == rules
