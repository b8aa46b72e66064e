"""store/files.py: the one atomic write — old or new content, never half, never a stray temporary file."""

from __future__ import annotations

import os
import stat

import pytest

from phasebook.store import files
from phasebook.store.files import write_atomic, write_cache


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_is_readable_and_an_existing_one_keeps_its_mode(tmp_path):
    new = write_atomic(tmp_path / "sub" / "a.json", "{}")
    assert new.read_text() == "{}" and _mode(new) == 0o644
    secret = tmp_path / "key.pem"
    write_atomic(secret, b"k1", mode=0o600)
    write_atomic(secret, b"k2")
    assert secret.read_bytes() == b"k2" and _mode(secret) == 0o600


def test_a_failed_write_leaves_the_old_content_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "plan.yaml"
    write_atomic(target, "old\n")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


def test_a_cache_that_cannot_be_written_is_not_an_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "cache.json").write_text("old")
    folder.chmod(0o500)
    try:
        if os.geteuid() == 0:  # root writes anywhere: make the folder a file's path instead
            assert write_cache(tmp_path / "ro" / "cache.json" / "x", "new") is False
        else:
            assert write_cache(folder / "cache.json", "new") is False
            assert (folder / "cache.json").read_text() == "old"
    finally:
        folder.chmod(0o700)
    assert write_cache(tmp_path / "ok.json", "new") is True and (tmp_path / "ok.json").read_text() == "new"
