"""Where runs are tracked, and how metric names carry their parameters (pure: no MLflow here).

``experiment_setup.tracking_uri`` (validated in :mod:`phasebook.core.sections`)
is empty (no MLflow), ``local`` — a SQLite store inside the project,
``.phasebook/mlflow.db`` with artifacts in ``.phasebook/mlartifacts`` (both
git-ignored with ``.phasebook/``) — or the team's ``http(s)://`` server.

A scope metric such as ``recall_at_top_k`` is computed with a parameter
(``top_k_share=0.1``); phasebook names the measurement ``recall_at_top_k@0.1``.
MLflow refuses ``@`` in metric keys, so the MLflow key spells it
``recall_at_top_k_at_0.1`` (:func:`mlflow_key`), and :func:`base_name` reads
either form back.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

__all__ = ["TrackingConfig", "tracking_config", "gate_alias_fields", "metric_name", "mlflow_key", "base_name",
           "LOCAL_DB", "LOCAL_ARTIFACTS"]

LOCAL_DB = ".phasebook/mlflow.db"
LOCAL_ARTIFACTS = ".phasebook/mlartifacts"

def gate_alias_fields(flow: Any = None) -> dict[str, str]:
    """The gates whose approval binds a model version, and the plan field naming each one's alias (from the flow)."""
    if flow is None:
        from ..core.flow import default_flow

        flow = default_flow()
    return {g.name: g.alias_field for g in flow.gates if g.alias_field}

_PARAM_SUFFIX = re.compile(r"^(?P<base>.+?)(?:@|_at_)(?P<value>-?\d+(?:\.\d+)?(?:e-?\d+)?)$")


@dataclass(frozen=True)
class TrackingConfig:
    """The resolved tracking settings of one project."""

    uri: str
    experiment: str
    aliases: Mapping[str, str]
    local: bool
    artifact_location: str | None = None
    lock_path: Path | None = None

    @property
    def ui_url(self) -> str | None:
        """The base address of the MLflow UI (None for the embedded store, which has no server)."""
        return None if self.local else self.uri


def tracking_config(root: Path, setup: Any, project_name: str, flow: Any = None) -> TrackingConfig | None:
    """The project's tracking settings from its ``experiment_setup`` section (None: tracking off)."""
    uri = (getattr(setup, "tracking_uri", "") or "").strip()
    if not uri:
        return None
    aliases = {gate: getattr(setup, field) for gate, field in gate_alias_fields(flow).items()}
    experiment = (setup.experiment_name or "").strip() or project_name
    if uri == "local":
        root = Path(root).resolve()
        return TrackingConfig(
            uri=f"sqlite:///{(root / LOCAL_DB).as_posix()}", experiment=experiment, aliases=aliases, local=True,
            artifact_location=(root / LOCAL_ARTIFACTS).as_uri(), lock_path=root / (LOCAL_DB + ".lock"),
        )
    return TrackingConfig(uri=uri, experiment=experiment, aliases=aliases, local=False)


def _parameters(name: str) -> list[tuple[str, Any]]:
    """The keyword parameters (with defaults) of a registered metric, e.g. ``[("top_k_share", 0.1)]``."""
    from ..modeling.metrics import METRICS

    metric = METRICS.get(name)
    if metric is None:
        return []
    params = inspect.signature(metric.fn).parameters.values()
    return [(p.name, p.default) for p in params if p.kind is p.KEYWORD_ONLY and p.default is not p.empty]


def metric_name(name: str, details: Mapping[str, Any] | None = None) -> str:
    """A measurement's full name: ``recall_at_top_k@0.2`` when computed with ``top_k_share=0.2``."""
    values = [(details or {}).get(p, default) for p, default in _parameters(name)]
    return name + "".join(f"@{v:g}" if isinstance(v, float) else f"@{v}" for v in values)


def mlflow_key(full_name: str) -> str:
    """The MLflow metric key for a full name (``@`` is not allowed in MLflow keys)."""
    return full_name.replace("@", "_at_")


def base_name(key: str) -> str:
    """The scope metric a logged key measures: ``recall_at_top_k_at_0.1`` → ``recall_at_top_k``."""
    m = _PARAM_SUFFIX.match(key)
    return m.group("base") if m else key
