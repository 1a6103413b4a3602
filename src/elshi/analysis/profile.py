"""Country profiles: the target country, its peers, their aliases, traps and narratives.

Profiles are YAML files shipped in ``elshi/analysis/data/profiles`` (one per target country,
named by its code); a path to any YAML file of the same shape works too. The alias
syntax and the trap rules are documented at the top of ``kz.yaml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from elshi.analysis.textfold import fold

__all__ = [
    "DEFAULT_PROFILE",
    "Alias",
    "ContextRule",
    "Country",
    "CountryProfile",
    "Narrative",
    "ProfileError",
    "Trap",
    "configured_profile_name",
    "load_profile",
    "profile_names",
]

PROFILE_DIR = Path(__file__).parent / "data" / "profiles"
# The one default outside the profiles themselves: the first profile shipped. Django reads
# ``settings.ELSHI_PROFILE`` (elshi.common.profile); the pure commands read the same variable.
DEFAULT_PROFILE = "kz"
KINDS = ("name", "adjective", "weak")


class ProfileError(ValueError):
    """A profile file is missing or malformed; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Alias:
    spec: str  # as written in the profile, folded: "name*", "^name"
    form: str  # what the automaton looks for: "name"
    stem: bool
    case_sensitive: bool
    kind: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class Trap:
    forms: frozenset[str]  # alias forms (without * and ^)
    prev: frozenset[str] = frozenset()
    next: frozenset[str] = frozenset()
    prev_chars: tuple[str, ...] = ()
    next_chars: tuple[str, ...] = ()
    prev_at_end: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ContextRule:
    forms: frozenset[str]
    other: tuple[str, ...]
    own: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    aliases: tuple[Alias, ...]
    traps: tuple[Trap, ...] = ()
    context: tuple[ContextRule, ...] = ()
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Narrative:
    id: str
    name: str
    keywords: tuple[str, ...]
    examples: tuple[str, ...]
    risk: bool = False


@dataclass(frozen=True, slots=True)
class CountryProfile:
    id: str
    target: str
    peers: tuple[str, ...]
    optional_peers: tuple[str, ...]
    languages: tuple[str, ...]
    countries: tuple[Country, ...]
    narratives: tuple[Narrative, ...]

    def country(self, code: str) -> Country:
        for country in self.countries:
            if country.code == code:
                return country
        raise KeyError(code)


def _alias(spec: str, kind: str, lang: str | None) -> Alias:
    raw = spec.strip()
    case_sensitive = raw.startswith("^")
    folded = fold(raw.removeprefix("^"))
    stem = folded.endswith("*")
    return Alias(fold(raw), folded.rstrip("*"), stem, case_sensitive, kind, lang)


def _form(spec: str) -> str:
    """Traps and context rules name aliases as written; they apply to every alias of that form."""
    return fold(spec.strip().removeprefix("^")).rstrip("*")


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}: expected a list of strings")
    return tuple(value)


def _country(code: str, body: dict[str, Any], where: str, optional: bool) -> Country:
    aliases: list[Alias] = []
    for key, kind in (("names", "name"), ("adjectives", "adjective")):
        by_lang = body.get(key) or {}
        if not isinstance(by_lang, dict):
            raise ProfileError(f"{where}.{key}: expected a mapping of language to forms")
        for lang, forms in by_lang.items():
            aliases += [_alias(f, kind, str(lang)) for f in _strs(forms, f"{where}.{key}.{lang}")]
    aliases += [_alias(f, "weak", None) for f in _strs(body.get("weak"), f"{where}.weak")]
    traps = tuple(
        Trap(
            frozenset(_form(f) for f in _strs(t.get("forms"), f"{where}.traps")),
            frozenset(fold(w) for w in _strs(t.get("prev"), f"{where}.traps.prev")),
            frozenset(fold(w) for w in _strs(t.get("next"), f"{where}.traps.next")),
            _strs(t.get("prev_chars"), f"{where}.traps.prev_chars"),
            _strs(t.get("next_chars"), f"{where}.traps.next_chars"),
            frozenset(fold(w) for w in _strs(t.get("prev_at_end"), f"{where}.traps.prev_at_end")),
        )
        for t in body.get("traps") or []
    )
    context = tuple(
        ContextRule(
            frozenset(_form(f) for f in _strs(c.get("forms"), f"{where}.context")),
            tuple(fold(w) for w in _strs(c.get("other"), f"{where}.context.other")),
            tuple(fold(w) for w in _strs(c.get("own"), f"{where}.context.own")),
        )
        for c in body.get("context") or []
    )
    name = body.get("name")
    if not isinstance(name, str):
        raise ProfileError(f"{where}.name: required")
    return Country(code, name, tuple(aliases), traps, context, optional or bool(body.get("optional")))


def profile_names() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def configured_profile_name() -> str:
    """``ELSHI_PROFILE`` from the environment, else ``DEFAULT_PROFILE``: for code that runs without
    Django settings (the pure commands, a Dask worker) yet must follow the installation's profile."""
    return os.environ.get("ELSHI_PROFILE", "").strip() or DEFAULT_PROFILE


def load_profile(name: str | Path = DEFAULT_PROFILE, include_optional: bool = False) -> CountryProfile:
    """Load a shipped profile by name (e.g. ``DEFAULT_PROFILE``) or any profile YAML by path."""
    path = Path(name) if str(name).endswith((".yaml", ".yml")) else PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ProfileError(
            f"no country profile {str(name)!r} (looked for {path}; shipped: {profile_names()})"
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a mapping at the top level")
    try:
        target = str(data["target"])
        peers = _strs(data.get("peers"), f"{path}: peers")
        optional_peers = _strs(data.get("optional_peers"), f"{path}: optional_peers")
        wanted = [target, *peers, *(optional_peers if include_optional else ())]
        raw_countries = data["countries"]
        countries = tuple(
            _country(code, raw_countries[code], f"{path}: countries.{code}", code in optional_peers)
            for code in wanted
        )
        narratives = tuple(
            Narrative(
                str(nid),
                str(body["name"]),
                tuple(fold(k) for k in _strs(body.get("keywords"), nid)),
                _strs(body.get("examples"), nid),
                bool(body.get("risk", False)),
            )
            for nid, body in (data.get("narratives") or {}).items()
        )
    except KeyError as exc:
        raise ProfileError(f"{path}: missing field {exc}") from exc
    return CountryProfile(
        str(data.get("id", path.stem)),
        target,
        peers,
        optional_peers,
        _strs(data.get("languages"), f"{path}: languages"),
        countries,
        narratives,
    )
