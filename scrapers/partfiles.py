"""`.part` files held by the crawl that writes them: locked (`flock`) from before the file is emptied until it
is renamed into place or removed, so that two crawls never write one file, and no crawl removes another's.

The output files (`scrapers/outputfiles.py`), the rejects file (`scrapers/extensions.py`) and the state's
clean-up of a rolled-back run (`scrapers/statestore.py`) take their `.part` files through here.
"""

from __future__ import annotations

import fcntl
import logging
import os
import stat
import time
from pathlib import Path

logger = logging.getLogger(__name__)

ATTEMPTS = 4
"""Tries at a `.part` file held by someone else before it counts as another crawl's: the check before a run
starts holds the lock for an instant, and the file may be renamed between its opening and its lock."""
RETRY_DELAY = 0.05
"""Seconds between two tries."""
_unlockable: set[int] = set()
"""The devices whose file system refused `flock` (an NFS mount without its lock daemon), said once each."""


def lock_part(path: Path) -> int | None:
    """A descriptor of the file at `path` (created when missing), emptied and locked for this crawl until it is
    closed; None when another crawl holds it. OSError when it cannot be opened or is no regular file (a FIFO
    would hang the crawl). On a file system that has no `flock`, the file unlocked, as before the lock (one
    warning)."""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(RETRY_DELAY)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK, 0o666)  # (no O_TRUNC: it may be another's)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"{path} is no regular file")
            if not _locked(fd, path):
                os.close(fd)
                continue
            if not is_file(fd, path):  # renamed into place or removed between its opening and its lock
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.set_blocking(fd, True)
            return fd
        except BaseException:
            os.close(fd)
            raise
    return None


def _locked(fd: int, path: Path) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        device = os.fstat(fd).st_dev
        if device not in _unlockable:
            _unlockable.add(device)
            logger.warning("The file system of %s does not lock files (%s): two crawls given one output path there"
                           " would write one file", path, error)
    return True


def is_file(fd: int, path: Path) -> bool:
    """Whether `path` still names the file open as `fd`."""
    return names(path, os.fstat(fd))


def names(path: Path, held: os.stat_result) -> bool:
    """Whether `path` names the file whose status is `held` (the one a crawl locked)."""
    try:
        named = os.stat(path)
    except OSError:
        return False
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def being_written(path: Path) -> bool:
    """Whether another crawl holds the `.part` file `path` locked: asked before a run starts, so that such a run
    does not start (the lock itself is what keeps the file whole)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False  # no such file: nobody writes it
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False  # (opening it for writing fails, with its reason)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # (and with it this probe's own lock)
    return False


def remove_unheld(path: Path) -> bool:
    """Remove the `.part` file at `path` unless another crawl holds it (a killed run's leftover is no one's);
    whether it is gone."""
    if not path.exists():
        return True
    try:
        fd = lock_part(path)
    except OSError:
        return False
    if fd is None:
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    finally:
        os.close(fd)
    return True
