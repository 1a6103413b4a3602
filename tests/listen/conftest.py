"""Fixtures shared by the Listen tests."""

from __future__ import annotations

import pytest

from elshi.monitoring.ingest import ProfileAnalyzer


@pytest.fixture
def lexicon() -> ProfileAnalyzer:
    """The kz profile with the lexicon tone tier: real analysis, fast enough for every test."""
    return ProfileAnalyzer("kz", "lexicon")
