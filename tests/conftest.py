"""Shared fixtures."""

from __future__ import annotations

import pytest

from tests.confidence import CI


@pytest.fixture
def record(record_property):
    """Record a measured CI on the test's report (visible with --junitxml) and in its captured output."""

    def _record(name: str, ci: CI) -> CI:
        record_property(name, str(ci))
        print(f"{name}: {ci}")
        return ci

    return _record
