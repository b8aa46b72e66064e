"""Model tests and review samples: measured numbers judged against the scope, and people's judgements of outputs.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core.errors import (
    InvalidDecisionError,
)
from ..core.events import Actor, Event
from ..core.kpis import ModelTestResult, judge
from ..core.hashing import content_hash
from ..core.modeltests import measures_hash
from .. import tracking
from .base import default_actor


class ModelOps:
    """Model tests (judged against the scope) and review samples with people's judgements."""

    # model tests -----------------------------------------------------------------
    def test_model(
        self,
        values: Mapping[str, Any],
        model: str = "model",
        *,
        segment: str | None = None,
        actor: Actor | None = None,
        details: dict[str, Any] | None = None,
        mlflow: Mapping[str, Any] | None = None,
    ) -> ModelTestResult:
        """Judge measured metric values against the scope's hard metrics and journal a ``model_test``.

        Args:
            values: metric name → measured value.
            model: a label for the model version.
            segment: customer / region key for per-segment tests.
            details: extra facts to journal (dataset sizes, parameters).
            mlflow: the MLflow run the values were read from (:meth:`test_model_from_mlflow`);
                otherwise, when the plan names a tracking store, the test is logged as a new run.
        """
        plan = self.plan()
        scope = plan.sections["scope"]
        try:
            result = judge(scope, dict(values), model=model, segment=segment)
        except ValueError as exc:
            raise InvalidDecisionError(reason=str(exc)) from None
        data = result.model_dump(mode="json")
        data["values"] = {str(k): v for k, v in values.items()}
        data["scope_hash"] = content_hash(scope.model_dump(mode="json"))
        data["measures_hash"] = measures_hash(scope.model_dump(mode="json"))  # the metrics it was judged on
        data["training"] = training = plan.sections["data_sources"].training  # what the numbers were measured on
        if training and training.get("uri"):
            from ..data.fingerprint import source_fingerprint

            data["source_fingerprint"] = source_fingerprint(training["uri"], self.root)  # None: not local files
        data["plan_hash"] = content_hash(plan.dump())
        if details:
            data["details"] = details
        link = dict(mlflow) if mlflow is not None else tracking.log_model_test(self, data, plan)
        if link:
            data["mlflow"] = link
        self.record("model_test", data, actor)
        return result

    def test_model_from_mlflow(
        self, run_id: str, *, model_version: str | None = None, model: str | None = None, actor: Actor | None = None,
    ) -> ModelTestResult:
        """Judge an MLflow run's logged metrics against the scope's hard metrics; journal the ``model_test``.

        Args:
            run_id: the MLflow run (trained anywhere, logged to the plan's tracking store).
            model_version: ``NAME/VERSION`` of the registered model made from the run; a
                KPI check approval of this test binds that version.
            model: a label for the test (default: the model version or the run's name).
        """
        return tracking.model_test_from_run(self, run_id, model_version=model_version, model=model, actor=actor)

    # review samples and judgements (steps 3.4 / 4.3; reviewing.py, core/reviews.py) ---------------
    def review_sample(
        self, model: str | None = None, items: Any = None, *, size: int | None = None, strata: Any = None,
        seed: int = 0, columns: list[str] | tuple[str, ...] = (), output: Any = "score", id_column: str | None = None,
        gate: str | None = None, margin: float = 0.10, confidence: float = 0.95,
        questions: Mapping[str, str] | None = None, description: str = "", source: str = "model_test",
        actor: Actor | None = None,
    ) -> dict[str, Any]:
        """Draw a seeded (optionally stratified) sample of real outputs for people to judge; journal ``review_sample``.

        Args:
            model: the tested model whose outputs ``items`` holds (its latest ``model_test`` is bound).
            items: a DataFrame of outputs: an id, input columns, the model's ``output`` column(s).
            size: items to draw; default :func:`~phasebook.core.reviews.sample_size` for ``±margin`` at ``confidence``.
            strata: column(s) to stratify by (proportional allocation).
            columns: the input columns reviewers see (only those: never the whole row).
            gate: a gate where people judge outputs (``core.reviews.review_gates``); default the first
                (3.4 in the default flow; 4.3 with ``source="production"``).
            questions: soft metric → the question asked (default: each soft metric's definition).

        Returns:
            The journaled data (``sample_id``, ``path``, ``file_hash``, ``size``, how it was drawn…);
            the same draw again returns the sample already journaled.
        """
        from ..core.reviews import review_gates
        from ..reviewing import prepare_sample

        gate = gate or review_gates(self.flow)[0]
        data, new = prepare_sample(self, model, items, size=size, strata=strata, seed=seed, columns=columns,
                                   output=output, id_column=id_column, gate=gate, margin=margin, confidence=confidence,
                                   questions=questions, description=description, source=source)
        if new:
            self._append("review_sample", data, actor or default_actor())
        return data

    def review_items(self, sample_id: str) -> dict[str, Any]:
        """The sample file of ``sample_id``, checked against its journaled hash (see store/reviews.py)."""
        from ..reviewing import sample_items

        return sample_items(self, sample_id)

    def judge(self, sample_id: str, item: str, metric: str, answer: str, note: str = "", *, actor: Actor) -> Event:
        """Record one reviewer's judgement of one sampled output on one soft metric; journal ``review_judgement``.

        Raises:
            InvalidDecisionError: an unknown item, metric or answer, or a note over 2,000 characters.
        """
        from ..reviewing import prepare_judgement

        data = prepare_judgement(self, sample_id, item, metric, answer, note, actor)
        self.require_intact(plan=False)
        return self._append("review_judgement", data, actor)

    def review_state(self, gate: str | None = None) -> dict[str, Any] | None:
        """The latest review of ``gate``: soft metrics measured, complete or not, of the current model or older."""
        from ..core.reviews import review_gates, review_state

        gate = gate or review_gates(self.flow)[0]  # default: the first gate where people judge outputs (3.4)
        self.flow.gate(gate)
        return review_state(self.events(), gate)

