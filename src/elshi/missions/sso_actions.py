"""Who a single sign-on lets in, and with which roles (the writes of ``sso_backend``).

``check_sso_login`` decides from the provider's claims alone, before anything is written;
``do_sso_login`` links or creates the person and applies ``ELSHI_OIDC_GROUP_MAP``, auditing every change.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from elshi.audit.log import record
from elshi.missions.actions import do_set_role
from elshi.missions.models import Membership, Mission, Role
from elshi.missions.sso_config import GroupGrant

log = logging.getLogger(__name__)

ACTOR_LABEL = "sso"  # the audit trail's actor for what the identity provider's answer changed
# Most privileged first, as the README's role table: two groups for one mission give the stronger role.
ROLE_RANK = {role: rank for rank, role in enumerate(Role.values)}
MFA_METHODS = {"mfa", "otp"}  # RFC 8176 values that say a second factor was used


class SsoRefused(Exception):
    """The provider's answer does not let this person in; the message is for them."""


def claimed_groups(claims: dict[str, Any]) -> list[str]:
    raw = claims.get(settings.ELSHI_OIDC_GROUPS_CLAIM, [])
    if isinstance(raw, str):
        return [raw]
    return [str(g) for g in raw] if isinstance(raw, list) else []


def mapped_grants(groups: Iterable[str]) -> list[GroupGrant]:
    group_map: dict[str, tuple[GroupGrant, ...]] = settings.ELSHI_OIDC_GROUP_MAP
    return [grant for group in groups for grant in group_map.get(group, ())]


def provider_factor(claims: dict[str, Any]) -> bool:
    """Does this login count as a second factor? Only where the administrator trusts the provider's
    ``amr`` claim (the provider's own MFA policy is then elshi's)."""
    amr = claims.get("amr", [])
    methods = {str(m).lower() for m in (amr if isinstance(amr, list) else [amr])}
    return bool(settings.ELSHI_OIDC_TRUST_MFA) and bool(methods & MFA_METHODS)


def check_sso_login(claims: dict[str, Any]) -> Any:
    """The existing person these claims sign in as, or ``None`` when one may be created.

    Raises :class:`SsoRefused` with a message for the person."""
    email = str(claims.get("email") or "").strip()
    # Linking by address is safe only when the provider vouches for it: anyone can type an address
    # into a self-service profile, and it would then open someone else's account.
    if not email or claims.get("email_verified") is not True:
        raise SsoRefused(
            _(
                "Your identity provider did not confirm a verified e-mail address, so elshi cannot tell "
                "which account is yours. Ask your administrator to verify your address there."
            )
        )
    people = list(get_user_model().objects.filter(email__iexact=email)[:2])
    if len(people) > 1:
        raise SsoRefused(
            _("Several elshi accounts use %(email)s; an administrator must give each its own address.")
            % {"email": email}
        )
    if people:
        if not people[0].is_active:
            raise SsoRefused(_("Your elshi account is deactivated. Ask an administrator to reactivate it."))
        return people[0]
    if not mapped_grants(claimed_groups(claims)) and not settings.ELSHI_OIDC_CREATE_USERS:
        raise SsoRefused(
            _(
                "There is no elshi account for %(email)s and none of your groups gives access to elshi. "
                "Ask an administrator for access."
            )
            % {"email": email}
        )
    return None


def _free_username(claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or str(claims["email"]).split("@")[0])
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "person"
    User = get_user_model()
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def do_sso_login(claims: dict[str, Any], user: Any, *, issuer: str) -> Any:
    """Link (or create) the person and bring their mapped roles in line with their groups."""
    with transaction.atomic():
        if user is None:
            User = get_user_model()
            user = User(username=_free_username(claims), email=str(claims["email"]).strip())
            # Signs in through the provider only: no password exists that could be guessed or leaked.
            user.set_unusable_password()
            user.save()
            record(
                None,
                "user.create",
                user,
                changes={"email": user.email, "via": issuer},
                actor_label=ACTOR_LABEL,
            )
        apply_group_map(user, claimed_groups(claims))
        record(
            None,
            "user.sso_login",
            user,
            changes={"issuer": issuer, "subject": str(claims.get("sub", "")), "mfa": provider_factor(claims)},
            actor_label=ACTOR_LABEL,
        )
    return user


def apply_group_map(user: Any, groups: Iterable[str]) -> None:
    """Give the roles the person's groups map to; take back, at the missions the map names, the roles
    the map could have given there once the person has left the group. Roles the map cannot give
    (an administrator appointed by hand) stay as they are."""
    group_map: dict[str, tuple[GroupGrant, ...]] = settings.ELSHI_OIDC_GROUP_MAP
    mappable: dict[str, set[str]] = {}
    for grants in group_map.values():
        for grant in grants:
            mappable.setdefault(grant.mission_slug, set()).add(grant.role)
    wanted: dict[str, str] = {}
    for grant in mapped_grants(groups):
        current = wanted.get(grant.mission_slug)
        if current is None or ROLE_RANK[grant.role] < ROLE_RANK[current]:
            wanted[grant.mission_slug] = grant.role
    missions = {m.slug: m for m in Mission.objects.filter(slug__in=mappable)}
    held = {m.mission.slug: m.role for m in Membership.objects.filter(user=user).select_related("mission")}
    for slug, roles in mappable.items():
        mission = missions.get(slug)
        if mission is None:
            log.warning("ELSHI_OIDC_GROUP_MAP names mission %r, which does not exist", slug)
            continue
        role, now = wanted.get(slug), held.get(slug)
        if role is not None and now != role and (now is None or now in roles):
            do_set_role(user, mission, role, acting_user=None, actor_label=ACTOR_LABEL)
        elif role is None and now in roles:
            do_set_role(user, mission, None, acting_user=None, actor_label=ACTOR_LABEL)
