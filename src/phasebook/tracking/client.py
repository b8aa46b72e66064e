"""The one module that imports MLflow: a small client over ``mlflow.MlflowClient``.

Everything else in phasebook talks to MLflow through :class:`TrackingClient`,
so the optional extra stays optional (an import-linter contract in
``pyproject.toml`` keeps it that way) and every MLflow failure becomes a
phasebook error with a message that says what to do.

A server that does not answer would make MLflow retry for minutes; unless
the environment says otherwise, requests here give up after one retry and
15 seconds (``MLFLOW_HTTP_REQUEST_MAX_RETRIES`` / ``_TIMEOUT``).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any, Iterator, Mapping

from .config import TrackingConfig
from .errors import MlflowRunNotFoundError, ModelVersionError, TrackingExtraMissingError, TrackingUnavailableError

__all__ = ["TrackingClient", "mlflow_available", "RunData"]

_HTTP_DEFAULTS = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
                  "MLFLOW_HTTP_REQUEST_TIMEOUT": "15"}
_MAX_PARAM = 6000  # MLflow's limit on a param value


def mlflow_available() -> bool:
    """True when the ``mlflow`` package can be imported."""
    try:
        import mlflow  # noqa: F401
    except ImportError:
        return False
    return True


def _import(why: str):
    try:
        import mlflow
        from mlflow import MlflowClient
    except ImportError:
        raise TrackingExtraMissingError(why=why) from None
    return mlflow, MlflowClient


class RunData(dict):
    """One run's ``metrics``, ``params``, ``tags``, ``experiment_id`` and ``run_id`` (a plain dict)."""


class TrackingClient:
    """MLflow operations phasebook needs, against one project's tracking store."""

    def __init__(self, config: TrackingConfig, *, why: str = "MLflow tracking is configured") -> None:
        for key, value in _HTTP_DEFAULTS.items():
            os.environ.setdefault(key, value)
        self.config = config
        mlflow, client_cls = _import(why)
        self._exc = mlflow.exceptions.MlflowException
        if config.lock_path is not None:
            config.lock_path.parent.mkdir(parents=True, exist_ok=True)
        self._client = client_cls(tracking_uri=config.uri, registry_uri=config.uri)

    @contextlib.contextmanager
    def _call(self, action: str) -> Iterator[None]:
        try:
            yield
        except self._exc as exc:
            code = getattr(exc, "error_code", "")
            raise TrackingUnavailableError(uri=self.config.uri, action=action,
                                           problem=f"{code}: {exc.message}" if code else str(exc)) from None
        except OSError as exc:
            raise TrackingUnavailableError(uri=self.config.uri, action=action, problem=str(exc)) from None

    def _missing(self, exc: Exception) -> bool:
        return getattr(exc, "error_code", "") in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")

    # runs --------------------------------------------------------------------
    def experiment_id(self) -> str:
        """The project's experiment (created on first use; the embedded store is created under a lock)."""
        lock = contextlib.nullcontext()
        if self.config.lock_path is not None:
            from filelock import FileLock

            lock = FileLock(str(self.config.lock_path))
        with lock, self._call("open the experiment"):
            exp = self._client.get_experiment_by_name(self.config.experiment)
            if exp is not None:
                return exp.experiment_id
            return self._client.create_experiment(self.config.experiment,
                                                  artifact_location=self.config.artifact_location)

    def log_run(self, *, name: str, metrics: Mapping[str, float], params: Mapping[str, Any],
                tags: Mapping[str, str]) -> tuple[str, str]:
        """Log one finished run; return ``(run_id, experiment_id)``."""
        from mlflow.entities import Metric, Param

        experiment_id = self.experiment_id()
        now = int(time.time() * 1000)
        with self._call("log the run"):
            run = self._client.create_run(experiment_id, run_name=name, tags=dict(tags))
            run_id = run.info.run_id
            ms = [Metric(k, float(v), now, 0) for k, v in metrics.items()]
            ps = [Param(k, str(v)[:_MAX_PARAM]) for k, v in params.items()]
            for i in range(0, max(len(ms), len(ps), 1), 100):  # MLflow takes at most 100 params per batch
                self._client.log_batch(run_id, metrics=ms[i:i + 100], params=ps[i:i + 100])
            self._client.set_terminated(run_id)
        return run_id, experiment_id

    def get_run(self, run_id: str) -> RunData:
        """A run's metrics, params and tags.

        Raises:
            MlflowRunNotFoundError: no such run in this store.
        """
        with self._call("read the run"):
            try:
                run = self._client.get_run(run_id)
            except self._exc as exc:
                if self._missing(exc):
                    raise MlflowRunNotFoundError(uri=self.config.uri, run_id=run_id) from None
                raise
        return RunData(run_id=run.info.run_id, experiment_id=run.info.experiment_id, metrics=dict(run.data.metrics),
                       params=dict(run.data.params), tags=dict(run.data.tags))

    def log_artifact(self, run_id: str, path: Path, folder: str = "phasebook") -> None:
        """Attach a file (the executed notebook) to a run."""
        with self._call("store the artifact"):
            self._client.log_artifact(run_id, str(path), folder)

    def artifacts(self, run_id: str, folder: str = "phasebook") -> list[str]:
        """The artifact paths of a run under ``folder``."""
        with self._call("list the artifacts"):
            return [f.path for f in self._client.list_artifacts(run_id, folder)]

    # registry ------------------------------------------------------------------
    def model_version(self, name: str, version: str) -> dict[str, Any]:
        """``{name, version, run_id, tags}`` of a registered model version.

        Raises:
            ModelVersionError: the registry has no such version.
        """
        with self._call("read the model version"):
            try:
                v = self._client.get_model_version(name, version)
            except self._exc as exc:
                if self._missing(exc):
                    raise ModelVersionError(value=f"{name}/{version}", problem=(
                        f"the registry at {self.config.uri} has no such version; register it first "
                        "(mlflow.register_model) or check the name and number.")) from None
                raise
        return {"name": v.name, "version": str(v.version), "run_id": v.run_id, "tags": dict(v.tags or {})}

    def aliases(self, name: str) -> dict[str, str]:
        """The registered model's aliases (alias → version); empty when the model does not exist."""
        with self._call("read the model's aliases"):
            try:
                model = self._client.get_registered_model(name)
            except self._exc as exc:
                if self._missing(exc):
                    return {}
                raise
        return {str(k): str(v) for k, v in (model.aliases or {}).items()}

    def set_alias(self, name: str, alias: str, version: str) -> None:
        with self._call(f"set the alias @{alias}"):
            self._client.set_registered_model_alias(name, alias, version)

    def delete_alias(self, name: str, alias: str) -> None:
        with self._call(f"remove the alias @{alias}"):
            self._client.delete_registered_model_alias(name, alias)

    def tag_version(self, name: str, version: str, tags: Mapping[str, str]) -> None:
        with self._call("tag the model version"):
            for key, value in tags.items():
                self._client.set_model_version_tag(name, version, key, str(value)[:_MAX_PARAM])
