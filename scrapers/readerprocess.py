"""The reader process of `scrapers.readers`: article pages read from a socket, their readings written back.

A fresh interpreter (`main(FD PARENT GEN0_THRESHOLD)`, started by `ReaderPool._start`) that imports what
reading needs and nothing of Scrapy: about 60 MB once it has read pages, where a process forked from the
crawl's mapped the crawl's 100 MB and kept its own copy of each page the crawl rewrote. Each
message is the length in `FRAME_HEADER` bytes, then a pickle: from the crawl, the arguments of
`read_article_page`; back, `(True, reading, "")` or `(False, exception, traceback)`, in the order the pages
came; a first empty message says the process is ready. It ends when the crawl closes its end of the socket,
and with the crawl process itself. `read_article_page` is also what the crawl process runs when it reads a
page itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import socket
import threading
import time
import traceback
from datetime import datetime
from typing import Any

from scrapers.extract import DEEP_PAGE_DEPTH, read_page
from scrapers.items import Article
from scrapers.pages import ArticlePage

IN_READER_PROCESS = False
"""True in a reader process (tests make a page go wrong only there)."""

Reading = tuple[Article | None, str | None]
"""What reading an article page gives: its record, or None and the kind of page it is instead
(`ArticlePage.not_article_reason`: `listing`, `other`, ...)."""


def read_article_page(
    page_class: type[ArticlePage], body: bytes, content_type: str | None, url: str, fetched_at: datetime,
) -> Reading:
    """The reading of the article page `body` fetched from `url` at `fetched_at`, by `page_class`: the one
    function the crawl process and the reader processes run."""
    try:
        return _read(page_class, body, content_type, url, fetched_at, None)
    except RecursionError:  # nested deeper than the readers recurse: read it flattened
        return _read(page_class, body, content_type, url, fetched_at, DEEP_PAGE_DEPTH)


def _read(
    page_class: type[ArticlePage], body: bytes, content_type: str | None, url: str, fetched_at: datetime,
    max_depth: int | None,
) -> Reading:
    page = page_class(read_page(body, content_type, max_depth=max_depth), url=url, fetched_at=fetched_at)
    if reason := page.not_article_reason():
        return None, reason
    return page.to_item(), None


FRAME_HEADER = 8
"""Bytes of the length that opens each message between the crawl and a reader process."""


PR_SET_PDEATHSIG = 1
"""Linux's prctl option: the signal a process gets when the thread that started it ends."""


def serve(sock: socket.socket, parent: int, gen0_threshold: int) -> None:
    """Pages read from `sock` and their readings written back, in order, until the crawl closes its end. No
    Ctrl-C or SIGTERM of its own (the crawl process decides when its readers stop; Ctrl-C reaches every
    process of the terminal; `ReaderPool._start` ignores both before the imports too), killed with the crawl
    process; the objects of the imports left out of Python's collector and its young generation collected as
    in the crawl process (`GC_GEN0_THRESHOLD`)."""
    global IN_READER_PROCESS
    IN_READER_PROCESS = True
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the crawl process died before the prctl above
        return
    gc.collect()
    gc.freeze()
    if gen0_threshold > 0:
        gc.set_threshold(gen0_threshold, *gc.get_threshold()[1:])
    sock.sendall((0).to_bytes(FRAME_HEADER, "big"))  # ready
    while (data := _receive(sock)) is not None:
        try:
            answer: tuple[bool, Any, str] = (True, read_article_page(*pickle.loads(data)), "")
        except Exception as error:  # the readers' own: the crawl rejects the page with it
            answer = (False, error, "".join(traceback.format_exception(error)))
        try:
            out = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            if not answer[0]:
                pickle.loads(out)  # an exception whose class cannot be made again from its arguments
        except Exception:  # an exception that does not pickle: its kind and text
            plain = RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")
            out = pickle.dumps((False, plain, answer[2]), protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendall(len(out).to_bytes(FRAME_HEADER, "big") + out)


def _receive(sock: socket.socket) -> bytearray | None:
    header = _exactly(sock, FRAME_HEADER)
    return None if header is None else _exactly(sock, int.from_bytes(header, "big"))


def _exactly(sock: socket.socket, size: int) -> bytearray | None:
    """`size` bytes from `sock`, received into one buffer (a page's 200 KB are not copied again), or None at
    its end."""
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        count = sock.recv_into(view[got:])
        if not count:
            return None
        got += count
    return data


def _die_with_parent() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def main(argv: list[str]) -> int:
    """The reader process, started by `scrapers.readers` with its arguments `FD PARENT GEN0_THRESHOLD`: the
    socket's descriptor, the crawl's process id, `GC_GEN0_THRESHOLD`. It ends quietly when the crawl went."""
    fd, parent, gen0_threshold = (int(value) for value in argv)
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        serve(socket.socket(fileno=fd), parent, gen0_threshold)
    return 0
