"""The data engine through the facade: sources, checks, profiles, feasibility of the scope and drift checks.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.events import Actor


class DataOps:
    """Data sources, checks, profiles, feasibility and drift checks."""

    # --- data engine (issue 3) ---
    def data_source(self, name: str):
        """The plan's data source called ``name``.

        Raises:
            UnknownDataSourceError: the plan has no such source.
        """
        from ..core.errors import UnknownDataSourceError

        sources = self.section("data_sources").items
        for s in sources:
            if s.name == name:
                return s
        raise UnknownDataSourceError(name=name, known=[s.name for s in sources])

    def check_source(self, name: str, *, actor: Actor | None = None):
        """Step 1.3: check a data source is reachable; journal a ``data_check`` and return the :class:`SourceCheck`."""
        from ..data.sources import check

        result = check(self.data_source(name), self.root)
        self.record("data_check", {"source": name, **result.model_dump(mode="json", exclude={"name"})}, actor)
        return result

    def profile(self, name_or_path: Any, target: str | None = None):
        """Profile a data source (or a path, or a DataFrame); the source's label column is the default target ('' for none)."""
        from ..data.profile import profile

        if target == "":
            return profile(name_or_path, target=None, project=self)

        if target is None and isinstance(name_or_path, str):
            src = next((s for s in self.section("data_sources").items if s.name == name_or_path), None)
            if src is not None and src.label_column:
                target = src.label_column
        return profile(name_or_path, target=target, project=self)

    def scope_feasibility(self, scope: Any = None) -> list[Any]:
        """Notes on hard targets the declared training data cannot reach or measure tightly (see core.feasibility).

        Reads the label of the default training source; a source that cannot
        be read yet (no access, no label) gives no notes rather than an error.
        """
        return self._feasibility(scope)[1]

    def feasibility_record(self, scope: Any = None) -> dict[str, Any]:
        """What the scope's sign-off page shows of feasibility, and a scope sign-off records: the training
        source and the label figures the check used (``source`` None: none declared; ``base_rate`` None: its
        label could not be read), and each note (:meth:`~phasebook.core.feasibility.FeasibilityNote.record`)."""
        basis, notes = self._feasibility(scope)
        return {**basis, "notes": [n.record() for n in notes]}

    def _feasibility(self, scope: Any) -> tuple[dict[str, Any], list[Any]]:
        from ..core.errors import PhasebookError
        from ..core.feasibility import check_feasibility
        from ..data.labels import source_label, training_source_of

        scope = scope if scope is not None else self.section("scope")
        source = training_source_of(self.section("data_sources"))
        if source is None or not source.uri:
            return {"source": None, "base_rate": None, "rows": None}, []
        basis: dict[str, Any] = {"source": source.name, "base_rate": None, "rows": None}
        try:
            spec = source_label(self, source, two_class=True)
        except (PhasebookError, OSError):
            return basis, []
        if not spec:
            return basis, []
        basis.update(base_rate=float(spec.base_rate), rows=int(spec.rows))
        return basis, check_feasibility(scope, base_rate=spec.base_rate, rows=spec.rows)

    def _relative(self, value: Any) -> Any:
        """A path inside the project as the journal keeps it: relative to the root (the project moves between machines)."""
        if isinstance(value, (str, os.PathLike)) and "://" not in str(value) and Path(value).is_absolute():
            try:
                return Path(value).resolve().relative_to(self.root).as_posix()
            except ValueError:
                return str(value)
        return value

    def check_drift(
        self, reference: Any = None, current: Any = None, *, columns: list[str] | None = None,
        actor: Actor | None = None, record: bool = True, snapshot_of: str | None = None,
    ):
        """Compare current with reference data (defaults and thresholds from ``monitoring``); journal ``drift_check``.

        The label columns of the plan's sources are left out (production data
        does not know them yet), and so are their declared ``id_columns``, unless
        named in ``columns``; ``record=False``
        compares without journaling (an exploration). The event keeps the pair
        compared, so the monitoring page shows only checks of the plan's pair;
        ``snapshot_of`` names the source a frozen reference snapshot was taken of
        (the pair then records that source, and the snapshot beside it).
        """
        from ..core.errors import MissingInputError
        from ..data.drift import ID_REASON, LABEL_REASON, drift

        mon = self.section("monitoring")
        reference = mon.reference_data.strip() if reference is None else self._relative(reference)
        current = mon.current_data.strip() if current is None else self._relative(current)
        if not (isinstance(reference, str) and reference) and not hasattr(reference, "columns"):
            raise MissingInputError(what="the reference data", where="an argument, or monitoring.reference_data in the plan")
        if not (isinstance(current, str) and current) and not hasattr(current, "columns"):
            raise MissingInputError(what="the current data", where="an argument, or monitoring.current_data in the plan")
        sources = self.section("data_sources").items
        left_out = {c: ID_REASON for s in sources for c in s.id_columns}
        left_out.update({s.label_column: LABEL_REASON for s in sources if s.label_column})
        report = drift(reference, current, thresholds=mon.drift_thresholds, columns=columns or mon.columns or None,
                       project=self, exclude=left_out)
        if record:
            pair = {"reference": str(reference), "current": str(current)} if isinstance(reference, str) and isinstance(current, str) else {}
            if pair and snapshot_of:
                pair = {**pair, "reference": str(snapshot_of), "snapshot": pair["reference"]}
            self.record("drift_check", {**report.event_data(), **({"pair": pair} if pair else {})}, actor)
        return report
