from __future__ import annotations

import pickle

from elshi.analysis.stories import StoryIndex, canonical_url, content_hash

ARTICLE = (
    "Kazakhstan and the European Union signed a memorandum on critical raw materials on Monday, "
    "covering rare earths, lithium and green hydrogen. Officials in Astana said the deal would bring "
    "new investment into processing plants in the north of the country, and Brussels called it a "
    "milestone for supply chains that now depend on a single supplier."
)


def test_canonical_url_strips_tracking_and_noise() -> None:
    assert (
        canonical_url("HTTPS://WWW.Example.com/news/1/?utm_source=x&b=2&a=1#top")
        == "https://example.com/news/1?a=1&b=2"
    )
    assert canonical_url("") == ""


def test_content_hash_ignores_case_and_spacing() -> None:
    assert content_hash("T", "A  b\nc") == content_hash("t", "a b c")
    assert content_hash("T", "a b c") != content_hash("T", "a b d")


def test_exact_copies_and_syndicated_near_copies_share_a_story() -> None:
    index = StoryIndex()
    first = index.assign("https://a.kz/1", "EU deal", ARTICLE)
    assert index.assign("https://a.kz/1?utm_medium=rss", "other", "other text") == first  # same URL
    assert index.assign("https://b.com/x", "EU deal", ARTICLE) == first  # same content
    near = ARTICLE.replace("on Monday", "on Monday, Reuters reported") + " Shares in miners rose."
    assert index.assign("https://c.com/y", "EU and Kazakhstan deal", near) == first
    unrelated = ARTICLE[::-1]
    assert index.assign("https://d.com/z", "", unrelated) != first
    assert first.startswith("st_")


def test_story_index_pickles_and_keeps_ids() -> None:
    index = StoryIndex()
    story = index.assign("https://a.kz/1", "EU deal", ARTICLE)
    clone = pickle.loads(pickle.dumps(index))  # noqa: S301 - our own bytes
    assert clone.assign("https://e.com/q", "EU deal", ARTICLE + " Updated.") == story
