"""Which notebook a run means: a phase name or a notebook path.

``phasebook run research`` runs the project's ``workbooks/02_research.ipynb``
(the flow names each phase's notebook); ``phasebook run workbooks/x.ipynb``
runs any notebook. A notebook's phase and the plan sections it reads come
from its ``metadata.phasebook`` (``{"phase": ..., "reads": [...]}``), else
from the flow (each phase's ``reads``); a notebook that says nothing is
assumed to read the whole plan, so any plan change re-runs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import UnknownWorkbookError
from ..core.sections import SECTION_MODELS

if TYPE_CHECKING:  # pragma: no cover
    from .models import RunProject as Project  # what the engine needs of a project, not the facade

__all__ = ["Workbook", "resolve"]


@dataclass(frozen=True)
class Workbook:
    """A notebook ready to run: where it is, its phase, what it reads, its JSON."""

    path: Path
    relpath: str
    phase: str | None
    reads: tuple[str, ...]
    content: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name


def _candidates(project: "Project", target: str) -> list[Path]:
    raw = Path(target).expanduser()
    names = [raw] if raw.suffix == ".ipynb" else [raw, raw.with_name(raw.name + ".ipynb")]
    out: list[Path] = []
    for name in names:
        if name.is_absolute():
            out.append(name)
        else:
            out += [Path.cwd() / name, project.root / name, project.root / "workbooks" / name]
    return out


def _phase_of(path: Path, meta: dict[str, Any], project: "Project") -> str | None:
    phase = meta.get("phase")
    if phase:
        return str(phase)
    for p in project.flow.phases:
        if p.notebook and p.notebook == path.name:
            return p.name
    return None


def resolve(project: "Project", target: str) -> Workbook:
    """Find the notebook for ``target`` (a work phase or a notebook path).

    Raises:
        UnknownWorkbookError: neither a phase nor an existing ``.ipynb``
            (the message lists the phases and the project's notebooks).
    """
    path: Path | None = None
    if target in project.flow.work_phases:
        notebook = project.flow.phase(target).notebook
        candidate = project.root / "workbooks" / (notebook or "")
        path = candidate if notebook and candidate.is_file() else None
    else:
        path = next((c for c in _candidates(project, target) if c.is_file() and c.suffix == ".ipynb"), None)
    if path is None:
        listed = sorted(p.name for p in (project.root / "workbooks").glob("*.ipynb"))
        raise UnknownWorkbookError(name=target, phases=list(project.flow.work_phases), notebooks=listed)
    path = path.resolve()
    content = json.loads(path.read_text(encoding="utf-8"))
    meta = (content.get("metadata") or {}).get("phasebook") or {}
    phase = _phase_of(path, meta, project)
    reads = meta.get("reads")
    if reads is None:
        known = {p.name: p for p in project.flow.phases}
        reads = known[phase].reads if phase in known and known[phase].reads is not None else tuple(SECTION_MODELS)
    try:
        relpath = path.relative_to(project.root).as_posix()
    except ValueError:
        relpath = str(path)
    return Workbook(path=path, relpath=relpath, phase=phase, reads=tuple(reads), content=content)
