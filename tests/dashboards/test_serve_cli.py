"""`phasebook serve` and `phasebook serve-user`: bad input is refused before any server starts."""

from __future__ import annotations

from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.dashboards.identity import hash_token, load_users


def test_serve_outside_a_project_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["serve", str(tmp_path)])
    assert result.exit_code == 2
    assert "No phasebook project" in result.output and "phasebook new" in result.output


def test_serve_with_a_missing_users_file_or_bad_culling_is_refused(filled_project, tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["serve", str(filled_project.root), "--users", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "serve-user" in missing.output
    bad = runner.invoke(cli, ["serve", str(filled_project.root), "--cull-idle-timeout", "0"])
    assert bad.exit_code == 2 and "at least 1 second" in bad.output


def test_serve_user_prints_a_token_once_and_stores_its_hash(tmp_path):
    users = tmp_path / "users.yaml"
    result = CliRunner().invoke(cli, ["serve-user", "product owner", "--role", "product", "--users", str(users)])
    assert result.exit_code == 0, result.output
    token = result.output.split("Personal token for product owner: ")[1].split()[0]
    entry = load_users(users)["product owner"]
    assert entry == {"role": "product", "token_sha256": hash_token(token)}
    assert token not in users.read_text()


def test_a_trusted_header_alone_is_refused_before_the_server_starts(filled_project):
    result = CliRunner().invoke(cli, ["serve", str(filled_project.root), "--trusted-header", "X-Forwarded-User"])
    assert result.exit_code == 2
    assert "--trusted-header-secret" in result.output and "--trusted-proxy" in result.output


def test_a_hostile_users_file_is_refused_naming_it(filled_project, tmp_path):
    bomb = tmp_path / "users.yaml"
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb.write_text("\n".join(lines) + "\nusers: *i\n")
    result = CliRunner().invoke(cli, ["serve", str(filled_project.root), "--users", str(bomb)])
    assert result.exit_code == 2 and str(bomb) in " ".join(result.output.split()) and "aliases" in result.output
    bomb.write_bytes(b"users:\n  \xff: {}\n")
    result = CliRunner().invoke(cli, ["serve", str(filled_project.root), "--users", str(bomb)])
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_serve_says_when_its_kernels_fall_back_to_tcp(filled_project, tmp_path):
    """A runtime folder too deep for Unix socket paths: the server still serves, over TCP, and says why."""
    import secrets
    import shutil
    import sys

    from phasebook.dashboards.serving import SOCKET_PATH_MAX

    from tests.servers import free_port, running

    deep = tmp_path / ("r" * max(1, SOCKET_PATH_MAX - len(str(tmp_path))))
    port, token = free_port(), secrets.token_hex(16)
    argv = [shutil.which("phasebook") or sys.executable, "serve", str(filled_project.root), "--port", str(port),
            "--token", token, "--allow-root"]
    with running(argv, port=port, token=token, env={"JUPYTER_RUNTIME_DIR": str(deep)}) as server:
        status, _ = server.get("api/status")
        assert status == 200
        log = server.log()
    assert "Kernels use TCP ports" in log and "JUPYTER_RUNTIME_DIR" in log, log[-2000:]
