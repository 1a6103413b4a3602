from typing import Any

import pytest

from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.accounts import set_credentials
from tests.tell.conftest import tell, two_step, write_post  # noqa: F401  (shared fixtures)


@pytest.fixture
def webhook(missions: dict[str, Any]) -> Channel:
    channel = Channel(
        mission=missions["berlin"],
        platform="webhook",
        handle="ministry-feed",
        settings={"url": "https://hooks.example/elshi"},
    )
    set_credentials(channel, secrets={"secret": "s3cr3t-hmac-key"})
    return mission_actions.do_save_channel(channel, acting_user=None)
