"""Fixtures for the analysis core: the shared labelled data (skipped when absent) and the KZ profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from elshi.analysis.profile import CountryProfile, load_profile

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
EVAL = DATA / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def eval_data() -> Path:
    if not (EVAL / "newsmtsc" / "devtest_mt.jsonl").exists():
        pytest.skip(f"labelled data absent: {EVAL} (a fresh clone has no ../shared/data)")
    return EVAL


@pytest.fixture(scope="session")
def profile() -> CountryProfile:
    return load_profile("kz")


@pytest.fixture(scope="session")
def full_profile() -> CountryProfile:
    return load_profile("kz", include_optional=True)
