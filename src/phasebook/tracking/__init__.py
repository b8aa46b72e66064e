"""The MLflow link: runs tracked where teams already track them, phasebook as the approval layer.

* :mod:`.config` — where runs go (``experiment_setup.tracking_uri``: ``local``
  or the team's server) and how metric names carry their parameters;
* :mod:`.runs` — model tests logged as MLflow runs, MLflow runs judged as model tests;
* :mod:`.registry` — what the journal's approvals say each alias should be (pure);
* :mod:`.sync` — bring the registry in line, and say where it disagrees;
* :mod:`.client` — the only module that imports ``mlflow`` (an optional extra,
  ``pip install "phasebook[mlflow]"``); importing this package never does.
"""

from __future__ import annotations

from .config import TrackingConfig, base_name, metric_name, mlflow_key, tracking_config
from .errors import (INSTALL_COMMAND, MlflowRunNotFoundError, ModelVersionError, TrackingExtraMissingError,
                     TrackingNotConfiguredError, TrackingUnavailableError)
from .registry import approval_binding
from .runs import RUN_ID_ENV, config_of, log_model_test, parse_model_version, model_test_from_run
from .sync import SyncReport, after_event, registry_warnings, sync

__all__ = [
    "TrackingConfig", "tracking_config", "metric_name", "mlflow_key", "base_name", "config_of",
    "log_model_test", "model_test_from_run", "parse_model_version", "approval_binding", "RUN_ID_ENV",
    "sync", "after_event", "registry_warnings", "SyncReport", "INSTALL_COMMAND",
    "TrackingExtraMissingError", "TrackingNotConfiguredError", "TrackingUnavailableError",
    "MlflowRunNotFoundError", "ModelVersionError",
]
