"""The project's git repository: journal anchors and the journal merge driver.

An *anchor* is a commit whose message carries the trailer
``Phasebook-Anchor: <journal path> lines=<n> seq=<s> <hash>``: the journal's
head at that moment, in history everyone who pulls receives. Rewriting or
truncating the journal afterwards cannot hide: ``verify --anchor`` checks the
journal still holds every anchored head (:func:`recorded_anchors`).

``git-setup`` registers the merge driver ``phasebook-journal`` (``git config
merge.phasebook-journal.driver``) that ``.gitattributes`` names for
``journal.jsonl``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import NotAGitRepositoryError
from ..core.named_errors import GitCommandError, NotMergingError

__all__ = ["Anchor", "GITATTRIBUTES_LINE", "DRIVER", "repo_root", "write_gitattributes", "register_driver",
           "driver_registered", "anchor_journal", "recorded_anchors", "index_stage"]

DRIVER = "phasebook-journal"
GITATTRIBUTES_LINE = f"journal.jsonl merge={DRIVER}"
TRAILER = "Phasebook-Anchor"
_TRAILER_RE = re.compile(rf"^{TRAILER}: (\S+) lines=(\d+) seq=(\d+) (sha256:[0-9a-f]{{64}})\s*$", re.M)


@dataclass(frozen=True)
class Anchor:
    """One recorded journal head: the commit that holds it, the journal's path, its line count, seq and hash."""

    commit: str
    path: str
    lines: int
    seq: int
    hash: str


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, input=input, check=False)
    except FileNotFoundError:
        raise NotAGitRepositoryError(path=str(cwd)) from None
    if done.returncode != 0:
        raise GitCommandError(command=" ".join(args[:2]), stderr=done.stderr.decode(errors="replace").strip())
    return done.stdout.decode("utf-8", errors="replace")


def repo_root(path: Path) -> Path | None:
    """The top of the git work tree holding ``path`` (None when it is not in one)."""
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, check=False)
    except FileNotFoundError:
        return None
    return Path(done.stdout.decode().strip()).resolve() if done.returncode == 0 else None


def _require_repo(path: Path) -> Path:
    top = repo_root(path)
    if top is None:
        raise NotAGitRepositoryError(path=str(path))
    return top


def write_gitattributes(project_root: Path) -> bool:
    """Make sure the project's ``.gitattributes`` routes ``journal.jsonl`` to the driver; True if written."""
    path = Path(project_root) / ".gitattributes"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if any(line.split() == GITATTRIBUTES_LINE.split() for line in text.splitlines()):
        return False
    prefix = "" if not text or text.endswith("\n") else "\n"
    path.write_text(text + prefix + "# phasebook: merge journals entry by entry (phasebook git-setup)\n"
                    + GITATTRIBUTES_LINE + "\n", encoding="utf-8")
    return True


def driver_command() -> str:
    """The command git runs to merge journals (this Python, so it works whatever git's PATH is)."""
    return f"{shlex.quote(sys.executable)} -m phasebook.cli merge-journal %O %A %B"


def register_driver(project_root: Path) -> Path:
    """Register the merge driver in the repository's config; return the repository's top."""
    top = _require_repo(project_root)
    _git(top, "config", f"merge.{DRIVER}.name", "phasebook journal: keep both sides' entries, add a merge entry")
    _git(top, "config", f"merge.{DRIVER}.driver", driver_command())
    return top


def driver_registered(project_root: Path) -> bool:
    top = repo_root(project_root)
    if top is None:
        return False
    done = subprocess.run(["git", "config", "--get", f"merge.{DRIVER}.driver"], cwd=top, capture_output=True, check=False)
    return done.returncode == 0 and b"merge-journal" in done.stdout


def anchor_journal(journal_path: Path, lines: int, seq: int, head: str, *, with_files: tuple[Path, ...] = ()) -> Anchor:
    """Commit the journal as it is now (with ``with_files``, and nothing else) with an anchor trailer.

    Whatever else is staged stays staged: the commit is built in a private
    index from ``HEAD`` plus those files. ``with_files`` are the plan and the
    key file, so the anchored commit's plan agrees with its journal.
    """
    top = _require_repo(journal_path.parent)
    rel = journal_path.resolve().relative_to(top).as_posix()
    files = [p.resolve().relative_to(top).as_posix() for p in (journal_path, *with_files) if p.exists()]
    blobs = {f: _git(top, "hash-object", "-w", "--", f).strip() for f in files}
    has_head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=top, capture_output=True).returncode == 0
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(top, "read-tree", *(["HEAD"] if has_head else ["--empty"]), env=env)
        for f, blob in blobs.items():
            _git(top, "update-index", "--add", "--cacheinfo", f"100644,{blob},{f}", env=env)
        tree = _git(top, "write-tree", env=env).strip()
    message = (f"phasebook: anchor the journal head (entry {seq}, {lines} lines)\n\n"
               f"{TRAILER}: {rel} lines={lines} seq={seq} {head}\n")
    parents = ["-p", "HEAD"] if has_head else []
    commit = _git(top, "commit-tree", tree, *parents, input=message.encode("utf-8")).strip()
    _git(top, "update-ref", "-m", "phasebook anchor", "HEAD", commit)
    for f, blob in blobs.items():  # the real index agrees with HEAD for those files
        _git(top, "update-index", "--add", "--cacheinfo", f"100644,{blob},{f}")
    return Anchor(commit=commit, path=rel, lines=lines, seq=seq, hash=head)


def recorded_anchors(journal_path: Path) -> list[Anchor]:
    """Every anchor of this journal in the history of ``HEAD`` (newest first); [] outside git."""
    top = repo_root(journal_path.parent)
    if top is None:
        return []
    if subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=top, capture_output=True).returncode != 0:
        return []
    rel = journal_path.resolve().relative_to(top).as_posix()
    log = _git(top, "log", f"--grep={TRAILER}:", "--format=%H%x1f%B%x1e", "HEAD")
    found = []
    for record in log.split("\x1e"):
        if "\x1f" not in record:
            continue
        commit, body = record.strip().split("\x1f", 1)
        for m in _TRAILER_RE.finditer(body):
            if m.group(1) == rel:
                found.append(Anchor(commit=commit, path=rel, lines=int(m.group(2)), seq=int(m.group(3)), hash=m.group(4)))
    return found


def index_stage(path: Path, stage: int) -> bytes:
    """The content of ``path`` at merge stage 1 (base), 2 (ours) or 3 (theirs) of an unfinished merge."""
    top = _require_repo(path.parent)
    rel = path.resolve().relative_to(top).as_posix()
    done = subprocess.run(["git", "show", f":{stage}:{rel}"], cwd=top, capture_output=True, check=False)
    if done.returncode != 0:
        if stage == 1:
            return b""
        raise NotMergingError(file=rel, stage=stage)
    return done.stdout


def add_path(path: Path) -> None:
    """``git add`` one file (marks a resolved conflict)."""
    top = _require_repo(path.parent)
    _git(top, "add", "--", path.resolve().relative_to(top).as_posix())
