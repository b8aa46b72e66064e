"""One project's integrity: the journal's chain, the plan against the journal, git anchors, keys.

:class:`~phasebook.Project` calls these; every surface goes through it. The
plan and the journal agree when each plan section hashes to its last
recorded ``section_saved`` (or to its defaults when it was never saved). A
crash between the plan's rename and the journal's append, a hand edit of
``phasebook.yaml`` or a merge of two plans leaves them disagreeing: that is
reported (check ``plan/journal``) until :func:`record_plan` journals the
change.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from ..core.errors import JournalIntegrityError, PlanJournalMismatchError
from ..core.events import Actor
from ..core.hashing import content_hash
from ..core.sections import SECTION_MODELS
from .journal import VerifyReport
from .signing import Signer, load_signer, register_key

__all__ = ["check", "plan_mismatch", "record_plan", "signer_for", "prepare_git", "check_anchors"]


@functools.lru_cache(maxsize=None)
def _default_hash(name: str) -> str:
    return content_hash(SECTION_MODELS[name]().model_dump(mode="json"))


_HASHES: dict[tuple[str, str], dict[str, str]] = {}


def section_hashes(project: Any, *, fresh: bool = False) -> dict[str, str]:
    """Each plan section's content hash, computed once per version of the plan file (cheap on every read).

    ``fresh``: parse the file now, trusting no cache (the full check).
    """
    store = project.plan_store
    data = store.read_bytes()
    if fresh:
        doc = store.parse(data, cached=False)
        return {name: content_hash(m.model_dump(mode="json")) for name, m in doc.sections.items()}
    digest = hashlib.sha256(data).hexdigest()
    key = (str(store.path), digest)
    hit = _HASHES.get(key)
    if hit is None:
        parsed = getattr(store, "_cache", None)  # the store's last parse, when it is this version: no copy needed
        doc = parsed if parsed is not None and parsed.digest == digest else project.plan()
        hit = {name: content_hash(m.model_dump(mode="json")) for name, m in doc.sections.items()}
        if len(_HASHES) > 32:
            _HASHES.clear()
        _HASHES[key] = hit
    return hit


def plan_mismatch(project: Any, recorded: dict[str, str], *, fresh: bool = False) -> list[str]:
    """The sections whose content differs from their last recorded save (``fresh``: see :func:`section_hashes`)."""
    return [name for name, h in section_hashes(project, fresh=fresh).items()
            if h != (recorded.get(name) or _default_hash(name))]


def check(project: Any, *, full: bool, plan: bool = True, anchors: bool = False) -> VerifyReport:
    """The chain (incrementally unless ``full``), then plan/journal, then (``anchors``) every git anchor."""
    journal = project.journal
    report = journal.verify(require_entries=True) if full else journal.check(require_entries=True)
    if not report.ok:
        return report
    if plan:
        changed = plan_mismatch(project, report.sections, fresh=full)  # the full check reads the file itself
        if changed:
            return VerifyReport(False, report.entries, PlanJournalMismatchError(file=str(project.plan_path),
                                sections=changed), check="plan/journal", sections=report.sections)
    if anchors:
        problem = check_anchors(journal.path, journal.path.read_bytes() if journal.path.exists() else b"")
        if problem is not None:
            return VerifyReport(False, report.entries, problem, check="anchor", sections=report.sections)
    return report


def check_anchors(journal_path: Path, data: bytes) -> JournalIntegrityError | None:
    """None if the journal holds every anchored head, else the first anchor it lost."""
    from . import gitrepo  # git (subprocess) only when anchors are checked

    count = data.count(b"\n")
    for anchor in gitrepo.recorded_anchors(journal_path):
        needle = b'"hash":"' + anchor.hash.encode() + b'"}'
        at = data.find(needle)
        line = data[data.rfind(b"\n", 0, at) + 1: data.find(b"\n", at)] if at >= 0 else b""
        if at < 0 or f'"seq":{anchor.seq},'.encode() not in line or count < anchor.lines:
            return JournalIntegrityError(
                file=str(journal_path), check="anchor",
                problem=f"the head anchored in commit {anchor.commit[:10]} (entry {anchor.seq}, {anchor.lines} lines, "
                f"{anchor.hash[:19]}…) is no longer in the journal: entries up to it were removed or rewritten after "
                "it was anchored. Restore the journal from that commit (git show "
                f"{anchor.commit[:10]}:{anchor.path}) and compare")
    return None


def record_plan(project: Any, actor: Actor) -> list[str]:
    """Journal a ``section_saved`` for each section that changed without one (``recovered: true``)."""
    report = project.journal.check(require_entries=True)
    if not report.ok and report.problem is not None:
        raise report.problem
    changed = plan_mismatch(project, report.sections)
    hashes = section_hashes(project)
    for name in changed:
        new_hash = hashes[name]
        previous = report.sections.get(name) or _default_hash(name)
        project._append("section_saved", {"section": name, "hash": new_hash, "previous_hash": previous,
                                          "recovered": True}, actor)
    return changed


def signer_for(project_root: Path) -> Signer:
    """The serving side's key (created on first use), its public half recorded in the project."""
    signer = load_signer()
    assert signer is not None
    register_key(Path(project_root), signer, label="phasebook serving side")
    return signer


def prepare_git(project_root: Path) -> None:
    """A new project's ``.gitattributes``; inside a repository, the journal merge driver too."""
    from . import gitrepo

    gitrepo.write_gitattributes(project_root)
    if gitrepo.repo_root(project_root) is not None:
        try:
            gitrepo.register_driver(project_root)
        except Exception:  # a read-only git config must not stop a project being created
            pass
