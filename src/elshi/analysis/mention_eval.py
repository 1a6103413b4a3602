"""Precision and recall of country mentions on a labelled multilingual sample.

The sample (``tests/analysis/fixtures/mentions_labelled.jsonl``, written and
labelled by elshi's engineers) holds one sentence a line with the set of
countries it names. Labelling rule: a country is mentioned when it is named by
a name, an adjective or a civic demonym; capitals and cities (weak signals),
regions (Xinjiang, Inner Mongolia), the language ("speaks Kazakh") and the
ethnicity ("ethnic Kazakhs", 哈萨克族) are not mentions of the country.
Scores count (sentence, country) pairs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from elshi.analysis.mentions import MentionFinder
from elshi.analysis.profile import CountryProfile

__all__ = ["MentionReport", "evaluate_mentions", "load_labelled"]


@dataclass
class MentionReport:
    by_lang: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # precision, recall, sentences
    precision: float = 0.0
    recall: float = 0.0
    sentences: int = 0
    errors: list[str] = field(default_factory=list)


def load_labelled(path: Path) -> list[tuple[str, str, frozenset[str]]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            item = json.loads(line)
            if not isinstance(item.get("text"), str) or not isinstance(item.get("countries"), list):
                raise ValueError(f"{path}:{number}: needs 'text' and 'countries'")
            rows.append((str(item.get("lang", "und")), item["text"], frozenset(item["countries"])))
    return rows


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluate_mentions(path: Path, profile: CountryProfile) -> MentionReport:
    finder = MentionFinder(profile)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, fp, fn, sentences
    report = MentionReport()
    for lang, text, gold in load_labelled(path):
        found = frozenset(finder.scan(text).counts())
        tally = counts[lang]
        tally[0] += len(found & gold)
        tally[1] += len(found - gold)
        tally[2] += len(gold - found)
        tally[3] += 1
        if found != gold:
            report.errors.append(f"[{lang}] {text} -> found {sorted(found)}, labelled {sorted(gold)}")
    for lang, (tp, fp, fn, n) in sorted(counts.items()):
        report.by_lang[lang] = (_ratio(tp, tp + fp), _ratio(tp, tp + fn), n)
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    report.precision, report.recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    report.sentences = sum(c[3] for c in counts.values())
    return report
