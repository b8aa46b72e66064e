"""A run's inputs and their hash; finding an earlier run with the same inputs.

A phase notebook's result depends on four things, and a run is skipped
(reported *cached*) when none of them changed since the last successful run
of the same notebook, whose output notebook still exists:

* the notebook's content — cell types, sources and tags, and the kernel
  (not outputs or UI metadata, so opening and saving it changes nothing);
* the parameters given to the run;
* the plan sections the notebook reads (:mod:`.resolve`);
* the data files the plan declares — every local file matched by a data
  source's ``uri`` and by the monitoring section's reference/current data,
  fingerprinted by size and modification time (remote sources are known
  only by their URI: use ``--force`` when they change).

Computing this touches no kernel and imports no papermill, so a cached
re-run costs milliseconds.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.hashing import content_hash

if TYPE_CHECKING:  # pragma: no cover
    from ..core.events import Event
    from .models import RunProject as Project  # what the engine needs of a project, not the facade
    from ..store.plan import PlanDocument
    from .resolve import Workbook

__all__ = ["notebook_digest", "data_fingerprints", "run_inputs", "find_cached", "cached_run"]


def notebook_digest(content: dict[str, Any]) -> str:
    """Hash of what a notebook executes: cell types, sources, tags and the kernel."""
    cells = []
    for cell in content.get("cells", []):
        source = cell.get("source", "")
        cells.append([
            cell.get("cell_type"),
            "".join(source) if isinstance(source, list) else source,
            sorted((cell.get("metadata") or {}).get("tags", [])),
        ])
    kernel = ((content.get("metadata") or {}).get("kernelspec") or {}).get("name")
    return content_hash({"cells": cells, "kernel": kernel})


def _local_pattern(uri: str, root: Path) -> str | None:
    uri = (uri or "").strip()
    if not uri:
        return None
    if uri.startswith("file://"):
        uri = uri[len("file://"):]
    elif "://" in uri or uri.startswith(("s3:", "gs:", "az:")):
        return None
    path = Path(uri).expanduser()
    return str(path if path.is_absolute() else root / path)


def data_fingerprints(project: "Project", plan: "PlanDocument") -> dict[str, Any]:
    """``{uri: [[file, size, mtime_ns], ...]}`` for every data location the plan declares."""
    sources = plan.sections["data_sources"].items  # type: ignore[attr-defined]
    uris = {s.name: s.uri for s in sources}
    monitoring = plan.sections["monitoring"]
    for ref in (monitoring.reference_data, monitoring.current_data):  # type: ignore[attr-defined]
        if ref and ref not in uris:
            uris[ref] = ref
    out: dict[str, Any] = {}
    for uri in sorted(set(uris.values())):
        pattern = _local_pattern(uri, project.root)
        if pattern is None:
            out[uri] = "remote"
            continue
        files = []
        for f in sorted(glob.glob(pattern, recursive=True)):
            try:
                st = os.stat(f)
            except OSError:
                continue
            files.append([os.path.relpath(f, project.root), st.st_size, st.st_mtime_ns])
        out[uri] = files
    return out


def run_inputs(project: "Project", workbook: "Workbook", parameters: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The input hash of a run and its parts (journaled with the run)."""
    plan = project.plan()
    sections = {
        name: content_hash(plan.sections[name].model_dump(mode="json"))
        for name in workbook.reads
        if name in plan.sections
    }
    parts = {
        "notebook": notebook_digest(workbook.content),
        "parameters": content_hash(parameters),
        "sections": sections,
        "data": content_hash(data_fingerprints(project, plan)),
    }
    return content_hash(parts), parts


def find_cached(project: "Project", workbook: "Workbook", input_hash: str, events: list["Event"] | None = None) -> "Event | None":
    """The latest run of ``workbook`` with ``input_hash``, if it succeeded and its output still exists."""
    for event in reversed(events if events is not None else project.events()):
        if event.kind != "run" or event.data.get("notebook") != workbook.relpath:
            continue
        if event.data.get("input_hash") != input_hash:
            continue
        if event.data.get("status") != "succeeded":
            return None
        output = project.root / str(event.data.get("output_path", ""))
        return event if output.is_file() else None
    return None


def cached_run(project: "Project", phase_or_notebook: str, parameters: dict[str, Any] | None = None) -> "Event | None":
    """The earlier run a run of ``phase_or_notebook`` with ``parameters`` would reuse (None: it would execute)."""
    from .resolve import resolve

    workbook = resolve(project, phase_or_notebook)
    input_hash, _ = run_inputs(project, workbook, dict(parameters or {}))
    return find_cached(project, workbook, input_hash)
