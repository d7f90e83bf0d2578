"""`.part` files held by the crawl that writes them (`scrapers/partfiles.py`), with real files and locks."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from scrapers import partfiles
from scrapers.partfiles import being_written, lock_part, remove_unheld


def test_a_part_another_crawl_holds_is_neither_taken_nor_emptied_nor_removed(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.part"
    with path.open("wb") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        other.write(b"the other crawl's line\n")
        other.flush()
        assert being_written(path)
        assert lock_part(path) is None
        assert not remove_unheld(path)
        assert path.read_bytes() == b"the other crawl's line\n"
    assert not being_written(path)  # its crawl ended (killed): the leftover is no one's
    fd = lock_part(path)
    assert fd is not None and path.read_bytes() == b""
    os.close(fd)
    assert remove_unheld(path) and not path.exists()


def test_a_part_renamed_into_place_before_its_lock_is_left_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The crawl that wrote `out.jsonl.part` renames it into place just after a second crawl opened it: the second
    emptied the finished file it then locked."""
    path = tmp_path / "out.jsonl.part"
    path.write_bytes(b"the first crawl's article\n")
    locked = partfiles._locked
    renamed: list[bool] = []

    def rename_first(fd: int, part: Path) -> bool:
        if not renamed:
            renamed.append(True)
            os.replace(part, tmp_path / "out.jsonl")
        return locked(fd, part)

    monkeypatch.setattr(partfiles, "_locked", rename_first)
    fd = lock_part(path)
    assert fd is not None
    os.close(fd)
    assert (tmp_path / "out.jsonl").read_bytes() == b"the first crawl's article\n"
    assert path.read_bytes() == b""  # a new `.part`, its own


def test_a_part_that_is_no_regular_file_is_an_error_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.part"
    os.mkfifo(path)
    assert not being_written(path)
    with pytest.raises(OSError):
        lock_part(path)
