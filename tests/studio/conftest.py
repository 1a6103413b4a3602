"""Studio fixtures: media in a temporary folder, a verified claim, a logged-in client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def studio_urls(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def claim(people: dict[str, Any]) -> Any:
    from elshi.content import actions
    from elshi.content.models import Claim

    made = Claim(
        subject="UN E-Government Development Index",
        value=Decimal(24),
        unit="rank",
        period=2024,
        statements={
            "en": "in the UN E-Government Development Index 2024",
            "kk": "БҰҰ электрондық үкімет индексінде",
        },
        source_title="UN E-Government Survey 2024",
        source_url="https://publicadministration.un.org/egovkb/en-us/Reports/UN-E-Government-Survey-2024",
        source_date=dt.date(2024, 9, 17),
    )
    actions.do_save(made, acting_user=None)
    actions.do_verify_claim(made, acting_user=people["admin"])
    return made


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
