"""MLflow on the pages: each model test linked to its run, the version an approval binds, registry warnings.

Reads only the journal, the plan and the stored registry observation
(:func:`phasebook.tracking.registry_warnings`): rendering a page never calls
MLflow. Links are built from the run ids and the ``http(s)`` server address
the journal recorded, and escaped like every other value.
"""

from __future__ import annotations

import re
from typing import Any

from ..tracking import approval_binding, config_of, registry_warnings
from ..tracking.config import gate_alias_fields
from .html import Html, card, esc, raw, table

__all__ = ["run_link", "model_tests_card", "registry_alerts", "tracking_parts"]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def run_link(link: dict[str, Any] | None) -> Html:
    """The MLflow run of a model test: a link to the server's run page, or the run id for the embedded store."""
    if not link or not _ID.match(str(link.get("run_id", ""))):
        return raw('<span class="muted">—</span>')
    run_id, experiment = str(link["run_id"]), str(link.get("experiment_id", ""))
    store = str(link.get("store", ""))
    if store.startswith(("http://", "https://")) and _ID.match(experiment):
        href = f"{store}/#/experiments/{experiment}/runs/{run_id}"
        return raw(f'<a href="{esc(href)}" target="_blank" rel="noopener noreferrer" data-mlflow-run="{esc(run_id)}">'
                   f"run {esc(run_id[:8])}</a>")
    return raw(f'<span data-mlflow-run="{esc(run_id)}" title="in the project\'s local MLflow store">'
               f"run {esc(run_id[:8])} (local store)</span>")


def _version(link: dict[str, Any] | None) -> str:
    v = (link or {}).get("model_version") or {}
    return f"{v['name']} v{v['version']}" if v.get("name") else ""


def model_tests_card(project: Any, gate: str, events: list, *, latest: int = 10) -> Html | None:
    """The latest model tests, newest first, each linked to its MLflow run (None for gates without tests)."""
    g = project.flow.gate(gate)
    if "model_test" not in g.measurements and gate not in gate_alias_fields(project.flow):
        return None
    tests = [e for e in events if e.kind == "model_test"][-latest:]
    if not tests:
        return card("Model tests", raw('<p class="muted">No model tests yet.</p>'))
    rows = []
    for e in reversed(tests):
        d = e.data
        label = d.get("model", "") + (f" · {d['segment']}" if d.get("segment") else "")
        rows.append((e.at[:16].replace("T", " "), label, "passed" if d.get("passed") else "not passed",
                     _version(d.get("mlflow")), run_link(d.get("mlflow"))))
    body = table(["When (UTC)", "Model", "Hard metrics", "Registered version", "MLflow run"], rows, label="Model tests")
    binding = approval_binding(project.flow, gate, events, "approve").get("model")
    config = config_of(project)
    if binding and config is not None:
        body += raw(f"<p>Approving binds <b>{esc(binding['name'])} v{esc(binding['version'])}</b>: "
                    f"alias <b>@{esc(config.aliases[gate])}</b> is set on it once every role has approved.</p>")
    elif gate in gate_alias_fields(project.flow) and config is not None:
        body += raw('<p class="muted">This approval binds no registered model version: the latest model test '
                    "names none.</p>")
    return card("Model tests", body)


def registry_alerts(project: Any) -> list[Html]:
    """One alert per disagreement between the registry (as last observed) and the journal."""
    return [raw(f'<div class="banner" role="alert" style="background:#9a6700">Model registry: {esc(w)}</div>')
            for w in registry_warnings(project)]


def tracking_parts(project: Any, gate: str) -> list[Html]:
    """What the sign-off page shows of MLflow: registry alerts, then the model tests card."""
    parts = registry_alerts(project)
    tests = model_tests_card(project, gate, project.events())
    return parts + ([tests] if tests is not None else [])
