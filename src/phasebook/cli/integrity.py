"""The integrity commands: verify, anchor, git-setup, merge-journal, record-plan.

What each protection proves (and does not) is in the README, "What a
sign-off proves".
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import cli, console, err_console, open_project
from ..core.named_errors import RecordFileError

__all__ = ["verify", "anchor", "git_setup", "merge_journal", "record_plan", "integrity_banner"]


def integrity_banner(project, report=None) -> bool:
    """Print the red integrity banner on stderr when the journal fails its check; True if it did."""
    report = report if report is not None else project.integrity()
    if report.ok:
        return False
    err_console.print(f"[bold white on red] journal integrity check failed [/] {report.message()}",
                      markup=True, highlight=False, soft_wrap=True)
    return True


def _project_unopened(ctx: click.Context):
    """The project without reading its journal (verify must work on a journal that does not parse)."""
    from ..project import Project

    given = ctx.find_root().obj.get("project")
    root = Project.find(given or ".") if given is None or Path(given).is_dir() else None
    if root is None:
        open_project(ctx)  # raises the not-found message
    return Project(root)


@cli.command()
@click.option("--repair", is_flag=True, help="Move a torn last line (an interrupted write) aside into .phasebook/torn/.")
@click.option("--anchor", "anchors", is_flag=True, help="Also check the journal still holds every head anchored in git.")
@click.option("--bundle", "bundle", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Check an exported record (phasebook export) instead, without the project.")
@click.pass_context
def verify(ctx: click.Context, repair: bool, anchors: bool, bundle: Path | None = None) -> None:
    """Check every journal entry (hash, chain, signatures, time), the plan against the journal, and anchors.

    Exits 1 naming the first entry that fails and which check.
    """
    if bundle is not None:
        _verify_bundle(bundle)
        return
    project = _project_unopened(ctx)
    report = project.verify(anchors=anchors)
    if not report.ok and repair and report.check == "torn":
        moved = project.journal.repair()
        console.print(f"Moved the torn last line to {moved}.")
        report = project.verify(anchors=anchors)
    if report.ok:
        console.print(report.message() + (", every anchored head present" if anchors else ""))
        return
    raise report.problem


@cli.command()
@click.pass_context
def anchor(ctx: click.Context) -> None:
    """Record the journal's head (entry count and hash) in a git commit, where rewriting it shows."""
    project = open_project(ctx)
    made = project.anchor()  # only a journal that verifies, with the plan agreeing
    events = project.events()
    head = events[-1]
    console.print(f"Anchored entry {head.seq} ({len(events)} lines, {head.hash[:19]}…) in commit {made.commit[:10]}. "
                  "Push it so everyone has the anchor.")


@cli.command(name="git-setup")
@click.pass_context
def git_setup(ctx: click.Context) -> None:
    """Register the journal merge driver in the repository and route journal.jsonl to it (.gitattributes)."""
    project = _project_unopened(ctx)
    top, wrote = project.git_setup()
    console.print(f"Registered the phasebook-journal merge driver in {top / '.git' / 'config'}"
                  + (" and added it to .gitattributes (commit that file)." if wrote else "."))
    console.print("Each clone runs `phasebook git-setup` once: git does not copy merge drivers between clones.")


@cli.command(name="merge-journal")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--resolve", is_flag=True, help="Rebuild a conflicted journal.jsonl from both sides of the unfinished merge.")
@click.pass_context
def merge_journal(ctx: click.Context, files: tuple[Path, ...], resolve: bool) -> None:
    """Merge journals entry by entry (git runs it as `merge-journal BASE OURS THEIRS`; the result goes to OURS)."""
    from ..project import Project

    if resolve:
        project = _project_unopened(ctx)
        path = project.journal_path
        report = project.resolve_journal_merge()
        console.print(f"Rebuilt {path.name} from both sides and staged it ({report.message()}). Commit to finish the merge.")
        return
    if len(files) != 3:
        raise click.UsageError("Give BASE OURS THEIRS (git's %O %A %B), or --resolve.")
    base, ours, theirs = files
    try:
        merged = Project.merge_journal_bytes(base.read_bytes(), ours.read_bytes(), theirs.read_bytes())
    except Exception as exc:  # git shows a conflict; say why
        click.echo(f"phasebook merge-journal: {getattr(exc, 'message', exc)}", err=True)
        sys.exit(1)
    tmp = ours.with_name(ours.name + ".phasebook-merge")
    tmp.write_bytes(merged)
    tmp.replace(ours)


@cli.command(name="record-plan")
@click.pass_context
def record_plan(ctx: click.Context) -> None:
    """Journal plan changes that have no recorded save (an interrupted save, a hand edit, a merge)."""
    project = open_project(ctx)
    changed = project.record_plan()
    console.print(f"Recorded the current content of {', '.join(changed)}." if changed
                  else "The plan and the journal agree; nothing to record.")


def _verify_bundle(path: Path) -> None:
    """``verify --bundle``: the record's entries, keys, sections, and its page against them (no project needed)."""
    from ..dashboards.record import verify_record
    from ..project import record_data

    MAX_RECORD_BYTES, BundleProblem = record_data.MAX_RECORD_BYTES, record_data.BundleProblem

    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            raise RecordFileError(file=str(path), problem=f"it is {size} bytes; a record is at most {MAX_RECORD_BYTES}")
        html = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordFileError(file=str(path), problem=str(exc)) from None
    try:
        summary = verify_record(html)
    except BundleProblem as problem:
        err_console.print(f"[bold white on red] record check failed [/] {path}: {problem}", markup=True,
                          highlight=False, soft_wrap=True)
        sys.exit(1)
    console.print(f"{path}: {summary['entries']} entries verified (hashes, chain, {summary['signed']} Ed25519 "
                  f"signature(s) by {len(summary['keys'])} key(s)); the page matches its data.", markup=False, soft_wrap=True,
                  highlight=False)
