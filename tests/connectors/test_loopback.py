"""Connectors over real HTTP against the loopback platform on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from elshi.connectors import Account, Delivery, Message, OutcomeUnknown, Token, create
from elshi.connectors.bench import LoopbackPlatform
from elshi.connectors.webhook import verify

WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_mastodon_resend_after_lost_answer_creates_nothing_new() -> None:
    with LoopbackPlatform(latency_s=0.3) as platform:
        account = Account(settings={"base_url": platform.url}, token=Token("channel-17"))
        delivery = Delivery("delivery-501", Message("Once, however often it is sent"), WHEN)
        # The worker gives up before the answer comes: the post went out, we cannot know.
        with httpx.Client(timeout=httpx.Timeout(5.0, read=0.1)) as impatient:
            publisher = create("mastodon", impatient, account)
            publisher.rules()  # instance limits answer at once (no latency on reads)
            with pytest.raises(OutcomeUnknown):
                publisher.publish(delivery)
        assert platform.received_keys() == {"delivery-501": 1}
        # Mastodon's Idempotency-Key makes sending it again safe: the same status comes back.
        with httpx.Client(timeout=5.0) as client:
            again = create("mastodon", client, account).publish(delivery)
        assert platform.received_keys() == {"delivery-501": 1} and platform.requests == 2
        assert again.remote_id == platform.received[0].status_id
        with httpx.Client(timeout=5.0) as client:
            other = Account(settings={"base_url": platform.url}, token=Token("channel-18"))
            create("mastodon", client, other).publish(delivery)  # another channel, same key: its own post
        assert len(platform.received) == 2


def test_webhook_signature_verifies_on_the_receiving_side() -> None:
    captured: list[httpx.Request] = []
    with (
        LoopbackPlatform() as platform,
        httpx.Client(timeout=5.0, event_hooks={"request": [captured.append]}) as client,
    ):
        account = Account(settings={"url": f"{platform.url}/hooks/cms"}, secrets={"secret": "s3"})
        result = create("webhook", client, account).publish(Delivery("d-9", Message("Hello CMS"), WHEN))
        assert result.remote_id == platform.received[0].status_id
        assert platform.received[0].key == "d-9" and platform.received[0].text == "Hello CMS"
    sent = captured[0]
    assert verify("s3", sent.headers["X-Elshi-Timestamp"], sent.content, sent.headers["X-Elshi-Signature"])


CHILD = """
import sys
from datetime import UTC, datetime
import httpx
from elshi.connectors import Account, Delivery, Message, Token, create
account = Account(settings={"base_url": sys.argv[1]}, token=Token("channel-17"))
TEXT = "Sent by a worker about to die"
with httpx.Client(timeout=30) as client:
    delivery = Delivery("delivery-777", Message(TEXT), datetime(2026, 1, 1, tzinfo=UTC))
    create("mastodon", client, account).publish(delivery)
print("confirmed")  # never reached: the worker is killed while the platform is still answering
"""


def test_worker_killed_after_sending_then_resend_is_absorbed_by_idempotency() -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    with LoopbackPlatform(latency_s=5.0) as platform:
        worker = subprocess.Popen(
            [sys.executable, "-c", CHILD, platform.url], stdout=subprocess.PIPE, text=True
        )
        try:
            deadline = time.monotonic() + 20
            while platform.requests == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert platform.requests == 1, "the worker never reached the platform"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            out, _ = worker.communicate(timeout=10)
        assert worker.returncode == -signal.SIGKILL and "confirmed" not in out
        platform.latency_s = 0.0
        account = Account(settings={"base_url": platform.url}, token=Token("channel-17"))
        with httpx.Client(timeout=5.0) as client:
            again = create("mastodon", client, account).publish(
                Delivery("delivery-777", Message("Sent by a worker about to die"), WHEN)
            )
        assert platform.received_keys() == {"delivery-777": 1} and platform.requests == 2
        assert again.remote_id == platform.received[0].status_id
