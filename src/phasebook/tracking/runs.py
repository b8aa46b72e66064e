"""Runs both ways: model tests logged as MLflow runs, and MLflow runs judged as model tests.

* :func:`log_model_test` — every :meth:`Project.test_model` of a project
  whose plan names a tracking store logs a finished MLflow run: the metrics
  with their parameters (``recall_at_top_k_at_0.2``), the details as params,
  and tags naming the project, the scope hash, the gate the test feeds and
  the phasebook run (``PHASEBOOK_RUN_ID``, set by the runner in the kernel).
* :func:`attach_notebook` — once the runner journals the ``run``, the
  executed notebook is attached to every MLflow run it logged.
* :func:`model_test_from_run` — a run trained outside phasebook's notebooks
  is read back, its metrics judged against the scope's hard metrics and
  journaled as a ``model_test`` carrying the run id (and, optionally, the
  registered model version it became).
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, Mapping

from ..core.hashing import content_hash
from .config import TrackingConfig, base_name, metric_name, mlflow_key, tracking_config
from .errors import ModelVersionError, TrackingExtraMissingError, TrackingNotConfiguredError
from ..core.named_errors import AmbiguousMetricError, InvalidValueError

__all__ = ["RUN_ID_ENV", "config_of", "log_model_test", "attach_notebook", "model_test_from_run",
           "values_from_run", "parse_model_version", "model_test_gate"]

#: The runner puts the phasebook run id in the kernel's environment under this name.
RUN_ID_ENV = "PHASEBOOK_RUN_ID"
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_VERSION = re.compile(r"^(?P<name>[^/\s][^/]{0,255})/(?P<version>[1-9]\d{0,9})$")


def config_of(project: Any, plan: Any = None) -> TrackingConfig | None:
    """The project's tracking settings (None: the plan names no tracking store)."""
    plan = plan if plan is not None else project.plan()
    return tracking_config(project.root, plan.sections["experiment_setup"], plan.name, project.flow)


def model_test_gate(flow: Any) -> str:
    """The gate a model test is evidence for (the first whose measurements include ``model_test``)."""
    return next((g.name for g in flow.gates if "model_test" in g.measurements), "")


def _param_key(key: str) -> str:
    return re.sub(r"[^\w.\- /]", "_", str(key))[:250] or "_"


def log_model_test(project: Any, data: Mapping[str, Any], plan: Any) -> dict[str, Any] | None:
    """Log a model test (the ``model_test`` data about to be journaled) as an MLflow run.

    Returns:
        The link to journal with the test (``run_id``, ``experiment_id``, ``store``,
        ``metrics_hash``…), or None when the plan names no tracking store.

    Raises:
        TrackingExtraMissingError: tracking is configured but mlflow is not installed.
        TrackingUnavailableError: the store could not be reached.
    """
    config = config_of(project, plan)
    if config is None:
        return None
    from .client import TrackingClient

    client = TrackingClient(config)
    details = dict(data.get("details") or {})
    metrics: dict[str, float] = {}
    for name, value in (data.get("values") or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            metrics[mlflow_key(metric_name(str(name), details))] = number
    params = {"model": data.get("model", ""), **{_param_key(k): v for k, v in details.items()}}
    if data.get("segment"):
        params["segment"] = data["segment"]
    run_env = os.environ.get(RUN_ID_ENV, "")
    tags = {
        "phasebook.project": plan.name, "phasebook.scope_hash": data.get("scope_hash", ""),
        "phasebook.plan_hash": data.get("plan_hash", ""), "phasebook.gate": model_test_gate(project.flow),
        "phasebook.run_id": run_env, "phasebook.model": str(data.get("model", "")),
        "phasebook.passed": "true" if data.get("passed") else "false",
    }
    if data.get("segment"):
        tags["phasebook.segment"] = str(data["segment"])
    label = str(data.get("model", "model")) + (f" · {data['segment']}" if data.get("segment") else "")
    run_id, experiment_id = client.log_run(name=label, metrics=metrics, params=params, tags=tags)
    return {"run_id": run_id, "experiment_id": experiment_id, "store": config.ui_url or "local", "source": "logged",
            "phasebook_run_id": run_env, "metrics_hash": content_hash(metrics)}


def attach_notebook(project: Any, run_event: Any) -> list[str]:
    """Attach a finished phasebook run's executed notebook to the MLflow runs its model tests logged.

    Returns:
        The MLflow run ids the notebook was attached to.
    """
    config = config_of(project)
    run_id = run_event.data.get("run_id")
    output = run_event.data.get("output_path")
    if config is None or not run_id or not output:
        return []
    targets = [e.data["mlflow"]["run_id"] for e in project.events()
               if e.kind == "model_test" and (e.data.get("mlflow") or {}).get("phasebook_run_id") == run_id]
    path = project.root / output
    if not targets or not Path(path).is_file():
        return []
    from .client import TrackingClient

    client = TrackingClient(config)
    for target in targets:
        client.log_artifact(target, Path(path))
    return targets


def parse_model_version(value: str) -> tuple[str, str]:
    """``"churn-model/7"`` → ``("churn-model", "7")``; raises :class:`ModelVersionError` otherwise."""
    m = _VERSION.match((value or "").strip())
    if not m:
        raise ModelVersionError(value=value, problem="write it as NAME/VERSION, e.g. churn-model/7 "
                                "(the registered model's name and its version number).")
    return m.group("name").strip(), m.group("version")


def values_from_run(scope: Any, metrics: Mapping[str, float]) -> tuple[dict[str, float], dict[str, str]]:
    """Map a run's logged metrics onto the scope's metric names.

    A scope metric takes the key of the same name, else the one logged key that
    measures it with a parameter (``recall_at_top_k_at_0.1``). Keys measuring no
    scope metric are kept as they are (journaled as extra values).

    Returns:
        ``(values, keys)``: scope metric → value, and scope metric → the key it came from.

    Raises:
        BadInputError: a scope metric is logged under several parameters.
    """
    keys: dict[str, str] = {}
    for kpi in scope.kpis:
        for m in kpi.metrics:
            if m.name in keys:
                continue
            if m.name in metrics:
                keys[m.name] = m.name
                continue
            found = sorted(k for k in metrics if base_name(k) == m.name)
            if len(found) > 1:
                raise AmbiguousMetricError(metric=m.name, found=list(found))
            if found:
                keys[m.name] = found[0]
    used = set(keys.values())
    values = {name: float(metrics[key]) for name, key in keys.items()}
    values.update({k: float(v) for k, v in metrics.items() if k not in used and k not in values})
    return values, keys


def model_test_from_run(project: Any, run_id: str, *, model_version: str | None = None, model: str | None = None,
                        actor: Any = None):
    """Judge an MLflow run's logged metrics against the scope and journal the ``model_test``.

    Args:
        run_id: the MLflow run.
        model_version: ``NAME/VERSION`` of the registered model made from this run; the
            journaled test (and so a later KPI check approval) binds it.
        model: a label for the test (default: the model version, else the run's name).

    Raises:
        TrackingExtraMissingError: mlflow is not installed.
        TrackingNotConfiguredError: the plan names no tracking store.
        MlflowRunNotFoundError / ModelVersionError: no such run / version, or the version
            was registered from another run.
    """
    from .client import TrackingClient, mlflow_available

    if not mlflow_available():
        raise TrackingExtraMissingError(why="Testing a model from an MLflow run needs MLflow")
    run_id = (run_id or "").strip()
    if not _RUN_ID.match(run_id):
        raise InvalidValueError(what="An MLflow run id", value=run_id, expected="a 32-character hex string; copy it from the MLflow UI")
    version = parse_model_version(model_version) if model_version else None
    plan = project.plan()
    config = config_of(project, plan)
    if config is None:
        raise TrackingNotConfiguredError()
    client = TrackingClient(config)
    run = client.get_run(run_id)
    bound = None
    if version is not None:
        found = client.model_version(*version)
        if found["run_id"] and found["run_id"] != run_id:
            raise ModelVersionError(value=model_version, problem=(
                f"it was registered from run {found['run_id']}, not {run_id}; test that run, or name the "
                "version made from this one."))
        bound = {"name": found["name"], "version": found["version"]}
    values, keys = values_from_run(plan.sections["scope"], run["metrics"])
    link = {"run_id": run_id, "experiment_id": run["experiment_id"], "store": config.ui_url or "local",
            "source": "read", "metrics_hash": content_hash(run["metrics"]), "metric_keys": keys}
    if bound:
        link["model_version"] = bound
    label = model or (f"{bound['name']}/v{bound['version']}" if bound else run["tags"].get("mlflow.runName") or run_id[:8])
    return project.test_model(values, model=label, actor=actor, mlflow=link)
