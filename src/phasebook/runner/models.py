"""What a run returns: :class:`RunResult` (and :class:`RunError` inside it), and what the engine needs of a project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, Field

if TYPE_CHECKING:  # pragma: no cover
    from ..core.events import Actor, Event
    from ..core.flow import Flow

__all__ = ["RunError", "RunResult", "RunStatus", "RunProject"]

RunStatus = Literal["succeeded", "failed", "cached"]


class RunError(BaseModel):
    """Where and how a notebook failed (papermill's cell index in the executed notebook)."""

    cell_index: int | None = None
    exec_count: int | None = None
    ename: str
    evalue: str = ""


class RunResult(BaseModel):
    """The outcome of :func:`phasebook.runner.run_notebook`.

    ``output_path`` is absolute; the journal stores it relative to the
    project root. A ``cached`` result names the earlier run whose inputs were
    identical (its run id and output notebook).
    """

    run_id: str
    phase: str | None
    notebook: str
    status: RunStatus
    output_path: str
    duration_s: float
    parameters: dict[str, Any] = Field(default_factory=dict)
    input_hash: str = ""
    error: RunError | None = None

    @property
    def ok(self) -> bool:
        """True for a succeeded or cached run."""
        return self.status != "failed"


class RunProject(Protocol):
    """What the engine needs of a project (:class:`phasebook.Project` is one; the engine never imports it)."""

    root: Path

    @property
    def flow(self) -> "Flow": ...

    def plan(self) -> Any: ...

    def events(self) -> list["Event"]: ...

    def record(self, kind: str, data: dict[str, Any], actor: "Actor") -> Any: ...
