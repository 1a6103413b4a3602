"""Anchors: the chain's head written down outside the database, once a day.

The HMAC key stops someone who can only write the database; it does not stop someone who also holds
the key from re-hashing a changed chain from the change onwards. An anchor does: each line of
``ELSHI_HOME/audit/anchors.jsonl`` (opened for appending only, mode 0600) records how many events the
chain held, the newest one's id and hash, when, and the keyed switch point. ``verify_chain`` checks
that the event at each anchored position still has the anchored hash, so a rewrite older than the
newest anchor is caught even with the key. A copy of each anchor goes to the log and, when
``ELSHI_AUDIT_ANCHOR_EMAIL`` is set, by e-mail to people who keep it off this machine.

One line, JSON: ``{"seq": 1234, "event_id": 1240, "hash": "…", "at": "2026-12-03T03:27:00+00:00",
"legacy_count": 0}``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.models import AuditEvent, AuditHead

__all__ = ["Anchor", "AnchorFileError", "anchor_file", "append_anchor", "read_anchors", "write_anchor"]

log = logging.getLogger(__name__)


class AnchorFileError(ValueError):
    """A line of the anchors file cannot be read: the file itself was damaged or edited."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    event_id: int | None
    hash: str
    at: dt.datetime
    legacy_count: int

    def line(self) -> str:
        data = asdict(self) | {"at": self.at.isoformat()}
        return json.dumps(data, sort_keys=True, separators=(",", ":"))


def anchor_file() -> Path:
    return Path(settings.ELSHI_HOME) / "audit" / "anchors.jsonl"


def append_anchor(anchor: Anchor, path: Path | None = None) -> Anchor:
    """Append one line and flush it to disk; never rewrites what is there."""
    target = path or anchor_file()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(anchor.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


def read_anchors(path: Path | None = None) -> list[Anchor]:
    source = path or anchor_file()
    if not source.exists():
        return []
    anchors = []
    for number, text in enumerate(source.read_text("utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            at = dt.datetime.fromisoformat(data["at"])
            anchors.append(
                Anchor(
                    seq=int(data["seq"]),
                    event_id=None if data.get("event_id") is None else int(data["event_id"]),
                    hash=str(data["hash"]),
                    at=at,
                    legacy_count=int(data["legacy_count"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorFileError(
                _("line %(line)s of %(path)s is not an anchor: %(error)s")
                % {"line": number, "path": source, "error": exc}
            ) from exc
    return anchors


def write_anchor() -> Anchor | None:
    """Anchor the head as it is now (None while the chain is empty): file, log, and e-mail if set."""
    with transaction.atomic():
        # Locked as an append does, so the head and the id of its event belong together.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.count == 0:
            return None
        event_id = AuditEvent.objects.filter(hash=head.last_hash).values_list("pk", flat=True).first()
        anchor = Anchor(
            seq=head.count,
            event_id=event_id,
            hash=head.last_hash,
            at=timezone.now().astimezone(dt.UTC),
            legacy_count=head.legacy_count,
        )
    append_anchor(anchor)
    log.info("audit anchor %s", anchor.line())
    recipients = list(getattr(settings, "ELSHI_AUDIT_ANCHOR_EMAIL", []))
    if recipients:
        try:
            send_mail(
                _("elshi audit anchor: %(seq)s events") % {"seq": anchor.seq},
                _(
                    "Keep this line somewhere elshi's server cannot reach. `elshi audit verify` "
                    "compares the chain with it.\n\n%(line)s\n"
                )
                % {"line": anchor.line()},
                None,
                recipients,
            )
        except Exception:
            # The anchor is in the file and the log already; a mail server down must not lose it.
            log.exception("could not e-mail the audit anchor to %s", ", ".join(recipients))
    return anchor
