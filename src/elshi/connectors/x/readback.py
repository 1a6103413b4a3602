"""Reading the account's own recent posts back, to settle whether a write that got no clear answer
created the post.

X has no idempotency key: a 5xx or a lost answer after ``POST /2/tweets`` may have created the post,
and re-sending it then earns a 403 "duplicate content" while the first copy is live. The account's
timeline (``GET /2/users/:id/tweets`` from just before the attempt) tells which it was::

    found          -> the post exists: published, with its id
    proven absent  -> the timeline answered and holds no such post: safe to send again
    read failed    -> we still do not know: a person checks (``OutcomeUnknown``)

A post may reach the timeline a moment after it was created, so an absent post may yet appear; the
re-send that follows then meets X's duplicate check, which reads back again and finds it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime

from .._http import JsonApi, JSONObject, as_object

__all__ = ["PAGES", "ReadBackFailed", "find_post", "same_text", "user_id"]

API = "https://api.x.com/2"
# Beyond this many pages of 100 posts the account is too busy to prove an absence.
PAGES = 5
_URL = re.compile(r"https?://\S+")


class ReadBackFailed(Exception):
    """The answer did not say enough (no account id, a timeline too long to read to its start)."""


def user_id(api: JsonApi, settings: dict[str, str]) -> str:
    """The account's numeric id: from the channel's settings, else ``GET /2/users/me``."""
    known = settings.get("user_id")
    if known:
        return known
    found = as_object(api.call("GET", f"{API}/users/me").get("data")).get("id")
    if not isinstance(found, str) or not found:
        raise ReadBackFailed("x: users/me answered without an id")
    return found


def _shown(post: JSONObject) -> str:
    """The post's text as written: X escapes ``& < >``, shortens every link to t.co and appends a
    t.co link for attached media; the ``entities`` say what each t.co link stands for."""
    text = html.unescape(str(post.get("text", "")))
    urls = as_object(post.get("entities")).get("urls")
    for entry in urls if isinstance(urls, list) else []:
        link = as_object(entry)
        short = link.get("url")
        if isinstance(short, str) and short:
            expanded = "" if link.get("media_key") else str(link.get("expanded_url") or short)
            text = text.replace(short, expanded)
    return text


def _canonical(text: str) -> str:
    # Links are masked on both sides: X may rewrite an expanded URL (a trailing slash, a scheme), and
    # the words around it are what identifies the post.
    return _URL.sub("<link>", unicodedata.normalize("NFC", text)).strip()


def same_text(post: JSONObject, text: str) -> bool:
    return _canonical(_shown(post)) == _canonical(text)


def _posts(api: JsonApi, account: str, since: datetime) -> Iterator[JSONObject]:
    params: dict[str, str] = {
        "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "max_results": "100",
        "tweet.fields": "created_at,entities",
    }
    for _ in range(PAGES):
        body = api.call("GET", f"{API}/users/{account}/tweets", params=params)
        data = body.get("data")
        yield from (as_object(item) for item in (data if isinstance(data, list) else []))
        token = as_object(body.get("meta")).get("next_token")
        if not isinstance(token, str) or not token:
            return
        params["pagination_token"] = token
    raise ReadBackFailed(f"x: more than {PAGES * 100} posts since {since:%H:%M:%S} UTC")


def find_post(api: JsonApi, account: str, text: str, since: datetime) -> str | None:
    """The id of the account's earliest post since ``since`` whose text is ``text``, or None when the
    timeline holds none. Raises a connector error (or :class:`ReadBackFailed`) when it cannot tell."""
    found = [post for post in _posts(api, account, since) if same_text(post, text)]
    ids = [str(post["id"]) for post in found if isinstance(post.get("id"), str)]
    # Post ids are snowflakes: the smallest is the earliest, the one the first attempt created.
    return min(ids, key=int) if ids else None
