"""RawDocument and Quarantined <-> JSON objects (one per line in ``.jsonl`` files)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any, TextIO

from elshi.documents import GdeltTone, Quarantined, RawDocument

__all__ = ["JsonlWriter", "document_from_json", "document_to_json", "quarantined_to_json"]


def document_to_json(doc: RawDocument) -> dict[str, Any]:
    data = dataclasses.asdict(doc)
    data["published_at"] = doc.published_at.isoformat()
    return data


def document_from_json(data: dict[str, Any]) -> RawDocument:
    fields = dict(data)
    fields["published_at"] = datetime.fromisoformat(fields["published_at"])
    tone = fields.get("gdelt_tone")
    fields["gdelt_tone"] = GdeltTone(**tone) if isinstance(tone, dict) else None
    return RawDocument(**fields)


def quarantined_to_json(item: Quarantined) -> dict[str, Any]:
    return dataclasses.asdict(item)


class JsonlWriter:
    """Writes documents to one stream and quarantined items to another, counting both."""

    def __init__(self, documents: TextIO, quarantine: TextIO) -> None:
        self.documents = documents
        self.quarantine = quarantine
        self.parsed = 0
        self.quarantined = 0

    def write(self, item: RawDocument | Quarantined) -> None:
        if isinstance(item, RawDocument):
            self.documents.write(json.dumps(document_to_json(item), ensure_ascii=False) + "\n")
            self.parsed += 1
        else:
            self.quarantine.write(json.dumps(quarantined_to_json(item), ensure_ascii=False) + "\n")
            self.quarantined += 1
