from __future__ import annotations

from datetime import UTC, datetime

import pytest

from elshi.connectors import Account, Delivery, InvalidMessage, Message, create
from elshi.connectors.sandbox import SandboxPublisher

from .conftest import offline_client

WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_records_once_per_delivery_and_sends_nothing() -> None:
    made = create("sandbox", offline_client(), Account(settings={"name": "kz-berlin-demo", "rules": "x"}))
    first = made.publish(Delivery("d-1", Message("Rehearsal"), WHEN))
    again = made.publish(Delivery("d-1", Message("Rehearsal"), WHEN))
    assert first.url == "sandbox://kz-berlin-demo/d-1" and not first.already_existed
    assert again.already_existed and again.remote_id == first.remote_id
    assert SandboxPublisher.outbox[("kz-berlin-demo", "d-1")].message.text == "Rehearsal"
    with pytest.raises(InvalidMessage, match="x: text is 282"):
        made.publish(Delivery("d-2", Message("哈" * 141), WHEN))
