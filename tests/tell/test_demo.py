"""The demo has narratives, real claims, a campaign and posts in every state; it loads idempotently."""

from __future__ import annotations

from typing import Any

import pytest

from elshi.audit.log import verify_chain
from elshi.clearance.actions import SubmissionInvalid, check_submit
from elshi.content.models import Claim, Narrative, Post, PostState


@pytest.mark.django_db(transaction=True)
def test_demo_has_every_state_and_loads_twice(
    settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.auth import get_user_model

    from elshi.web.demo import load_demo

    settings.ELSHI_HOME = tmp_path
    monkeypatch.setenv("ELSHI_DEMO_PASSWORD", "demo-pass-for-tests-7")
    first = load_demo()
    assert first.created["posts"] == 8
    assert load_demo().created == {}
    assert {p.state for p in Post.objects.all()} == set(PostState.values)
    assert Narrative.objects.count() == 10
    egdi = {
        c.period: (int(c.value), c.status)
        for c in Claim.objects.filter(subject="UN E-Government Development Index")
    }
    assert egdi == {
        2024: (24, "verified"),
        2022: (28, "expired"),
        2020: (29, "verified"),
        2018: (39, "verified"),
    }
    assert Claim.objects.get(subject="World uranium production share").status == "needs_review"
    editor = get_user_model().objects.get(username="demo-editor")
    check_submit(editor, Post.objects.get(title="E-government explainer"))  # backed by the 2024 claim
    with pytest.raises(SubmissionInvalid, match="5th"):
        check_submit(editor, Post.objects.get(title="Unbacked figure (draft)"))
    cleared = Post.objects.get(title="eGov week: cleared")
    assert [d.user.username for d in cleared.clearances.get().decisions.all()] == [
        "demo-approver",
        "demo-hq-approver",
    ]
    # The cleared post's deliveries go to sandbox channels: recorded at their time, never sent.
    from elshi.publishing.sending import send

    deliveries = list(cleared.deliveries.select_related("channel"))
    assert len(deliveries) == 2 and all(d.channel.sandbox for d in deliveries)
    assert [send(d.pk, now=d.due_at) for d in deliveries] == ["published", "published"]
    assert verify_chain().ok
