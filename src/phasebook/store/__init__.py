"""Persistence: the plan (``phasebook.yaml``) and the journal (``journal.jsonl``)."""

from .journal import JOURNAL_FILE, Journal, VerifyReport
from .plan import PLAN_FILE, SCHEMA_VERSION, PlanDocument, PlanStore, validate_section

__all__ = ["JOURNAL_FILE", "Journal", "VerifyReport", "PLAN_FILE", "SCHEMA_VERSION", "PlanDocument", "PlanStore", "validate_section"]
