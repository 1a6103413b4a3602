"""The permission matrix (issue 17): every page and API operation × every kind of person.

The README's role table is the specification: a test asserts that ``permissions.ROLE_PERMS`` says
the same, the cells then judge each route's classification (``permission_matrix``) against it. One
world of fixtures is built per module (inside a transaction rolled back at the end), and each cell
runs in its own savepoint, so a write made by one cell never leaks into the next.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from elshi.audit.models import AuditEvent
from elshi.missions.models import Role
from elshi.missions.permissions import ROLE_PERMS, Perm
from elshi.web.api import api
from tests.foundation.matrix_world import OUTSIDER_ROLE, SECRETS, World, build_world
from tests.foundation.permission_matrix import (
    AUTHENTICATED,
    MINISTRY,
    NOBODY,
    PAGES,
    PUBLIC,
    Route,
)
from tests.foundation.permission_matrix_api import OPERATIONS

README = Path(__file__).resolve().parents[2] / "README.md"
PRINCIPALS = ["anonymous", "outsider", *Role.values]
# Cells that the matrix found wrong and that need more than a one-line fix: (route, principal) -> why.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@functools.cache
def readme_roles() -> dict[str, frozenset[Perm]]:
    """The role table under "Roles are held per mission", as role -> permissions."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("Roles are held per mission") :].split("\n\n")[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()]
    header = [re.sub(r"\s*\(.*\)", "", c) for c in rows[0][1:]]
    return {
        row[0]: frozenset(Perm(h) for h, cell in zip(header, row[1:], strict=True) if cell == "✓")
        for row in rows[2:]
    }


def test_permissions_module_matches_the_readme_role_table() -> None:
    assert readme_roles() == {str(role): perms for role, perms in ROLE_PERMS.items()}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}"


@functools.cache
def _schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def _operations() -> dict[str, tuple[str, str]]:
    """operation id -> (method, path template) for every operation of the API."""
    return {
        op["operationId"]: (method.upper(), path)
        for path, ops in _schema()["paths"].items()
        for method, op in ops.items()
    }


def test_every_url_pattern_is_classified() -> None:
    names = set(_walk(get_resolver().url_patterns))
    # The API's routes are classified by operation id, which ends with the handler's (URL) name.
    missing = sorted(
        n
        for n in names
        if n not in PAGES and not (n.startswith("api:") and any(o.endswith(f"_{n[4:]}") for o in OPERATIONS))
    )
    assert not missing, (
        f"URL names without a permission class: {missing}. Classify each in PAGES in "
        "tests/foundation/permission_matrix.py (public, authenticated, ministry, nobody or a Perm)."
    )
    assert not sorted(set(PAGES) - names), "PAGES classifies URL names that no longer exist"


def test_every_api_operation_is_classified() -> None:
    ops = set(_operations())
    assert not sorted(ops - set(OPERATIONS)), (
        f"API operations without a permission class: {sorted(ops - set(OPERATIONS))}. Classify each in "
        "OPERATIONS in tests/foundation/permission_matrix_api.py."
    )
    assert not sorted(set(OPERATIONS) - ops), "OPERATIONS classifies operations that no longer exist"


def expected(route: Route, principal: str) -> str:
    """allowed, refused, or hidden (the outsider: 403 or 404, never the object)."""
    roles = readme_roles()
    if route.need == PUBLIC:
        return "allowed"
    if principal == "anonymous":
        return "refused"
    if route.need == AUTHENTICATED:
        return "allowed"
    if route.need == MINISTRY:
        return "refused"
    if route.need == NOBODY:
        return "hidden"
    perm = Perm(route.need)
    if principal == "outsider":
        if route.scope == "mission":
            return "hidden"
        return "allowed" if perm in roles[OUTSIDER_ROLE] else "refused"
    if route.step_roles and principal not in route.step_roles:
        return "refused"
    return "allowed" if perm in roles[principal] else "refused"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _client(world: World, principal: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    if principal != "anonymous":
        user = world.principals[principal]
        client.force_login(user)
        # Logged in with a confirmed TOTP device, as django_otp.login would: the matrix tests
        # permissions with the 2FA policy on, not 2FA itself.
        session = client.session
        session["otp_device_id"] = world.devices[principal].persistent_id
        session.save()
    return client


def _request(client: Client, route: Route, url: str, world: World, api: bool) -> Any:
    if route.method == "GET":
        return client.get(url + (f"?{route.query}" if route.query else ""))
    # The CSRF cookie a browser holds from any earlier form, and the same token sent back.
    token = secrets.token_hex(16)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    data = dict(route.data(world))
    send = getattr(client, route.method.lower())
    if api:
        return send(url, data, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    if route.method == "POST":
        return send(url, {**data, "csrfmiddlewaretoken": token})
    return send(url, data, HTTP_X_CSRFTOKEN=token)


def _cells() -> Iterator[Any]:
    for kind, table in (("page", PAGES), ("api", OPERATIONS)):
        for name in sorted(table):
            for principal in PRINCIPALS:
                marks = []
                if (name, principal) in KNOWN_GAPS:
                    marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[name, principal], strict=True))
                yield pytest.param(kind, name, principal, id=f"{name}-{principal}", marks=marks)


def _url(kind: str, name: str, route: Route, world: World) -> str:
    if kind == "page":
        return reverse(name, kwargs=route.args(world) or None)
    _method, template = _operations()[name]
    return template.format(**route.args(world))


def _verdict(response: Any, outcome: str, route: Route, kind: str, written: int) -> str | None:
    """None when the response is what the outcome needs, else what is wrong."""
    status = response.status_code
    to_login = status == 302 and response["Location"].startswith(reverse("login"))
    if route.refuses_on_page and not to_login:
        if outcome == "allowed":
            return None if status in route.ok and written else f"expected a write, got {status} and none"
        if outcome == "refused" and status in (302, 403):
            return None  # told on the page (no write is checked by the caller)
    if outcome == "allowed":
        # A public route may send anyone to the login page (logging out does); others may not.
        if status in route.ok and (not to_login or route.need == PUBLIC):
            return None
        return f"expected one of {sorted(route.ok)}, got {status} {response.get('Location', '')}"
    if outcome == "hidden":
        return None if status in (403, 404) else f"expected 403 or 404, got {status}"
    if kind == "api" and status in (401, 403):
        return None
    return None if status == 403 or to_login else f"expected 403 (or the login page), got {status}"


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name", "principal"), list(_cells()))
def test_cell(world: World, kind: str, name: str, principal: str) -> None:
    route = (PAGES if kind == "page" else OPERATIONS)[name]
    outcome = expected(route, principal)
    with transaction.atomic(), override_settings(**route.settings):
        url = _url(kind, name, route, world)
        before = AuditEvent.objects.count()
        response = _request(_client(world, principal), route, url, world, kind == "api")
        written = AuditEvent.objects.count() - before
        body = b"" if getattr(response, "streaming", False) else response.content
        transaction.set_rollback(True)
    problem = _verdict(response, outcome, route, kind, written)
    assert problem is None, f"{route.method} {url} as {principal} ({outcome}): {problem}"
    if outcome != "allowed":
        assert written == 0, f"{route.method} {url} as {principal} was refused but wrote {written} audit rows"
    if principal == "outsider" and route.need != PUBLIC:
        leaked = [secret for secret in SECRETS if secret.encode() in body]
        assert not leaked, f"{url} shows the outsider the mission's {leaked}"


def test_expected_outcomes_follow_the_role_table() -> None:
    approve = Route(Perm.APPROVE)
    assert [expected(approve, p) for p in PRINCIPALS] == [
        "refused",
        "hidden",
        "allowed",
        "refused",
        "allowed",
        "refused",
        "refused",
        "refused",
    ]
    listen_anywhere = Route(Perm.LISTEN, "anywhere")
    assert expected(listen_anywhere, "outsider") == "allowed"  # a mission editor listens at their mission
    assert expected(listen_anywhere, "viewer") == "refused"
    assert expected(Route(Perm.APPROVE, step_roles=frozenset({"approver"})), "admin") == "refused"
    assert expected(Route(MINISTRY), "admin") == "refused"  # an embassy admin is not ministry-wide


@pytest.mark.django_db
def test_matrix_logins_pass_the_two_factor_policy(world: World) -> None:
    """The cells log in with a verified device; without it, the same person is sent to 2FA."""
    bare = Client()
    bare.force_login(world.principals[Role.APPROVER])
    assert bare.get(reverse("home"))["Location"] == reverse("two_factor")
    assert _client(world, Role.APPROVER).get(reverse("home")).status_code == 200
