"""One way to count database queries in tests (zulip's ``assert_database_query_count`` is the model).

``query_count(expected)`` fails with every SQL statement listed when the count differs (or exceeds it,
with ``at_most=True``); ``queries_of(client, url)`` counts the queries of one page or API call, for
"does not query per row" checks that compare two sizes of the same data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

__all__ = ["Captured", "capture_queries", "queries_of", "query_count"]


class Captured:
    """What ran inside a ``capture_queries`` block: its SQL, in order."""

    def __init__(self, context: CaptureQueriesContext) -> None:
        self._context = context

    @property
    def sql(self) -> list[str]:
        return [q["sql"] for q in self._context.captured_queries]

    def __len__(self) -> int:
        return len(self._context.captured_queries)

    def listing(self) -> str:
        return "\n".join(f"{n}. {sql}" for n, sql in enumerate(self.sql, 1))


@contextmanager
def capture_queries() -> Iterator[Captured]:
    with CaptureQueriesContext(connection) as context:
        yield Captured(context)


@contextmanager
def query_count(expected: int, *, at_most: bool = False) -> Iterator[Captured]:
    with capture_queries() as captured:
        yield captured
    ok = len(captured) <= expected if at_most else len(captured) == expected
    if not ok:
        bound = "at most " if at_most else ""
        raise AssertionError(f"{len(captured)} queries, expected {bound}{expected}:\n{captured.listing()}")


def queries_of(client: Any, url: str, status: int = 200) -> int:
    """How many queries one GET of ``url`` makes (its status checked)."""
    with capture_queries() as captured:
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
    return len(captured)
