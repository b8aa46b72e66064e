"""Tests of phasebook.cli."""
