"""Laying out a new project's files without touching what a folder already holds.

``phasebook new .`` in a folder that has the team's own notebooks or
``.gitignore`` must not replace them: the template notebooks are copied only
where no file of that name exists (the ones left alone are reported), and
phasebook's ignore lines are added to an existing ``.gitignore`` after the
user's own lines.
"""

from __future__ import annotations

import json
import platform
import shutil
from pathlib import Path

from .files import write_atomic

__all__ = ["copy_missing", "merge_lines"]

#: Never copied out of the template folder.
_SKIP = {".ipynb_checkpoints", "__pycache__"}


def copy_missing(src: Path, dst: Path, *, root: Path) -> list[str]:
    """Copy the files of ``src`` into ``dst`` where ``dst`` has no file of that name.

    Returns:
        The paths (relative to ``root``, POSIX form) that already existed and
        were left as they are.
    """
    kept: list[str] = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if _SKIP & set(rel.parts) or path.is_dir():
            continue
        target = dst / rel
        if target.exists() or target.is_symlink():
            kept.append(target.relative_to(root).as_posix())
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        if target.suffix == ".ipynb":
            _stamp_python_version(target)
    return kept


def _stamp_python_version(notebook: Path) -> None:
    """Give a copied notebook this Python's version in ``language_info`` (what its kernel will report).

    JupyterLab writes the kernel's ``language_info`` into an opened notebook
    and marks it unsaved when it differs: a fresh copy must already match.
    """
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        info = nb["metadata"]["language_info"]
    except (ValueError, KeyError, TypeError):
        return
    if info.get("name") != "python" or info.get("version") == platform.python_version():
        return
    info["version"] = platform.python_version()
    write_atomic(notebook, json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def merge_lines(path: Path, text: str) -> list[str]:
    """Make the file at ``path`` hold every line of ``text``; its own lines stay first and unchanged.

    Creates the file when it is missing. The file is replaced atomically
    (a temporary file in the same folder, then a rename).

    Returns:
        The lines that were added (empty when nothing had to change).
    """
    wanted = text.splitlines()
    if not path.exists():
        write_atomic(path, text)
        return wanted
    current = path.read_text(encoding="utf-8")
    have = {line.strip() for line in current.splitlines()}
    missing = [line for line in wanted if line.strip() and line.strip() not in have]
    rules = [line for line in missing if not line.startswith("#")]
    if not rules:
        return []
    joined = current + ("" if not current or current.endswith("\n") else "\n")
    write_atomic(path, joined + ("\n" if joined.strip() else "") + "\n".join(missing) + "\n")
    return rules


