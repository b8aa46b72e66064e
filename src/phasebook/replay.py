"""Replayed answers: what ``phasebook status`` printed, printed again while nothing it read has changed.

A warm ``status`` of a large project spends most of its time importing and
rendering (click, pydantic and phasebook's models, rich), not folding: the fold
is cached (:mod:`.store.statuscache`). So the answer itself is kept too, and a
later run that would read exactly the same things prints it without importing
any of that.

**What an answer is kept with** (a run that cannot tell one of these keeps
nothing):

* *the question*: the arguments, the working folder, the whole environment
  (hashed; any variable changed is another question, except the shell's own
  ``$_``, ``OLDPWD`` and ``SHLVL``), the interpreter, whether
  stdout and stderr are terminals and the terminal's size;
* *every file it read*: while the command runs, every path opened (Python's
  ``open`` audit event, raised by ``open``, ``io.open``, ``os.open`` and the
  import system's ``io.open_code``), listed (``os.listdir``, ``os.scandir``) or
  looked at (``os.stat``, so ``exists()`` and ``is_file()`` too, and
  ``os.access``) is noted, and
  when it ends each one's identity is kept: inode, device, size, mode,
  modification and change time in nanoseconds, or that it did not exist. A
  path only ``os.lstat``-ed (resolving a path does that to each of its parts)
  keeps its file type and, for a link, where it points. The
  files of every imported module are added, so an upgrade of phasebook or of a
  library it prints with asks again;
* *time*: a status that changes with the clock alone (a finding's due date
  ahead) says until when it holds (:func:`valid_until`); a run that depends
  on the time otherwise (who is waited on, and since when) says it cannot be
  kept (:func:`not_replayable`);
* *what it printed*: stdout and stderr, bytes in order, and the exit code
  (only 0 and 1 are kept: an answer, or an unmet ``--require``).

**Replayed** only when every one of those files has exactly the identity it
had, and the time is before the answer's limit. A file changed, added or
removed since — a journal entry appended, the plan saved, a key added, a
``git pull`` — is a different identity, and the command runs in full (and is
kept again).

**Settling:** a file whose change time is within :data:`SETTLE_S` seconds of
the run is too new to trust (file times tick coarsely: a second change in the
same tick, to the same size, would look unchanged), so that run keeps nothing;
the next run, once the files have settled, does. A file system whose times
tick slower than that (FAT, some network mounts) is not detected: set
``PHASEBOOK_NO_REPLAY=1`` for a project on one.

The answers live in the user's cache (``$PHASEBOOK_CACHE_DIR``, else
``$XDG_CACHE_HOME/phasebook``, else ``~/.cache/phasebook``), under
``answers/``, one file per question, at most :data:`MAX_ANSWERS` (the oldest go
first); a file larger than :data:`MAX_BYTES` or not of the expected shape is
ignored, and so is any answer whose file or folder is not the user's own or
may be written by others (an answer is printed as the project's status: it is
as trusted as the user's home). A changed file cannot pass for the one read:
its change time moves on any write, and only root can set it back.
``PHASEBOOK_NO_REPLAY=1`` turns replaying and keeping off.

This module imports only the standard library: a replay never imports click,
pydantic or rich.
"""

from __future__ import annotations

import os
import sys
import time
TYPE_CHECKING = False  # (not typing's: ``--help`` passes through here, and imports nothing it does not use)
if TYPE_CHECKING:
    import datetime as dt
    from typing import Any, Callable

__all__ = ["run", "command_of", "answered", "valid_until", "not_replayable", "answers_dir", "REPLAYABLE", "SETTLE_S",
           "MAX_BYTES", "MAX_ANSWERS", "MAX_PATHS"]

#: commands whose answer may be replayed: they only read, and what they print depends only on what they read
REPLAYABLE = frozenset({"status"})
#: seconds a file must have been unchanged for an answer that read it to be kept
SETTLE_S = 2.0
#: an answer file larger than this is not read (the bound of its parse)
MAX_BYTES = 8 * 1024 * 1024
#: answers kept at most; writing one more removes the oldest
MAX_ANSWERS = 64
#: paths one answer may depend on (more: not kept)
MAX_PATHS = 20_000
_VERSION = 1
#: variables a shell sets for its own bookkeeping (``$_`` is the program it last ran): not part of a question
_SHELL_ONLY = frozenset({"_", "OLDPWD", "SHLVL"})
#: the group's options that take a value (``phasebook --project P status``)
_VALUED = ("--project",)


class _Recording:
    """What one run read, until when its answer holds, why it cannot be kept, and what it printed."""

    def __init__(self, skip: str) -> None:
        self.paths: set[str] = set()
        self.links: set[str] = set()  # paths only ``lstat``-ed: resolving a path asks only whether each part links
        self.until: float | None = None
        self.refused: str | None = None
        self.out: list[tuple[int, bytes]] = []
        self.skip = skip  # the answers folder itself
        self.answered = False
        self.cwd = os.getcwd()

    def note(self, path: Any, link: bool = False) -> None:
        if isinstance(path, int):
            return  # a file descriptor: its path was noted when it was opened
        try:
            p = os.fsdecode(os.fspath(path))
        except TypeError:
            return
        if not p.startswith(self.skip):
            (self.links if link else self.paths).add(p if os.path.isabs(p) else os.path.join(self.cwd, p))


_active: _Recording | None = None
_hooked = False


def valid_until(when: dt.datetime | None) -> None:
    """The answer being recorded holds until ``when`` (an aware time; None: no limit from this)."""
    if _active is not None and when is not None:
        t = when.timestamp()
        _active.until = t if _active.until is None else min(_active.until, t)


def answered() -> None:
    """The command being recorded has printed its whole answer (what it prints after this is kept too; a run
    that never says so — an error, an interruption — keeps nothing)."""
    if _active is not None:
        _active.answered = True


def not_replayable(reason: str) -> None:
    """The answer being recorded depends on something a replay cannot check (``reason``): keep nothing."""
    if _active is not None and _active.refused is None:
        _active.refused = reason


def answers_dir() -> str:
    base = os.environ.get("PHASEBOOK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "phasebook")
    return os.path.join(os.path.abspath(base), "answers")


def command_of(args: list[str]) -> str | None:
    """The command ``args`` run (the group's ``--project P`` skipped), or None (help, version, no command)."""
    if any(a in ("-h", "--help", "--version") for a in args):
        return None
    i = 0
    while i < len(args):
        a = args[i]
        if a in _VALUED:
            i += 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        return a
    return None


def _tty(fd: int) -> list[Any]:
    try:
        if not os.isatty(fd):
            return [False]
        size = os.get_terminal_size(fd)
        return [True, size.columns, size.lines]
    except OSError:
        return [False]


def _question(args: list[str]) -> str:
    import hashlib
    import json

    parts = [_VERSION, sys.executable, sys.version, sys.flags.utf8_mode, os.getcwd(), args,
             sorted(kv for kv in os.environ.items() if kv[0] not in _SHELL_ONLY), _tty(1), _tty(2),
             getattr(sys.stdout, "encoding", None), getattr(sys.stderr, "encoding", None)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=True).encode()).hexdigest()


_STAT = os.stat
_LSTAT = os.lstat
_ACCESS = os.access


def _identity(path: str) -> list[int] | None:
    try:
        st = _STAT(path)
    except (OSError, ValueError):
        return None
    return [st.st_ino, st.st_dev, st.st_size, st.st_mode, st.st_mtime_ns, st.st_ctime_ns]


def _kind(path: str) -> list[Any] | None:
    """What resolving ``path`` depends on: its file type, and where it points if it is a link (None: absent)."""
    try:
        st = _LSTAT(path)
        return [st.st_mode >> 12, os.readlink(path) if (st.st_mode >> 12) == 0o12 else None]
    except (OSError, ValueError):
        return None


def _private(path: str) -> bool:
    """``path`` is the user's own and nobody else may write it (what a kept answer and its folder must be)."""
    getuid = getattr(os, "getuid", None)  # (POSIX: elsewhere nothing is replayed)
    st = _STAT(path)
    return getuid is not None and st.st_uid == getuid() and not st.st_mode & 0o022


def _replay(file: str) -> int | None:
    """Print the answer in ``file`` and return its exit code, if it still holds; else None (printing nothing).

    Only from a folder and a file that are the user's own and writable by nobody else: an answer anyone
    else could write could print a status that is not the project's.
    """
    import json

    try:
        if not (_private(os.path.dirname(file)) and _private(file)):
            return None
        with open(file, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        doc = json.loads(raw)
        if doc.get("version") != _VERSION:
            return None
        until, code, files, out = doc["until"], doc["code"], doc["files"], doc["out"]
        if until is not None and time.time() >= float(until):
            return None
        if not isinstance(files, list) or len(files) > MAX_PATHS or code not in (0, 1):
            return None
        for path, ident, link in files:
            if (_kind(path) if link else _identity(path)) != ident:
                return None
        chunks = [(int(fd), bytes.fromhex(text)) for fd, text in out]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    for fd, data in chunks:
        stream = sys.stdout if fd == 1 else sys.stderr
        stream.flush()
        stream.buffer.write(data)
    sys.stdout.flush()
    sys.stderr.flush()
    return code


class _BytesTee:
    def __init__(self, raw: Any, fd: int, rec: _Recording) -> None:
        self._raw, self._fd, self._rec = raw, fd, rec

    def write(self, data: Any) -> int:
        n = self._raw.write(data)
        self._rec.out.append((self._fd, bytes(data)))
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _TextTee:
    """A text stream that writes through to ``stream`` and records the bytes written (its ``buffer`` too)."""

    def __init__(self, stream: Any, fd: int, rec: _Recording) -> None:
        self._stream, self._fd, self._rec = stream, fd, rec
        self.buffer = _BytesTee(stream.buffer, fd, rec)

    def write(self, text: str) -> int:
        n = self._stream.write(text)
        self._rec.out.append((self._fd, text.encode(self._stream.encoding or "utf-8", self._stream.errors or "strict")))
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


#: audit events after which what a run read is no longer all in the files it noted: another program ran
#: (``git``, for anchors), the network was asked, or a library reads files below Python (SQLite)
_OPAQUE = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                     "os.forkpty", "pty.spawn", "socket.connect", "socket.getaddrinfo", "sqlite3.connect",
                     "ctypes.dlopen", "mmap.__new__"})


def _audit(event: str, args: tuple) -> None:
    rec = _active
    if rec is None:
        return
    if event == "open" or event in ("os.listdir", "os.scandir"):
        if args and args[0] is not None:
            rec.note(args[0])
    elif event in _OPAQUE and rec.refused is None:
        rec.refused = event


def _stat(path: Any, *a: Any, **k: Any) -> Any:
    if _active is not None:
        _active.note(path)
    return _STAT(path, *a, **k)


def _lstat(path: Any, *a: Any, **k: Any) -> Any:
    if _active is not None:
        _active.note(path, link=True)
    return _LSTAT(path, *a, **k)


def _access(path: Any, *a: Any, **k: Any) -> Any:
    if _active is not None:
        _active.note(path)
    return _ACCESS(path, *a, **k)


def _keep(file: str, rec: _Recording, code: int, started: float) -> None:
    """Write the answer of ``rec`` to ``file`` if every file it read has settled; else nothing."""
    import json

    paths = rec.paths | {os.path.abspath(m.__file__) for m in list(sys.modules.values())
                         if isinstance(getattr(m, "__file__", None), str)} | {"/etc/localtime"}
    links = rec.links - paths
    if len(paths) + len(links) > MAX_PATHS:
        return
    files = []
    for path in sorted(paths):
        ident = _identity(path)
        if ident is not None and max(ident[4], ident[5]) >= (started - SETTLE_S) * 1e9:
            return  # too new to trust
        files.append([path, ident, False])
    files += [[path, _kind(path), True] for path in sorted(links)]
    doc = {"version": _VERSION, "until": rec.until, "code": code, "files": files,
           "out": [[fd, data.hex()] for fd, data in rec.out]}
    raw = json.dumps(doc).encode()
    if len(raw) > MAX_BYTES:
        return
    folder = os.path.dirname(file)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _private(folder):
            return  # a folder others may write to: its answers would not be replayed either
        tmp = f"{file}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, file)
        with os.scandir(folder) as it:
            kept = sorted((e for e in it if e.name.endswith(".json")), key=lambda e: e.stat().st_mtime_ns)
        for old in kept[:-MAX_ANSWERS]:
            os.remove(old.path)
    except OSError:  # a read-only home: the answer is simply not kept
        pass


def run(args: list[str], command: Callable[[], Any]) -> Any:
    """Run ``command`` (the CLI with ``args``): replay its kept answer if it still holds, else run it and keep it."""
    global _active, _hooked
    if command_of(args) not in REPLAYABLE or os.environ.get("PHASEBOOK_NO_REPLAY"):
        return command()
    if not all(hasattr(s, "buffer") for s in (sys.stdout, sys.stderr)):  # redirected into memory: no bytes to keep
        return command()
    try:
        folder = answers_dir()
        file = os.path.join(folder, _question(args) + ".json")
    except (OSError, ValueError):  # no working folder, an unencodable environment: just run
        return command()
    code = _replay(file)
    if code is not None:
        sys.exit(code)
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    rec = _Recording(folder + os.sep)
    started = time.time()
    streams = sys.stdout, sys.stderr
    _active = rec
    sys.stdout, sys.stderr = _TextTee(streams[0], 1, rec), _TextTee(streams[1], 2, rec)
    os.stat, os.lstat, os.access = _stat, _lstat, _access
    code = None
    try:
        command()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else -1)
        raise
    finally:
        _active = None
        os.stat, os.lstat, os.access = _STAT, _LSTAT, _ACCESS
        sys.stdout, sys.stderr = streams
        if code in (0, 1) and rec.answered and rec.refused is None:
            sys.stdout.flush()
            sys.stderr.flush()
            _keep(file, rec, code, started)
