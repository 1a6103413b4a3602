"""One file through the pure pipeline: parse (elshi.sources), then analyse (elshi.analysis). No Django.

The same function runs in the importing process and on Dask workers, so a backfill on a cluster
yields exactly the rows the local path yields. Analysers are cached per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elshi.analysis.profile import configured_profile_name
from elshi.documents import Quarantined, RawDocument

__all__ = ["FileResult", "analyse_file"]

_ANALYZERS: dict[tuple[str, str | None], Any] = {}
CHUNK = 500


@dataclass
class FileResult:
    path: str
    docs: list[RawDocument] = field(default_factory=list)
    analyses: list[Any] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


def _analyzer(profile: str, tone: str | None) -> Any:
    key = (profile, tone)
    if key not in _ANALYZERS:
        # Loaded on first use, where analysis runs (a Dask worker too): lingua and the models cost seconds.
        from elshi.analysis import Analyzer, load_profile

        _ANALYZERS[key] = Analyzer(load_profile(profile), tone)
    return _ANALYZERS[key]


def analyse_file(
    kind: str, path: str, countries: tuple[str, ...] = (), profile: str | None = None, tone: str | None = None
) -> FileResult:
    """Parse and analyse one file; malformed items come back quarantined, never raised.

    ``profile`` defaults to the configured one (``ELSHI_PROFILE``); the Django side passes its own
    (``elshi.common.profile``) so that a Dask worker's environment cannot pick another country."""
    profile = profile or configured_profile_name()
    # Loaded on first use, where analysis runs (a Dask worker too): lingua and the models cost seconds.
    from elshi.analysis import AnalysisInput, StoryIndex
    from elshi.sources.countries import CountryFilter
    from elshi.sources.parse import parse_path

    result = FileResult(path=path)
    flt = CountryFilter.of(countries) if countries else None
    for item in parse_path(kind, Path(path), countries=flt, source_id=f"import:{Path(path).name}"):
        if isinstance(item, Quarantined):
            result.quarantined.append(item)
        else:
            result.docs.append(item)
    analyzer, stories = _analyzer(profile, tone), StoryIndex()
    for start in range(0, len(result.docs), CHUNK):
        chunk = result.docs[start : start + CHUNK]
        result.analyses.extend(analyzer.analyze([AnalysisInput(d) for d in chunk], stories))
    return result
