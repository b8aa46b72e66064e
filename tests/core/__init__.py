"""Tests of phasebook.core."""
