"""After deployment: one-shot monitoring checks a scheduler runs (see :mod:`.check`, :mod:`.due`)."""

from .check import CheckResult, reference_path, run_check, store_reference

__all__ = ["CheckResult", "reference_path", "run_check", "store_reference"]
