"""One fresh environment built from this checkout, shared by every test in tests/binder.

The Binder emulation (``test_binder_build.py``) and the fresh-install checks
(``test_fresh_install.py``) need the same thing: a brand-new ``python -m
venv`` (no system site-packages) holding phasebook built from this checkout
as a wheel, with nothing installed by hand. ``binder/requirements.txt`` is
``.`` alone, so the image repo2docker would build *is* that environment;
building it once per session (not once per module) saves a whole install.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Variables of the outer test process that would leak its Python or Jupyter setup into the image.
LEAKY = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
         "JUPYTER_PATH", "JUPYTER_RUNTIME_DIR", "JUPYTER_PLATFORM_DIRS", "JUPYTERLAB_DIR", "IPYTHONDIR")


@dataclass
class Image:
    """The emulated image: its Python environment, its HOME, the environment its processes get."""

    venv: Path
    home: Path
    env: dict
    seconds: dict = field(default_factory=dict)
    logs: dict = field(default_factory=dict)

    def run(self, *argv: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a command inside the image (venv first on PATH, HOME the image's)."""
        return subprocess.run(list(argv), cwd=cwd or self.home, env=self.env, capture_output=True, text=True,
                              timeout=timeout)


def _step(image: Image, name: str, argv: list[str], *, timeout: float) -> None:
    start = time.perf_counter()
    proc = image.run(*argv, cwd=REPO, timeout=timeout)
    image.seconds[name] = round(time.perf_counter() - start, 1)
    image.logs[name] = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{name} failed ({proc.returncode}):\n{image.logs[name][-6000:]}"


@pytest.fixture(scope="session")
def image(tmp_path_factory, artifacts_dir) -> Image:
    """Build the image the way repo2docker does, from this checkout."""
    base = tmp_path_factory.mktemp("binder")
    venv, home = base / "venv", base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}")
    # pip keeps using the outer user's cache, so CI's earlier `pip install` warms this one
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    img = Image(venv=venv, home=home, env=env)

    _step(img, "venv", [sys.executable, "-m", "venv", str(venv)], timeout=120)
    _step(img, "pip install -r binder/requirements.txt",
          [str(venv / "bin" / "pip"), "install", "-r", "binder/requirements.txt"], timeout=1200)
    assert os.access(REPO / "binder" / "postBuild", os.X_OK), "binder/postBuild must be executable (git mode 100755)"
    _step(img, "./binder/postBuild", ["./binder/postBuild"], timeout=1200)
    (artifacts_dir / "binder-timings.json").write_text(json.dumps(img.seconds, indent=2))
    (artifacts_dir / "binder-postBuild.log").write_text(img.logs["./binder/postBuild"])
    return img


