"""Issue 17 (claims): editing what a claim asserts unverifies it; verifying needs a second person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from elshi.audit.models import AuditEvent
from elshi.content import actions
from elshi.content.models import Claim, ClaimStatus


def _claim(who: Any) -> Claim:
    claim = Claim(
        subject="World uranium production share",
        statements={"en": "Kazakhstan produces 43% of the world's uranium."},
        value=Decimal(43),
        unit="percent",
        period=2023,
        source_title="World Nuclear Association",
        source_url="https://world-nuclear.org/information-library/facts-and-figures",
        source_date=dt.date(2024, 5, 1),
    )
    return actions.do_save(claim, acting_user=who)  # type: ignore[no-any-return]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", Decimal(48)),
        ("unit", "count"),
        ("period", 2024),
        ("source_url", "https://example.org/other-source"),
        ("source_title", "Another source"),
        ("source_date", dt.date(2024, 6, 1)),
        ("statements", {"en": "Kazakhstan produces half of the world's uranium."}),
    ],
)
def test_editing_what_a_claim_asserts_unverifies_it_with_what_changed(
    people: dict[str, Any], tell: dict[str, Any], field: str, value: Any
) -> None:
    claim = _claim(tell["hq_editor"])
    actions.check_verify_claim(people["admin"], claim)
    actions.do_verify_claim(claim, acting_user=people["admin"])
    assert claim.status == ClaimStatus.VERIFIED
    setattr(claim, field, value)
    actions.do_save(claim, acting_user=tell["hq_editor"])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_REVIEW and claim.verified_by is None
    audit = AuditEvent.objects.get(action="claim.unverify", object_id=str(claim.pk))
    assert field in audit.changes and audit.changes["verified_by"] == "admin"


def test_editing_only_narratives_or_validity_keeps_verification(
    people: dict[str, Any], tell: dict[str, Any]
) -> None:
    claim = _claim(tell["hq_editor"])
    actions.do_verify_claim(claim, acting_user=people["admin"])
    claim.valid_until = dt.date(2030, 1, 1)
    claim.value = Decimal("43.0000")  # the same figure, as the form sends it
    actions.do_save(claim, acting_user=tell["hq_editor"])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED
    assert not AuditEvent.objects.filter(action="claim.unverify").exists()


def test_the_curator_who_entered_the_values_cannot_verify_them(
    people: dict[str, Any], tell: dict[str, Any]
) -> None:
    claim = _claim(tell["hq_editor"])
    with pytest.raises(PermissionDenied, match="Four eyes"):
        actions.check_verify_claim(tell["hq_editor"], claim)
    actions.check_verify_claim(people["admin"], claim)
    # The admin now changes the figure: the admin becomes who entered it, and the editor may verify.
    claim.value = Decimal(44)
    actions.do_save(claim, acting_user=people["admin"])
    with pytest.raises(PermissionDenied, match="Four eyes"):
        actions.check_verify_claim(people["admin"], claim)
    actions.check_verify_claim(tell["hq_editor"], claim)


def test_verify_and_edit_pages_enforce_it(people: dict[str, Any], tell: dict[str, Any]) -> None:
    editor = _client(tell["hq_editor"])
    claim = _claim(tell["hq_editor"])
    refused = editor.post(f"/tell/claims/{claim.pk}/verify/", follow=True)
    assert "Four eyes" in refused.content.decode()
    claim.refresh_from_db()
    assert claim.verified_at is None
    assert _client(people["author"]).post(f"/tell/claims/{claim.pk}/verify/").status_code == 403
    _client(people["admin"]).post(f"/tell/claims/{claim.pk}/verify/")
    claim.refresh_from_db()
    assert claim.verified_by == people["admin"]

    form = {
        "subject": claim.subject,
        "statements": '{"en": "Kazakhstan produces 40% of the world\'s uranium."}',
        "value": "40",
        "unit": "percent",
        "period": "2023",
        "source_title": claim.source_title,
        "source_url": claim.source_url,
        "source_date": "2024-05-01",
        "valid_until": "",
    }
    page = editor.post(f"/tell/claims/{claim.pk}/edit/", form, follow=True).content.decode()
    assert "must verify it again" in page
    claim.refresh_from_db()
    assert claim.verified_at is None and claim.value == Decimal(40)
