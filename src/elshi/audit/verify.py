"""Verifying the audit chain: every link, every hash (plain up to the switch point, keyed after it),
the head, and every anchor written outside the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from elshi.audit.anchors import Anchor, AnchorFileError, read_anchors
from elshi.audit.models import GENESIS, AuditEvent, AuditHead
from elshi.common.crypto import AuditKeyMissing, audit_key

__all__ = ["ChainReport", "verify_chain"]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""
    anchors: int = 0


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)


def _anchor_broken(anchor: Anchor, event: AuditEvent) -> str:
    if anchor.hash == event.hash and anchor.event_id in (None, event.pk):
        return ""
    return _(
        "does not match the anchor of %(at)s (event %(seq)s had hash %(hash)s): the chain was "
        "rewritten after it was anchored"
    ) % {"at": anchor.at.isoformat(), "seq": anchor.seq, "hash": anchor.hash[:16]}


def verify_chain(progress: Any = None, *, anchors: bool = True) -> ChainReport:
    """Walk the chain from the first event; report the first broken link, hash or anchor. A missing
    key or a damaged anchors file is reported too (never an exception), with what to do."""
    head = AuditHead.objects.filter(pk=1).first()
    legacy = head.legacy_count if head is not None else 0
    try:
        found = read_anchors() if anchors else []
    except AnchorFileError as exc:
        return ChainReport(False, 0, None, str(exc))
    key: bytes | None = None
    by_seq: dict[int, list[Anchor]] = {}
    for anchor in found:
        if anchor.legacy_count != legacy:
            return ChainReport(
                False,
                0,
                None,
                _(
                    "the anchor of %(at)s says the first %(anchored)s events are unkeyed, "
                    "the database says %(db)s: the switch point was moved"
                )
                % {"at": anchor.at.isoformat(), "anchored": anchor.legacy_count, "db": legacy},
            )
        by_seq.setdefault(anchor.seq, []).append(anchor)

    expected_prev = GENESIS
    checked = 0
    for event in _events():
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                event.pk,
                _("previous hash does not match: an event before it was changed or deleted"),
            )
        keyed = checked >= legacy
        if keyed and key is None:
            # Read on the first keyed event only: a chain of plain events (or none) needs no key.
            try:
                key = audit_key(create=False)
            except AuditKeyMissing as exc:
                return ChainReport(False, checked, event.pk, str(exc))
        if event.compute_hash(key if keyed else None) != event.hash:
            return ChainReport(
                False, checked, event.pk, _("contents do not match its hash: this event was changed")
            )
        if keyed and event.actor_id is not None and str(event.actor_id) != event.actor_ref:
            return ChainReport(
                False,
                checked,
                event.pk,
                _("its actor is not the one its hash covers: this event was changed"),
            )
        checked += 1
        for anchor in by_seq.get(checked, []):
            if reason := _anchor_broken(anchor, event):
                return ChainReport(False, checked - 1, event.pk, reason)
        expected_prev = event.hash
        if progress is not None:
            progress(1)
    beyond = [a for a in found if a.seq > checked]
    if beyond:
        last = max(beyond, key=lambda a: a.seq)
        return ChainReport(
            False,
            checked,
            None,
            _("the chain holds %(left)s events but %(seq)s were anchored at %(at)s: events were deleted")
            % {"left": checked, "seq": last.seq, "at": last.at.isoformat()},
        )
    if head is not None and (head.last_hash != expected_prev or head.count != checked):
        return ChainReport(
            False,
            checked,
            None,
            _("the chain ends early: %(written)s events were written, %(left)s remain")
            % {"written": head.count, "left": checked},
        )
    return ChainReport(True, checked, anchors=len(found))
