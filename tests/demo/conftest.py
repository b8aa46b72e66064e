"""Fixtures: the session's demo project (see tests/demo_fixture.py)."""

try:
    from tests.demo_fixture import demo_build, demo_copy, demo_project  # noqa: F401
except ModuleNotFoundError:  # plain `pytest` does not put the repository root on sys.path
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.demo_fixture import demo_build, demo_copy, demo_project  # noqa: F401
