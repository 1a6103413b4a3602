"""`elshi profile new CODE`: scaffold a country profile YAML for another country, with a checklist.

The scaffold has the shape of the shipped profiles (``elshi/analysis/data/profiles``; the syntax is
documented at the top of each), loads as it is, and marks with TODO everything a person must write:
names per language with their inflections, peers, traps, narratives with keywords and examples.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

import typer

from elshi.analysis.profile import PROFILE_DIR, ProfileError, load_profile
from elshi.cli._django import fail
from elshi.reports.countries import HOST_LANGUAGES
from elshi.sources._country_table import ISO3_TO_ISO2, NAME_TO_ISO2

profile_app = typer.Typer(help="Country profiles: scaffold one for another country.", no_args_is_help=True)

CHECKLIST = """\
Fill in {path}, then check it:
  [ ] languages: every language the ministry listens in (ISO 639-1), the country's own first
  [ ] countries.{code}.names: the country's name in each of those languages, with its inflections:
      a stem with * where the language adds endings (Russian cases, Turkish suffixes, German -s),
      every spelling and script in use (Latin and Cyrillic, the official and the common form)
  [ ] countries.{code}.adjectives: the adjective and demonym per language, with their inflections
  [ ] countries.{code}.weak: the capital, main cities and landmarks (counted apart, never a mention alone)
  [ ] countries.{code}.traps: uses of a name that are not the country: the language ("speaks ..."),
      the ethnic group abroad ("ethnic ..."), a namesake region, a person, a product
  [ ] peers: the countries the ministry compares itself with, each with its own block under countries:
      (copy the blocks of a shipped profile where the peer is there already)
  [ ] narratives: what the ministry promotes and watches (one marked risk: true), each with about
      twenty keywords in several languages and five example sentences in several languages and scripts
Check it:     elshi analyze SAMPLE.jsonl -o OUT.jsonl --profile {path}
Use it:       ELSHI_PROFILE={path} elshi up   (or set ELSHI_PROFILE in the environment of every process)
Ship it:      copy it to {shipped}/{lower}.yaml; then ELSHI_PROFILE={lower} is enough"""

TEMPLATE = Template("""\
# Country profile: $name and its peers. Scaffolded by `elshi profile new $code`: fill in every TODO.
# Use it with ELSHI_PROFILE=/path/to/$lower.yaml (or ship it as elshi/analysis/data/profiles/$lower.yaml).
#
# Alias syntax (matched on case-folded text):
#   "name*"   an inflecting stem: letters (and Turkish apostrophe suffixes) may follow
#   "name"    an exact word: nothing may follow but a non-letter
#   "^Name"   case-sensitive: the first letter must be upper-case in the source
# Kinds: "names" and "adjectives" make mentions; "weak" (capital, cities) are counted apart.
# Traps: a match of `forms` is dropped when the previous word is in `prev`, the next word in `next`, or
# the previous word is in `prev_at_end` and the clause ends there ("speaks ADJECTIVE", "in ADJECTIVE").
id: $lower
target: $code
peers: []           # TODO: the countries the ministry compares itself with, e.g. [AA, BB, CC]
optional_peers: []  # TODO: peers shown only on request (big neighbours, partners)
languages: [$languages]  # TODO: every language listened in (ISO 639-1), the country's own first

countries:
  $code:
    name: $name
    names:
      # TODO: the name in every language above, with inflections (stems with *) and every script
      en: ["$name_lower*"]
    adjectives:
      en: []  # TODO: the adjective or demonym, in lower case; its language use goes in traps
    weak: []  # TODO: capital, main cities, landmarks
    traps:
      - forms: []  # TODO: the adjective forms that also name the language or the ethnic group
        next: [language, languages, speakers, ethnic, minority, diaspora, people]
        prev: [learn, learning, study, speak, speaks, speaking, ethnic, ethnically]
        prev_at_end: [in, into, from]
  # TODO: one block per peer, the same shape as the target's (copy them from a shipped profile)

# Narratives of the target country: keywords in any language (stems with *), and example sentences in
# several languages and scripts for the similarity tier. `risk: true` marks one the ministry watches.
narratives:
  todo_first_narrative:
    name: TODO the first narrative's name
    keywords: []  # TODO: about twenty keywords in several languages
    examples: []  # TODO: about five sentences in several languages naming the country
  todo_risk_narrative:
    name: TODO governance and human rights (risk)
    risk: true
    keywords: []  # TODO
    examples: []  # TODO
""")


@profile_app.callback()
def profile() -> None:
    """Country profiles: scaffold one for another country."""


def _english_name(code: str) -> str | None:
    """The country's English name from the table of every country (its first spelling there)."""
    if code not in set(ISO3_TO_ISO2.values()):
        return None
    names = [name for name, two in NAME_TO_ISO2.items() if two == code]
    return names[0].title() if names else code


def scaffold(code: str, name: str) -> str:
    languages = list(dict.fromkeys([*HOST_LANGUAGES.get(code, []), "en"]))
    return TEMPLATE.substitute(
        code=code,
        lower=code.lower(),
        name=name,
        name_lower=name.lower(),
        languages=", ".join(languages),
    )


@profile_app.command("new")
def profile_new(
    code: str = typer.Argument(..., help="ISO 3166-1 alpha-2 code of the target country, e.g. AM."),
    output: Path = typer.Option(
        Path("."), "-o", "--output", help="A folder (the file is CODE.yaml in it) or a .yaml path."
    ),
) -> None:
    """Write a profile YAML pre-filled with the structure and TODO markers, and print what to fill in."""
    upper = code.strip().upper()
    name = _english_name(upper) if len(upper) == 2 and upper.isalpha() else None
    if name is None:
        raise fail(f"{code!r} is not an ISO 3166-1 alpha-2 country code", 2)
    path = output if output.suffix in (".yaml", ".yml") else output / f"{upper.lower()}.yaml"
    if path.exists():
        raise fail(f"{path} exists already: choose another -o or remove it", 2)
    if not path.parent.is_dir():
        raise fail(f"-o {output}: the folder {path.parent} does not exist", 2)
    path.write_text(scaffold(upper, name), encoding="utf-8")
    try:
        load_profile(path)  # the scaffold itself must load; a person then fills it in
    except ProfileError as exc:
        path.unlink()
        raise fail(f"the scaffold for {upper} does not load: {exc}", 1) from exc
    if (PROFILE_DIR / f"{upper.lower()}.yaml").is_file():
        typer.echo(f"note: elshi ships a {upper.lower()} profile already (ELSHI_PROFILE={upper.lower()})")
    # plain echo, not rich: the checklist keeps its own line breaks whatever the terminal's width
    typer.echo(CHECKLIST.format(path=path.resolve(), code=upper, lower=upper.lower(), shipped=PROFILE_DIR))
    typer.echo(f"profile {upper} ({name}) scaffolded → {path}")
