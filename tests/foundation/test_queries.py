"""The query-count helper fails loudly, listing the SQL, when a count is off."""

from __future__ import annotations

import pytest

from elshi.missions.models import Mission
from tests.queries import query_count


@pytest.mark.django_db
def test_exact_count_passes_and_a_wrong_one_lists_the_queries() -> None:
    with query_count(1) as captured:
        list(Mission.objects.all())
    assert len(captured) == 1 and "missions_mission" in captured.sql[0]
    with pytest.raises(AssertionError, match=r"2 queries, expected 1:\n1\. SELECT"):
        with query_count(1):
            list(Mission.objects.all())
            Mission.objects.count()


@pytest.mark.django_db
def test_at_most_allows_fewer_never_more() -> None:
    with query_count(3, at_most=True):
        Mission.objects.count()
    with pytest.raises(AssertionError, match="expected at most 0"):
        with query_count(0, at_most=True):
            Mission.objects.count()
