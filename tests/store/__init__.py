"""Tests of phasebook.store."""
