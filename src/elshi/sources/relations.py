"""Who does the country cooperate or clash with: GDELT events folded into a relations table.

The maths moved to ``elshi.analysis.relations`` (pure, with the rest of the index maths); this
module keeps the names that callers and tests import: ``relations(events, focus)`` and ``Relation``.
"""

from __future__ import annotations

from elshi.analysis.relations import Relation
from elshi.analysis.relations import fold_relations as relations

__all__ = ["Relation", "relations"]
