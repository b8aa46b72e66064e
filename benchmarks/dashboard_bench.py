"""Benchmark: navigation → dashboard visible, against a trivial one-button Voilà page.

Starts one ``phasebook serve`` on a copy of a project (default: the demo,
built with ``phasebook demo``), adds a trivial notebook (one ipywidgets
button) next to the dashboards, and measures in a real Chromium, each
navigation in a fresh browser context (cold cache, same treatment for all):

* trivial page: the button is visible;
* sign-off page (``?gate=kpi_check``, the demo's gate waiting for product): the Approve button is visible;
* overview: the gates table and the KPI scoreboard are visible;
* monitoring: the drift headline, the first drifted column's chart and the
  model-test trend are visible.

Prints the median seconds of each, the ratios to the trivial page (goal:
≤ 1.3×) and monitoring / overview (goal: ≤ 1.3×), all from the same server
in the same run; page errors (uncaught JavaScript exceptions) are counted
per page. Not a test; timings are noisy on a shared machine.

    python benchmarks/dashboard_bench.py [--project PATH] [--rounds 5]
"""

from __future__ import annotations

import argparse
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import free_port, running  # noqa: E402

from phasebook.dashboards.identity import add_user  # noqa: E402
from phasebook.dashboards.serving import ensure_dashboards  # noqa: E402
from phasebook.project import Project  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def trivial_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('import ipywidgets as w\nw.Button(description="Click me")')]
    nbformat.write(nb, path)


def prepare(project: str | None, work: Path) -> Project:
    if project:
        shutil.copytree(project, work / "project", symlinks=True)
    else:
        from phasebook.demo import build_demo

        print("building the demo project (phasebook demo)…", flush=True)
        build_demo(work / "project")
    p = Project.open(work / "project")
    ensure_dashboards(p)
    trivial_notebook(p.root / "workbooks" / "dashboards" / "trivial.ipynb")
    return p


def measure(browser, url: str, ready, errors: list[str] | None = None) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    if errors is not None:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    start = time.perf_counter()
    page.goto(url, timeout=180_000)
    ready(page)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", help="a project folder to copy (default: build the demo)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="pb-dash-bench-"))
    project = prepare(args.project, work)
    users = work / "users.yaml"
    token = add_user(users, "product owner", "product")
    port = free_port()
    argv = [shutil.which("phasebook") or "phasebook", "serve", str(project.root), "--port", str(port), "--token",
            secrets.token_hex(16), "--users", str(users), "--allow-root", "--cull-idle-timeout", "5",
            "--cull-interval", "1"]
    base = "voila/render/workbooks/dashboards/"
    pages = {
        "trivial": (f"{base}trivial.ipynb?token={token}",
                    lambda pg: pg.get_by_role("button", name="Click me").wait_for(timeout=180_000)),
        "signoff": (f"{base}signoff.ipynb?gate=kpi_check&token={token}",
                    lambda pg: pg.get_by_role("button", name="Approve", exact=True).wait_for(timeout=180_000)),
        "overview": (f"{base}overview.ipynb?token={token}",
                     lambda pg: (pg.get_by_role("table", name="Gates").wait_for(timeout=180_000),
                                 pg.get_by_role("group", name="KPI scoreboard").wait_for(timeout=180_000))),
        "monitoring": (f"{base}monitoring.ipynb?token={token}",
                       lambda pg: (pg.get_by_role("status").first.wait_for(timeout=180_000),
                                   pg.locator(".pb-drifted svg").first.wait_for(timeout=180_000),
                                   pg.get_by_role("img", name=re.compile("per model test")).first.wait_for(
                                       timeout=180_000))),
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    errors: dict[str, list[str]] = {name: [] for name in pages}
    with running(argv, port=port, token=token, cwd=work) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        measure(browser, server.url + pages["trivial"][0], pages["trivial"][1])  # warm-up (disk caches)
        for r in range(args.rounds):
            for name, (path, ready) in pages.items():
                times[name].append(measure(browser, server.url + path, ready, errors[name]))
            print(f"round {r + 1}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()), flush=True)
        browser.close()
    med = {n: statistics.median(t) for n, t in times.items()}
    print(f"\nmedian of {args.rounds} (navigation → visible): " + ", ".join(f"{n} {v:.2f} s" for n, v in med.items()))
    print(f"sign-off / trivial = {med['signoff'] / med['trivial']:.2f}x   (goal ≤ 1.3x)")
    print(f"overview / trivial = {med['overview'] / med['trivial']:.2f}x   (goal ≤ 1.3x)")
    print(f"monitoring / trivial = {med['monitoring'] / med['trivial']:.2f}x")
    print(f"monitoring / overview = {med['monitoring'] / med['overview']:.2f}x   (goal ≤ 1.3x)")
    print("page errors: " + ", ".join(f"{n} {len(e)}" for n, e in errors.items())
          + "".join(f"\n  {n}: {e[0]}" for n, e in errors.items() if e))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
