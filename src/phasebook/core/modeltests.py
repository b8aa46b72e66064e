"""Which model tests measure today's scope on today's training source and label.

A ``model_test`` records the hash of what it measured in the scope (each
metric's name, target, comparator, parameters and hardness:
:func:`measured_scope`) and the training source's identity and label
(``data_sources.training``). After the metrics or the label change, older
tests measured something else: they are shown as such, do not make step 3.3
done and do not meet a ``passing_model_test`` condition. A change elsewhere
in the scope (the timebox, the out-of-scope list) leaves them current. Tests
journaled before the metrics hash existed compare the whole scope's hash.
"""

from __future__ import annotations

from typing import Any, Iterable

from .events import Event
from .hashing import content_hash
from .sections import training_identity

__all__ = ["measured_under", "current_model_tests", "measured_scope", "measures_hash", "ModelTests", "NeedFullFold"]


#: The fields of a scope metric a model test's outcome depends on.
_MEASURED = ("name", "target", "comparator", "k", "hardness")


def measured_scope(scope: dict[str, Any] | None) -> list[list[Any]]:
    """What of a scope dump a model test measures: per KPI, each metric's name, target, comparator, k, hardness."""
    return [[kpi.get("name"), [[m.get(f) for f in _MEASURED] for m in kpi.get("metrics") or []]]
            for kpi in (scope or {}).get("kpis") or []]


def measures_hash(scope: dict[str, Any] | None) -> str:
    """The hash a ``model_test`` records as ``measures_hash`` (see :func:`measured_scope`)."""
    return content_hash(measured_scope(scope))


def measured_under(data: dict[str, Any], plan: dict[str, Any]) -> str | None:
    """None when a test's data measured the plan's current scope and training source; else what changed since."""
    return _Today(plan).measured_under(data)


class _Today:
    """The plan's scope hashes and training identity, computed once for many tests (each is a hash of the plan)."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.scope = plan.get("scope")
        self._scope_hash: str | None = None
        self._measures_hash: str | None = None
        self._training: Any = _UNSET

    def measured_under(self, data: dict[str, Any]) -> str | None:
        if self.scope is not None and "measures_hash" in data:  # what the test measured: the scope's metrics
            if self._measures_hash is None:
                self._measures_hash = measures_hash(self.scope)
            if data["measures_hash"] != self._measures_hash:
                return "a previous scope"
        elif data.get("scope_hash") and self.scope is not None:  # a test journaled before measures_hash
            if self._scope_hash is None:
                self._scope_hash = content_hash(self.scope)
            if data["scope_hash"] != self._scope_hash:
                return "a previous scope"
        if "training" in data:
            if self._training is _UNSET:
                self._training = training_identity(self.plan.get("data_sources"))
            if data["training"] != self._training:
                return "a previous training source or label"
        return None


_UNSET = object()


def current_model_tests(events: Iterable[Event], plan: dict[str, Any]) -> list[Event]:
    """The ``model_test`` events measured under the plan's current scope and training source."""
    today = _Today(plan)
    return [e for e in events if e.kind == "model_test" and today.measured_under(e.data) is None]


class NeedFullFold(Exception):
    """A resumed fold met an entry it cannot judge from what it kept: fold the whole journal instead."""


def _brief(e: Event) -> list[Any]:
    """``[model, at]`` of a model test: what a review names it by."""
    return [e.data.get("model", "model"), e.at]


class ModelTests:
    """What the rules read of a journal's ``model_test`` entries, gathered one entry at a time.

    The status fold, the gate conditions, step 3.3 and the review rule read this instead of scanning every
    test again, so a fold can be resumed after an append (:class:`~.status.FoldState`): how many tests, the
    latest, the latest measured under today's scope and training source (``plan``; None: not judged), whether
    any of those passed, each segment's latest values, and the model and time of a test a review sample names.
    """

    def __init__(self, plan: dict[str, Any] | None) -> None:
        self._today = _Today(plan) if plan is not None else None
        #: True when "current" was judged against a plan
        self.judged = plan is not None
        self.count = 0
        self.latest: Event | None = None
        self.current_count = 0
        self.latest_current: Event | None = None
        self.any_current_passed = False
        #: segment → the values of its latest test
        self.segments: dict[str, dict[str, Any]] = {}
        #: test seq → ``[model, at]`` for the tests review samples name (kept when resumed)
        self.named: dict[int, list[Any]] = {}
        #: every test's ``[model, at]`` seen in this process; ``complete``: since the journal's first entry
        #: (a resumed fold has only the tests since it resumed at hand)
        self._briefs: dict[int, list[Any]] = {}
        self.complete = True

    @classmethod
    def of(cls, events: Iterable[Event], plan: dict[str, Any] | None) -> "ModelTests":
        out = cls(plan)
        for e in events:
            if e.kind == "model_test":
                out.add(e)
        return out

    def add(self, e: Event) -> None:
        """Take one ``model_test`` entry (the journal's next one of that kind)."""
        d = e.data
        self.count += 1
        self.latest = e
        if self._today is not None and self._today.measured_under(d) is None:
            self.current_count += 1
            self.latest_current = e
            self.any_current_passed = self.any_current_passed or bool(d.get("passed"))
        if d.get("segment"):
            self.segments[str(d["segment"])] = dict(d.get("values") or {})
        self._briefs[e.seq] = _brief(e)

    def name_test(self, seq: Any) -> None:
        """Remember the test a review sample names (``seq``), for :meth:`brief` (before earlier tests are dropped).

        Raises:
            NeedFullFold: resumed, and the test is neither the latest nor one seen since.
        """
        if not isinstance(seq, int) or seq in self.named:
            return
        if seq in self._briefs:
            self.named[seq] = self._briefs[seq]
        elif self.latest is not None and self.latest.seq == seq:
            self.named[seq] = _brief(self.latest)
        elif not self.complete:
            raise NeedFullFold(seq)
        # else: no test of that seq exists (the sample names an unknown model)

    def brief(self, seq: Any) -> list[Any] | None:
        """``[model, at]`` of the test ``seq`` (None: no such test)."""
        if not isinstance(seq, int):
            return None
        if self.latest is not None and self.latest.seq == seq:
            return _brief(self.latest)
        return self._briefs.get(seq) or self.named.get(seq)

    # resuming ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        def ev(e: Event | None) -> Any:
            return e.model_dump(mode="json") if e is not None else None

        return {"count": self.count, "latest": ev(self.latest), "current_count": self.current_count,
                "latest_current": ev(self.latest_current), "any_current_passed": self.any_current_passed,
                "segments": self.segments, "named": [[k, v] for k, v in self.named.items()]}

    @classmethod
    def from_json(cls, doc: dict[str, Any], plan: dict[str, Any] | None) -> "ModelTests":
        out = cls(plan)
        out.complete = False
        out.count, out.current_count = int(doc["count"]), int(doc["current_count"])
        out.any_current_passed = bool(doc["any_current_passed"])
        out.latest = Event.model_validate(doc["latest"]) if doc["latest"] is not None else None
        out.latest_current = Event.model_validate(doc["latest_current"]) if doc["latest_current"] is not None else None
        out.segments = {str(k): dict(v) for k, v in doc["segments"].items()}
        out.named = {int(k): list(v) for k, v in doc["named"]}
        return out
