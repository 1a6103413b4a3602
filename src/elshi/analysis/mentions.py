"""Country mentions: one pass of an Aho-Corasick automaton over case-folded text.

Every alias of every country in the profile goes into one automaton. A hit is
kept when it passes the boundary rules of its script:

- alphabetic scripts: no letter before it, and after it either no letter
  (exact words) or any run of letters and apostrophes (stems, for inflection:
  Казахстана, Қазақстанның, Kasachstans, Kazakistan'ın);
- Arabic script: as above, but one proclitic letter (و ف ب ل ك) may precede it;
- Chinese: substring, no boundaries;
- ``^`` aliases: the source letter must be upper-case (China, Turkey).

Then overlapping hits keep the longest, and the profile's traps (ethnicity and
language uses, Inner Mongolia) and context rules (Georgia the US state) drop
what is not the country. ``weak`` aliases (capitals, cities) are counted apart.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import ahocorasick

from elshi.analysis.profile import Alias, ContextRule, CountryProfile, Trap
from elshi.analysis.textfold import fold

__all__ = ["Mention", "MentionFinder", "MentionScan"]

_PROCLITICS = frozenset("وفبلك")
_CLAUSE_END = frozenset('.,;:!?)]»”"\n')


def _is_letter(char: str) -> bool:
    return char.isalpha() or char == "\u0301" or "\u064b" <= char <= "\u065f"


def _script(form: str) -> str:
    first = form[0]
    if "\u4e00" <= first <= "\u9fff" or "\u3400" <= first <= "\u4dbf":
        return "cjk"
    if "\u0600" <= first <= "\u06ff":
        return "arabic"
    return "alpha"


@dataclass(frozen=True, slots=True)
class Mention:
    country: str
    start: int
    end: int
    kind: str  # "name", "adjective" or "weak"
    in_title: bool
    alias: str


@dataclass(frozen=True, slots=True)
class MentionScan:
    mentions: tuple[Mention, ...]

    def counts(self, weak: bool = False) -> Counter[str]:
        return Counter(m.country for m in self.mentions if (m.kind == "weak") == weak)

    def of(self, country: str, weak: bool = False) -> list[Mention]:
        return [m for m in self.mentions if m.country == country and (m.kind == "weak") == weak]


class MentionFinder:
    """Build once per profile; ``scan(text, title)`` is thread-safe and allocation-light."""

    def __init__(self, profile: CountryProfile) -> None:
        self.profile = profile
        entries: dict[str, list[tuple[str, Alias]]] = {}
        self._traps: dict[tuple[str, str], list[Trap]] = {}
        self._context: dict[tuple[str, str], list[tuple[ContextRule, re.Pattern[str], re.Pattern[str]]]] = {}
        for country in profile.countries:
            for alias in country.aliases:
                bucket = entries.setdefault(alias.form, [])
                if all(existing[0] != country.code or existing[1].spec != alias.spec for existing in bucket):
                    bucket.append((country.code, alias))
            for trap in country.traps:
                for spec in trap.forms:
                    self._traps.setdefault((country.code, spec), []).append(trap)  # spec: an alias form
            for rule in country.context:
                # One boundary check around one alternation: far faster than a lookbehind per word.
                other = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, rule.other)) + r")(?!\w)")
                own = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, rule.own)) + r")(?!\w)")
                for spec in rule.forms:
                    self._context.setdefault((country.code, spec), []).append((rule, other, own))
        self._automaton = ahocorasick.Automaton()
        for form, bucket in entries.items():
            self._automaton.add_word(form, (len(form), _script(form), tuple(bucket)))
        self._automaton.make_automaton()

    def __reduce__(self) -> tuple[type[MentionFinder], tuple[CountryProfile]]:
        return (MentionFinder, (self.profile,))

    def raw_hits(self, text: str) -> int:
        """The automaton alone over folded text, no rules: the speed limit the benchmark compares with."""
        return sum(1 for _ in self._automaton.iter(fold(text)))

    def scan(self, text: str, title: str = "") -> MentionScan:
        found = self._scan_one(text, in_title=False)
        if title:
            found = self._scan_one(title, in_title=True) + found
        return MentionScan(tuple(found))

    def _scan_one(self, text: str, in_title: bool) -> list[Mention]:
        folded = fold(text)
        size = len(folded)
        candidates: list[tuple[int, int, str, Alias]] = []
        for last, (length, script, bucket) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if script == "cjk":
                word_end = end
            else:
                before = folded[start - 1] if start else " "
                if _is_letter(before) and not (script == "arabic" and _proclitic_only(folded, start)):
                    continue
                word_end = end
                while word_end < size and (_is_letter(folded[word_end]) or folded[word_end] == "'"):
                    word_end += 1
            for code, alias in bucket:
                if word_end != end and not alias.stem and script != "cjk":
                    if not (folded[end] == "'" and folded.startswith("'s", end) and word_end == end + 2):
                        continue  # a longer word: "kazakhs" is not "kazakh"; English possessive is fine
                if alias.case_sensitive and not text[start].isupper():
                    continue
                candidates.append((start, word_end, code, alias))
        if not candidates:
            return []
        # Longest first; at equal length an exact word beats a stem ("russian" the adjective, with its
        # traps, over "russia*"). A trapped hit still claims its span, so no shorter alias revives it.
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[3].stem))
        kept: list[Mention] = []
        reach = -1
        for start, end, code, alias in candidates:
            if start < reach:
                continue
            reach = end
            if not self._trapped(folded, start, end, code, alias):
                kept.append(Mention(code, start, end, alias.kind, in_title, alias.spec))
        if self._context:
            verdicts: dict[tuple[str, str], bool] = {}  # each rule is read once per text
            kept = [m for m in kept if not self._out_of_context(folded, m, verdicts)]
        return kept

    def _trapped(self, folded: str, start: int, end: int, code: str, alias: Alias) -> bool:
        traps = self._traps.get((code, alias.form))
        if not traps:
            return False
        prev_word, next_word, at_end = _neighbours(folded, start, end)
        for trap in traps:
            if prev_word in trap.prev or next_word in trap.next:
                return True
            if at_end and prev_word in trap.prev_at_end:
                return True
            if trap.prev_chars and start and folded[start - 1] in trap.prev_chars:
                return True
            if trap.next_chars and end < len(folded) and folded[end] in trap.next_chars:
                return True
        return False

    def _out_of_context(self, folded: str, mention: Mention, verdicts: dict[tuple[str, str], bool]) -> bool:
        key = (mention.country, mention.alias.removeprefix("^").rstrip("*"))
        if key not in verdicts:
            verdicts[key] = any(
                len(other.findall(folded)) > len(own.findall(folded))
                for _, other, own in self._context.get(key, ())
            )
        return verdicts[key]


def _proclitic_only(folded: str, start: int) -> bool:
    """One or two proclitic letters (وب, ول, ف...) stand between a word boundary and ``start``."""
    i = start - 1
    while i >= 0 and start - i <= 2 and folded[i] in _PROCLITICS:
        i -= 1
    return i < start - 1 and (i < 0 or not _is_letter(folded[i]))


def _neighbours(folded: str, start: int, end: int) -> tuple[str, str, bool]:
    """The word before, the word after (hyphen-joined words count), and whether the clause ends here."""
    i = start - 1
    while i >= 0 and not _is_letter(folded[i]) and folded[i] not in _CLAUSE_END:
        i -= 1
    j = i
    while j >= 0 and _is_letter(folded[j]):
        j -= 1
    prev_word = folded[j + 1 : i + 1] if i >= 0 and _is_letter(folded[i]) else ""
    k = end
    while k < len(folded) and folded[k] in " \t-–":
        k += 1
    at_end = k >= len(folded) or folded[k] in _CLAUSE_END
    m = k
    while m < len(folded) and _is_letter(folded[m]):
        m += 1
    next_word = folded[k:m]
    if k > end and folded[end:k].strip() == "-" and next_word:
        next_word = "-" + next_word if "-" + next_word in ("-intérieure",) else next_word
    return prev_word, next_word, at_end
