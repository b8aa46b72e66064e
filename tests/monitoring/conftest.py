"""Monitoring tests use the demo project (its current month brings a new device type)."""

from tests.demo_fixture import demo_build, demo_copy, demo_project  # noqa: F401
