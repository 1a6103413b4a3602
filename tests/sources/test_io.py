from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elshi.sources._io import iter_lines, iter_matching_lines

TEXT = b"a KZ b\nnothing\r\nKazakh here\n\nxx\tKZ\tyy\nlast KZ no newline"


def _reference(data: bytes, needles: list[bytes], lower: list[bytes]) -> list[tuple[int, bytes, bool]]:
    return [
        (n, line, long)
        for n, line, long in iter_lines(io.BytesIO(data))
        if any(x in line for x in needles) or any(x in line.lower() for x in lower)
    ]


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64, 4096])
def test_block_search_equals_line_by_line(block: int) -> None:
    got = list(iter_matching_lines(io.BytesIO(TEXT), [b"KZ"], [b"kazakh"], block_size=block))
    assert got == _reference(TEXT, [b"KZ"], [b"kazakh"])
    assert [n for n, _, _ in got] == [1, 3, 5, 6]


def test_over_long_lines_are_cut_and_flagged() -> None:
    data = b"short KZ\n" + b"KZ" + b"x" * 100 + b"\nafter KZ\n"
    got = list(iter_matching_lines(io.BytesIO(data), [b"KZ"], block_size=16, max_line=50))
    assert [(n, long) for n, _, long in got] == [(1, False), (2, True), (3, False)]
    assert len(got[1][1]) == 50


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=64))
def test_block_search_on_random_bytes(data: bytes, block: int) -> None:
    data = data.replace(b"\r", b"")
    got = list(iter_matching_lines(io.BytesIO(data), [b"K"], [b"z"], block_size=block))
    assert got == _reference(data, [b"K"], [b"z"])
