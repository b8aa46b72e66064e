"""Regenerate the README's screenshots from the browser tests (real JupyterLab, Voilà and Chromium).

Usage (from the repository root, with ``pip install -e .[test]`` done)::

    python scripts/screenshots.py          # every screenshot below
    python scripts/screenshots.py binder   # only the tests whose path contains "binder"
    python scripts/screenshots.py themes   # the dashboard pages: light, dark, phone (390 px)

Runs the browser tests that take the screenshots with their artifacts in a
temporary folder (``PHASEBOOK_TEST_ARTIFACTS``), then copies the chosen
images to ``docs/screenshots/`` (re-encoded with 256 colours when Pillow is
there, to keep each under ~150 KB). The screenshots are what the tests saw;
a failing test fails this script and copies nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "screenshots"

#: test file -> the screenshots it takes that the README shows
SHOTS = {
    "tests/browser/test_sidebar_browser.py": [
        "sidebar-1-launcher.png", "sidebar-2-new-project.png", "sidebar-4-run-done.png", "sidebar-5-approved.png",
    ],
    "tests/browser/test_forms_browser.py": ["forms-scope-saved.png"],
    "tests/binder/test_binder_build.py": ["binder-1-lab-sidebar.png", "binder-2-voila-overview.png"],
    "tests/dashboards/test_themes_browser.py": [
        f"page-{page}-{look}.png" for page in ("overview", "signoff", "monitoring", "review")
        for look in ("light", "dark", "phone")
    ],
}
MAX_BYTES = 150_000  # per image: the README stays light


def shrink(path: Path) -> None:
    """Re-encode ``path`` as a 256-colour PNG when that is smaller (screenshots are flat UI colours)."""
    try:
        from PIL import Image
    except ImportError:  # optional: without Pillow the screenshots are copied as taken
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    tmp = path.with_suffix(".tmp.png")
    small.save(tmp, optimize=True)
    if tmp.stat().st_size < path.stat().st_size:
        tmp.replace(path)
    else:
        tmp.unlink()


def main(argv: list[str]) -> int:
    """Run the selected tests and copy their screenshots; returns the exit code."""
    chosen = {test: shots for test, shots in SHOTS.items() if not argv or any(a in test for a in argv)}
    if not chosen:
        print(f"No screenshot test matches {argv}; choose among: {', '.join(SHOTS)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pb-screenshots-") as tmp:
        env = {**os.environ, "PHASEBOOK_TEST_ARTIFACTS": tmp}
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", *chosen], cwd=ROOT, env=env)
        if proc.returncode != 0:
            print("The screenshot tests failed; docs/screenshots/ is unchanged.", file=sys.stderr)
            return proc.returncode
        TARGET.mkdir(parents=True, exist_ok=True)
        for shots in chosen.values():
            for name in shots:
                shutil.copy2(Path(tmp) / name, TARGET / name)
                shrink(TARGET / name)
                size = (TARGET / name).stat().st_size
                print(f"docs/screenshots/{name} ({size / 1000:.0f} KB)" + (" — over the size budget" if size > MAX_BYTES else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
