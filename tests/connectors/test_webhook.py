from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from elshi.connectors import Account, Delivery, Media, Message, NotSent, Rejected, create
from elshi.connectors.webhook import WebhookPublisher, sign, verify

from .conftest import FakePlatform

URL = "https://hooks.mfa.example/elshi"
SECRET = "whsec-7f3a9c"
NOW = datetime(2026, 11, 28, 9, 0, 5, tzinfo=UTC)
WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def publisher(fake: FakePlatform) -> WebhookPublisher:
    made = create("webhook", fake.client(), Account(settings={"url": URL}, secrets={"secret": SECRET}))
    assert isinstance(made, WebhookPublisher)
    made.now = lambda: NOW
    return made


def test_signed_json_with_delivery_key(fake: FakePlatform) -> None:
    fake.add("POST", URL, json_body={"id": "cms-881", "url": "https://mfa.example/news/881"})
    photo = Media("image/png", data=b"\x89PNG", alt_text="Signing", filename="s.png")
    linked = Media("image/jpeg", url="https://media.mfa.example/a.jpg", alt_text="Hall")
    delivery = Delivery("d-77", Message("Агреемент signed", media=(photo, linked), language="ru"), WHEN)

    result = publisher(fake).publish(delivery)

    assert (result.remote_id, result.url) == ("cms-881", "https://mfa.example/news/881")
    sent = fake.requests[0]
    assert sent.headers["X-Elshi-Delivery"] == "d-77" and sent.headers["Idempotency-Key"] == "d-77"
    assert sent.headers["X-Elshi-Timestamp"] == str(int(NOW.timestamp()))
    assert sent.headers["X-Elshi-Signature"] == sign(SECRET, int(NOW.timestamp()), sent.content)
    assert verify(
        SECRET, sent.headers["X-Elshi-Timestamp"], sent.content, sent.headers["X-Elshi-Signature"], now=NOW
    )
    assert SECRET not in str(sent.headers)
    body = json.loads(sent.content)
    assert body["delivery"] == "d-77" and body["text"] == "Агреемент signed" and body["language"] == "ru"
    assert body["created_at"] == "2026-11-28T09:00:00+00:00"
    assert base64.b64decode(body["media"][0]["data_base64"]) == b"\x89PNG"
    assert body["media"][1] == {
        "mime_type": "image/jpeg",
        "alt_text": "Hall",
        "filename": "media",
        "url": "https://media.mfa.example/a.jpg",
    }


def test_plain_answer_uses_the_delivery_key(fake: FakePlatform) -> None:
    fake.add("POST", URL, status=204)
    fake.add("POST", URL, content=b"OK")
    made = publisher(fake)
    assert made.publish(Delivery("d-1", Message("x"), WHEN)).remote_id == "d-1"
    assert made.publish(Delivery("d-2", Message("x"), WHEN)).remote_id == "d-2"


def test_verify_refuses_tampering_wrong_secret_and_replay() -> None:
    body = b'{"text":"x"}'
    ts = int(NOW.timestamp())
    good = sign(SECRET, ts, body)
    assert verify(SECRET, str(ts), body, good, now=NOW)
    assert not verify(SECRET, str(ts), b'{"text":"y"}', good, now=NOW)
    assert not verify("other", str(ts), body, good, now=NOW)
    assert not verify(SECRET, str(ts), body, good, now=datetime(2026, 11, 28, 10, tzinfo=UTC))
    assert not verify(SECRET, "soon", body, good, now=NOW)


@pytest.mark.parametrize(("status", "error"), [(500, NotSent), (410, Rejected)])
def test_receiver_errors(fake: FakePlatform, status: int, error: type[Exception]) -> None:
    fake.add("POST", URL, status=status, json_body={"error": "receiver said no"})
    with pytest.raises(error, match="receiver said no"):
        publisher(fake).publish(Delivery("d", Message("x"), WHEN))
