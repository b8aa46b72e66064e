"""Integrity of the record: the chain check on every read, the full verify, git anchors and journal merges.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
"""

from __future__ import annotations

from pathlib import Path

from ..core.events import Actor
from ..store.journal import VerifyReport
from ..store import integrity as _integrity
from .base import default_actor


class IntegrityOps:
    """Integrity of the record: chain checks, verify, git anchors and journal merges."""

    def integrity(self) -> VerifyReport:
        """The cheap check every reader runs: the chain since the last check, and plan against journal."""
        return _integrity.check(self, full=False)

    def require_intact(self, *, plan: bool = True) -> None:
        """Raise the integrity problem (chain, signatures, or with ``plan`` the plan/journal agreement)."""
        report = _integrity.check(self, full=False, plan=plan)
        if not report.ok and report.problem is not None:
            raise report.problem

    def verify(self, *, anchors: bool = False) -> VerifyReport:
        """The full check: every entry, the plan against the journal, and with ``anchors`` every git anchor."""
        return _integrity.check(self, full=True, anchors=anchors)

    def record_plan(self, *, actor: Actor | None = None) -> list[str]:
        """Journal the plan sections that changed without a recorded save; return their names."""
        return _integrity.record_plan(self, actor or default_actor())

    # git: anchors and journal merges (store/gitrepo.py, store/merge.py), for the surfaces
    def anchor(self):
        """Record the journal's head in a git commit (with the plan and key file it agrees with); return the anchor."""
        from ..store.gitrepo import anchor_journal
        from ..store.signing import KEYS_FILE

        self.require_intact()  # anchor only a journal that verifies (an empty one does not), with the plan agreeing
        events = self.events()
        head = events[-1]
        return anchor_journal(self.journal_path, len(events), head.seq, head.hash,
                              with_files=(self.plan_path, self.root / KEYS_FILE))

    def git_setup(self) -> tuple[Path, bool]:
        """Register the journal merge driver; return the repository's top folder and whether .gitattributes changed."""
        from ..store.gitrepo import register_driver, write_gitattributes

        return register_driver(self.root), write_gitattributes(self.root)

    def resolve_journal_merge(self) -> VerifyReport:
        """Rebuild a conflicted journal from both sides of the unfinished git merge, stage it, and verify."""
        from ..store.gitrepo import add_path, index_stage
        from ..store.merge import merge_journals

        path = self.journal_path
        path.write_bytes(merge_journals(index_stage(path, 1), index_stage(path, 2), index_stage(path, 3)))
        add_path(path)
        return self.verify()

    @staticmethod
    def merge_journal_bytes(base: bytes, ours: bytes, theirs: bytes) -> bytes:
        """Merge three versions of a journal entry by entry (what git's merge driver runs)."""
        from ..store.merge import merge_journals

        return merge_journals(base, ours, theirs)

    def ensure_signing_key(self) -> str:
        """Create the serving side's key if needed and record its public half in the project; return its id."""
        return _integrity.signer_for(self.root).id

