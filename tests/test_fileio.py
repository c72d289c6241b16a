"""Atomic writes: the target is replaced whole, and a failed write leaves neither a half file nor a
temporary behind."""

from __future__ import annotations

import pytest

from facecutout.fileio import atomic_copy, atomic_target, atomic_write_bytes


def test_atomic_write_and_copy_replace_the_target(tmp_path) -> None:
    target = tmp_path / "deep" / "file.bin"
    atomic_write_bytes(target, b"first")
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    copy = tmp_path / "other" / "copy.bin"
    atomic_copy(target, copy)
    assert copy.read_bytes() == b"second"
    assert sorted(path.name for path in tmp_path.rglob("*") if path.is_file()) == ["copy.bin", "file.bin"]


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path) -> None:
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_target(target) as temporary:
        assert temporary.parent == tmp_path and temporary.name.startswith(".file.bin.")
        temporary.write_bytes(b"half")
        raise RuntimeError("killed")
    with pytest.raises(FileNotFoundError):
        atomic_copy(tmp_path / "missing.bin", target)
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["file.bin"]
