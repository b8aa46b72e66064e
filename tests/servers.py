"""Start real Jupyter servers (JupyterLab, Voilà, ``phasebook serve``) for tests.

:func:`running` starts a command that serves HTTP on a free 127.0.0.1 port,
waits until ``ready_path`` answers (polling with a deadline, no fixed
sleeps), yields a :class:`Server`, and stops the whole process group after.
Each server gets a temporary ``JUPYTER_CONFIG_DIR`` whose page config
disables JupyterLab's announcements pop-up.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT/ plus the base URL
    token: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def get(self, path: str, *, token: bool = True, timeout: float = 10.0) -> tuple[int, bytes]:
        """GET ``path`` (relative to the base URL); returns (status, body)."""
        return self.request("GET", path, token=token, timeout=timeout)

    def request(self, method: str, path: str, *, body: bytes | None = None, token: bool = True,
                headers: dict | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
        req = urllib.request.Request(self.url + path.lstrip("/"), data=body, method=method)
        if token and self.token:
            req.add_header("Authorization", f"token {self.token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_dir(disabled_plugins: Sequence[str] = ("@jupyterlab/apputils-extension:announcements",)) -> Path:
    """A temporary JUPYTER_CONFIG_DIR with JupyterLab's news pop-up disabled."""
    d = Path(tempfile.mkdtemp(prefix="pb-jupyter-config-"))
    (d / "labconfig").mkdir()
    (d / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {name: True for name in disabled_plugins}})
    )
    return d


@contextlib.contextmanager
def running(
    argv: Sequence[str],
    *,
    port: int,
    token: str,
    ready_path: str = "api/status",
    base_url: str = "/",
    cwd: str | os.PathLike | None = None,
    env: dict | None = None,
    timeout: float = 90.0,
    inherit_env: bool = True,
) -> Iterator[Server]:
    """Run ``argv`` until the block ends; wait for ``ready_path`` to answer first.

    ``env`` is added to this process's environment, or with ``inherit_env=False``
    is the whole environment (a fresh venv's, with nothing of the test process).
    """
    log = Path(tempfile.mkstemp(prefix="pb-server-", suffix=".log")[1])
    base = os.environ if inherit_env else {}
    # a runtime folder of its own, short enough for kernels' Unix sockets (phasebook serve uses them)
    runtime = tempfile.mkdtemp(prefix="pbrt-", dir="/tmp")
    full_env = {**base, "JUPYTER_CONFIG_DIR": str(config_dir()), "JUPYTER_RUNTIME_DIR": runtime,
                "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen(list(argv), cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(url=f"http://127.0.0.1:{port}{base_url}", token=token, port=port, process=proc, log_path=log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n{server.log()[-4000:]}")
            try:
                status, _ = server.get(ready_path, timeout=2)
                if status < 500:
                    break
            except (urllib.error.URLError, ConnectionError, socket.timeout, OSError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"server not ready after {timeout}s:\n{server.log()[-4000:]}")
            time.sleep(0.1)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        import shutil

        shutil.rmtree(runtime, ignore_errors=True)


def checkout_labextensions() -> list[str]:
    """JupyterLab arguments that load the labextension built in THIS checkout, first.

    ``jlpm build`` writes it to ``src/phasebook/labextension``; an installed
    copy elsewhere (a venv's share/jupyter, maybe another checkout's build)
    would otherwise win. A temporary folder holds a ``phasebook`` link to the
    build, and ``LabApp.extra_labextensions_path`` puts it before the others.
    """
    import phasebook

    build = Path(phasebook.__file__).resolve().parent / "labextension"
    if not (build / "package.json").exists():
        return []
    folder = Path(tempfile.mkdtemp(prefix="pb-labext-"))
    (folder / "phasebook").symlink_to(build, target_is_directory=True)
    return [f"--LabApp.extra_labextensions_path={folder}"]


def lab_argv(root_dir: str | os.PathLike, port: int, token: str, *extra: str) -> list[str]:
    """The command line of a JupyterLab for tests (root, 127.0.0.1, no update checks, this checkout's build)."""
    return [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}", "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.port_retries=0", *checkout_labextensions(), *extra,
    ]


@contextlib.contextmanager
def running_lab(root_dir: str | os.PathLike, *extra: str, timeout: float = 90.0) -> Iterator[Server]:
    """A real JupyterLab serving ``root_dir``; ``server.url + 'lab?token=' + server.token`` opens it."""
    port, token = free_port(), secrets.token_hex(16)
    with running(lab_argv(root_dir, port, token, *extra), port=port, token=token, cwd=root_dir,
                 timeout=timeout) as server:
        yield server
