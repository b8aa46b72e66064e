"""Replayed answers (phasebook.replay): a kept ``status`` is printed again only while nothing it read changed.

The mechanism is tried in-process with a small command that reads files the ways phasebook does (open, stat,
listing a folder); then the real ``phasebook status`` in subprocesses, against a full run each time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from phasebook import replay


# -- the mechanism, in-process -----------------------------------------------------------------------------------

class Command:
    """Reads ``data.txt`` (open), whether ``flag`` exists (stat) and the names in ``inbox/`` (listing); prints
    them on stdout and a note on stderr; exits with ``code``."""

    def __init__(self, root: Path) -> None:
        self.root, self.calls, self.code, self.answered = root, 0, 0, True
        self.before = lambda: None  # what the command does first (the clock, a program…)

    def __call__(self) -> None:
        self.calls += 1
        self.before()
        text = (self.root / "data.txt").read_text(encoding="utf-8")
        flag = (self.root / "flag").exists()
        names = sorted(os.listdir(self.root / "inbox"))
        print(f"data={text} flag={flag} inbox={names} ünï")
        print("a note", file=sys.stderr)
        print("after the note")
        if self.answered:
            replay.answered()
        sys.exit(self.code)


def ask(cmd: Command, args=("status",)) -> int:
    with pytest.raises(SystemExit) as exc:
        replay.run(list(args), cmd)
    return exc.value.code


@pytest.fixture
def settled(tmp_path, monkeypatch):
    """A folder with the command's files, the cache in tmp, and no settling wait (files here change size or
    are replaced, so a change is visible at once)."""
    (tmp_path / "data.txt").write_text("one", encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    monkeypatch.setenv("PHASEBOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PHASEBOOK_NO_REPLAY", raising=False)
    monkeypatch.setattr(replay, "SETTLE_S", -5.0)
    monkeypatch.chdir(tmp_path)
    return Command(tmp_path)


def test_an_unchanged_question_is_answered_from_the_kept_answer_bytes_and_exit_code_alike(settled, capfd):
    # Given a command run once (it prints on both streams, non-ASCII included, and exits 1)
    settled.code = 1
    assert ask(settled) == 1
    first = capfd.readouterr()
    # When it is asked again with nothing changed
    assert ask(settled) == 1
    again = capfd.readouterr()
    # Then it did not run, and the same bytes came out on the same streams, with the same exit code
    assert settled.calls == 1
    assert again.out == first.out == "data=one flag=False inbox=[] ünï\nafter the note\n"
    assert again.err == first.err == "a note\n"


@pytest.mark.parametrize("change", [
    "content", "replaced same size", "removed", "created", "listing", "environment", "folder", "arguments",
])
def test_any_change_to_what_it_read_or_to_the_question_runs_the_command_again(settled, capfd, change, tmp_path,
                                                                              monkeypatch):
    args = ["status"]
    assert ask(settled) == 0
    capfd.readouterr()
    # When one thing it read, or the question, changes
    if change == "content":
        (tmp_path / "data.txt").write_text("three", encoding="utf-8")
    elif change == "replaced same size":  # same size, written beside and moved over (a save, a git checkout)
        (tmp_path / "new.txt").write_text("two", encoding="utf-8")
        os.replace(tmp_path / "new.txt", tmp_path / "data.txt")
    elif change == "removed":
        (tmp_path / "data.txt").unlink()
        (tmp_path / "data.txt").write_text("one", encoding="utf-8")  # back, but another file
    elif change == "created":
        (tmp_path / "flag").write_text("", encoding="utf-8")
    elif change == "listing":
        (tmp_path / "inbox" / "new").write_text("", encoding="utf-8")
    elif change == "environment":
        monkeypatch.setenv("PHASEBOOK_SOMETHING", "1")
    elif change == "folder":
        (tmp_path / "elsewhere").mkdir()
        monkeypatch.chdir(tmp_path / "elsewhere")
        (tmp_path / "elsewhere" / "data.txt").write_text("one", encoding="utf-8")
        (tmp_path / "elsewhere" / "inbox").mkdir()
        settled.root = tmp_path / "elsewhere"
    elif change == "arguments":
        args = ["status", "--json"]
    assert ask(settled, args) == 0
    # Then the command ran again and printed what is true now
    assert settled.calls == 2
    out = capfd.readouterr().out
    expected = {"content": "data=three", "replaced same size": "data=two", "created": "flag=True",
                "listing": "inbox=['new']"}.get(change, "data=one")
    assert expected in out


@pytest.mark.parametrize("why", ["no answer", "exit 2", "clock", "program", "expired", "settling"])
def test_an_answer_that_cannot_be_trusted_is_not_kept(settled, capfd, why, monkeypatch):
    if why == "no answer":  # an error before the answer was printed
        settled.answered = False
    elif why == "exit 2":
        settled.code = 2
    elif why == "clock":
        from phasebook.core.events import clock

        settled.before = clock
    elif why == "program":
        settled.before = lambda: subprocess.run(["true"], check=True)
    elif why == "expired":  # holds until a moment that passes before the second question
        settled.before = lambda: replay.valid_until(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=0.2))
    elif why == "settling":  # the file it read changed just now (default settling time)
        monkeypatch.setattr(replay, "SETTLE_S", 2.0)
    ask(settled)
    if why == "expired":
        time.sleep(0.3)
    ask(settled)
    assert settled.calls == 2


def test_a_damaged_or_oversized_answer_file_is_ignored(settled, capfd, monkeypatch):
    assert ask(settled) == 0
    folder = Path(os.environ["PHASEBOOK_CACHE_DIR"]) / "answers"
    [kept] = list(folder.glob("*.json"))
    for damage in (b"{not json", json.dumps({"version": 1}).encode(), b"x" * 100):
        kept.write_bytes(damage)
        monkeypatch.setattr(replay, "MAX_BYTES", 50)
        assert ask(settled) == 0
        monkeypatch.setattr(replay, "MAX_BYTES", 8 * 1024 * 1024)
    assert settled.calls == 4
    capfd.readouterr()


@pytest.mark.parametrize("loose", ["folder", "file"])
def test_an_answer_others_may_write_is_never_replayed(settled, capfd, loose):
    # Given a kept answer
    assert ask(settled) == 0
    folder = Path(os.environ["PHASEBOOK_CACHE_DIR"]) / "answers"
    [kept] = list(folder.glob("*.json"))
    assert (folder.stat().st_mode & 0o777, kept.stat().st_mode & 0o777) == (0o700, 0o600)
    # When its folder or the file may be written by the group or by anyone (a shared cache folder)
    (folder if loose == "folder" else kept).chmod(0o777 if loose == "folder" else 0o666)
    # Then it is not replayed: the command runs
    assert ask(settled) == 0
    assert settled.calls == 2
    capfd.readouterr()


def test_only_replayable_commands_are_kept_and_no_replay_turns_it_off(settled, capfd, monkeypatch):
    for args in (["signoff", "scope_approval"], ["--help"], ["status", "--help"]):
        ask(settled, args)
    monkeypatch.setenv("PHASEBOOK_NO_REPLAY", "1")
    ask(settled)
    ask(settled)
    assert settled.calls == 5
    assert not (Path(os.environ["PHASEBOOK_CACHE_DIR"]) / "answers").exists()
    capfd.readouterr()


def test_streams_redirected_into_memory_are_written_to_not_kept(settled, capfd):
    import contextlib
    import io

    for _ in range(2):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            ask(settled)
        assert out.getvalue().startswith("data=one") and err.getvalue() == "a note\n"
    assert settled.calls == 2


def test_at_most_max_answers_are_kept(settled, capfd, monkeypatch):
    monkeypatch.setattr(replay, "MAX_ANSWERS", 3)
    for i in range(5):
        ask(settled, ["status", f"--n{i}"])
    assert len(list((Path(os.environ["PHASEBOOK_CACHE_DIR"]) / "answers").glob("*.json"))) == 3
    capfd.readouterr()


# -- the real command --------------------------------------------------------------------------------------------

def _phasebook(args, cwd, env, extra=()):
    code = "import sys; from phasebook.cli import main; sys.argv[0] = 'phasebook'; main()"
    return subprocess.run([sys.executable, *extra, "-c", code, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def _settle():
    time.sleep(replay.SETTLE_S + 0.2)


def test_phasebook_status_is_replayed_without_importing_the_models_and_never_after_a_change(tmp_path):
    # Given a project whose files have settled, and status run once (kept)
    env = {**os.environ, "PHASEBOOK_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "120"}
    env.pop("PHASEBOOK_NO_REPLAY", None)
    full_env = {**env, "PHASEBOOK_NO_REPLAY": "1"}
    project = tmp_path / "churn"
    assert _phasebook(["new", str(project)], tmp_path, env).returncode == 0
    questions = (["status"], ["status", "--json"], ["status", "--require", "scope_approval"])
    for args in questions:  # the first run writes the fold's caches: too new for its answer to be kept
        _phasebook(args, project, env)
    _settle()
    for args in questions:
        first = _phasebook(args, project, env)  # kept
        # When it is asked again
        again = _phasebook(args, project, env, extra=("-X", "importtime"))
        # Then the answer is the full run's, byte for byte, exit code too, and nothing heavy was imported
        full = _phasebook(args, project, full_env)
        assert (again.stdout, again.returncode) == (first.stdout, first.returncode) == (full.stdout, full.returncode)
        imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time")}
        assert "phasebook.cli.commands" not in imported and "pydantic" not in imported and "rich" not in imported
        assert "phasebook.replay" in imported
        replayed_err = "\n".join(x for x in again.stderr.splitlines() if not x.startswith("import time"))
        assert replayed_err.strip() == full.stderr.strip()
    assert first.returncode == 1 and "required:" in full.stderr  # the unmet --require, replayed as it was

    # When the journal grows (another process records a decision), then the plan changes
    record = ("import sys; from phasebook.project import Project; "
              "Project(sys.argv[1]).record('data_check', {'source': 's', 'reachable': True})")
    before = _phasebook(["status", "--json"], project, env).stdout
    subprocess.run([sys.executable, "-c", record, str(project)], check=True, env=env, timeout=60)
    grown = _phasebook(["status", "--json"], project, env)
    # Then status runs in full and says what is true now
    assert grown.stdout == _phasebook(["status", "--json"], project, full_env).stdout
    assert json.loads(grown.stdout)["journal_entries"] == json.loads(before)["journal_entries"] + 1
    plan = project / "phasebook.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("name: churn", "name: churn-renamed", 1),
                    encoding="utf-8")
    renamed = _phasebook(["status"], project, env)
    assert "churn-renamed" in renamed.stdout
    assert renamed.stdout == _phasebook(["status"], project, full_env).stdout


def test_a_status_says_until_when_it_holds_and_reads_no_clock_besides(project, monkeypatch):
    from phasebook.project import Project

    # Given a project with an open finding due tomorrow
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).replace(microsecond=0)
    project.raise_finding("scope_approval", "name the churn window", severity="blocking", due=due.isoformat())
    for label in ("folded", "from the cache"):
        # When its status is computed while an answer is recorded (folded, then from .phasebook/status.json)
        recording = replay._Recording(skip=str(project.root / "no-cache") + os.sep)
        monkeypatch.setattr(replay, "_active", recording)
        Project.open(project.root).status()
        monkeypatch.setattr(replay, "_active", None)
        # Then the answer holds until the finding is due, and nothing else asked the clock
        assert recording.until == due.timestamp(), label
        assert recording.refused is None, label
