"""Fixtures for form tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def plan_bytes():
    """``plan_bytes(project)``: the plan file's exact bytes."""
    return lambda project: project.plan_path.read_bytes()
