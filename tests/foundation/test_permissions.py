from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from elshi.missions.permissions import Perm, has_perm, missions_with, require


def test_roles_grant_their_permissions_at_their_mission_only(
    people: dict[str, Any], missions: dict[str, Any]
) -> None:
    berlin, washington = missions["berlin"], missions["washington"]
    assert has_perm(people["author"], Perm.COMPOSE, berlin)
    assert not has_perm(people["author"], Perm.APPROVE, berlin)
    assert has_perm(people["approver"], Perm.APPROVE, berlin)
    assert not has_perm(people["approver"], Perm.APPROVE, washington)
    assert has_perm(people["analyst"], Perm.ANALYSE, berlin)
    assert not has_perm(people["analyst"], Perm.COMPOSE, berlin)
    assert has_perm(people["viewer"], Perm.VIEW, berlin)
    assert not has_perm(people["viewer"], Perm.LISTEN, berlin)
    assert not has_perm(people["outsider"], Perm.VIEW, berlin)
    with pytest.raises(PermissionDenied):
        require(people["outsider"], Perm.VIEW, berlin)


def test_hq_admin_administers_every_mission(people: dict[str, Any], missions: dict[str, Any]) -> None:
    assert has_perm(people["admin"], Perm.MANAGE, missions["washington"])
    assert set(missions_with(people["admin"], Perm.VIEW).values_list("slug", flat=True)) == set(missions)


def test_admin_of_an_embassy_is_not_ministry_wide(people: dict[str, Any], missions: dict[str, Any]) -> None:
    from elshi.missions import actions

    actions.do_set_role(people["outsider"], missions["washington"], "admin", acting_user=None)
    user = type(people["outsider"]).objects.get(pk=people["outsider"].pk)
    assert has_perm(user, Perm.MANAGE, missions["washington"])
    assert not has_perm(user, Perm.VIEW, missions["berlin"])


def test_missions_with_lists_only_own(people: dict[str, Any]) -> None:
    assert list(missions_with(people["author"], Perm.VIEW).values_list("slug", flat=True)) == ["berlin"]
    assert list(missions_with(people["author"], Perm.APPROVE)) == []


def test_inactive_mission_grants_nothing(people: dict[str, Any], missions: dict[str, Any]) -> None:
    from elshi.missions import actions

    berlin = missions["berlin"]
    berlin.is_active = False
    actions.do_save_mission(berlin, acting_user=None)
    user = type(people["author"]).objects.get(pk=people["author"].pk)
    assert not has_perm(user, Perm.VIEW, berlin)


def test_hq_editor_writes_for_every_mission_but_does_not_approve(missions: dict[str, Any]) -> None:
    from elshi.missions import actions

    user, _ = actions.do_create_user("hq-ed", password="correct-horse-battery-42", acting_user=None)
    actions.do_set_role(user, missions["astana-hq"], "hq_editor", acting_user=None)
    assert has_perm(user, Perm.COMPOSE, missions["washington"])
    assert has_perm(user, Perm.CURATE, missions["berlin"])
    assert not has_perm(user, Perm.APPROVE, missions["berlin"])
    assert not has_perm(user, Perm.MANAGE, missions["berlin"])
    assert set(missions_with(user, Perm.COMPOSE).values_list("slug", flat=True)) == set(missions)
    assert list(missions_with(user, Perm.APPROVE)) == []


def test_hq_editor_at_an_embassy_is_local(missions: dict[str, Any]) -> None:
    from elshi.missions import actions

    user, _ = actions.do_create_user("local-ed", password="correct-horse-battery-42", acting_user=None)
    actions.do_set_role(user, missions["berlin"], "hq_editor", acting_user=None)
    assert has_perm(user, Perm.COMPOSE, missions["berlin"])
    assert not has_perm(user, Perm.COMPOSE, missions["washington"])


def test_hq_approver_reads_every_mission_but_approves_only_by_policy(missions: dict[str, Any]) -> None:
    from elshi.missions import actions

    user, _ = actions.do_create_user("hq-appr", password="correct-horse-battery-42", acting_user=None)
    actions.do_set_role(user, missions["astana-hq"], "approver", acting_user=None)
    assert has_perm(user, Perm.VIEW, missions["berlin"])
    assert not has_perm(user, Perm.APPROVE, missions["berlin"])  # a policy step must name HQ approvers
    assert not has_perm(user, Perm.COMPOSE, missions["berlin"])
