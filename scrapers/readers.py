"""Article pages read in reader processes beside the crawl, so that reading uses a second core.

Reading an article page (parsing it and running the readers) is most of a crawl's CPU: on crawlbench's site,
about 9.4 of the 13-14 ms a page of `scrapy crawl news`, where Scrapy's own work (downloads, scheduling, the
pipelines, the output) is the rest. In one process the two take turns on one core, whatever the machine has.
`ReadArticlesAside` (a downloader middleware, the last to see each response) sends the body of each article
page to a reader process and hands the response on to the spider once the reading is back; `parse_article`
then takes that reading (`HarvestSpider.readings`) instead of reading the page itself. The records are the
same: both run `read_article_page` on the same bytes, URL, page class and fetch time.

`READER_PROCESSES` sets how many: `0` (the default) reads every page in the crawl process; `auto` (the
big-harvest setting) is one a core this process may use, at most `MOST_AUTO_READERS`, and none on one
core. They start with the first page sent, so a crawl that reads no article page (`scrapy
check`) starts none. Only pages the spider will read are sent: an article page (its request's callback is
`parse_article`) with a 2xx status and at most `PAGE_MAX_ELEMENTS` opening brackets; others go on as they
came. Each costs memory: 60-75 MB resident once it has read pages, against which a crawl of 5,000 articles
on two cores went from 0.27 to 0.34 of a bare Scrapy spider's pages per second (crawlbench, README).

Each reader process is a fresh interpreter (`scrapers.readerprocess`) that imports what reading needs and
nothing of Scrapy, 45 MB before its first page (one forked from the crawl process mapped the crawl's 100 MB
and, as the crawl rewrote its pages, kept a copy of each: 106 MB, 70 MB of it its own). It talks to the crawl over a
socket pair that the crawl's event loop reads and writes without blocking: pages go out as they come and
readings come back in order, with no thread in between (a first version used Python's
`ProcessPoolExecutor`, whose threads hand each page and reading over under the GIL: the reader process
idled a third of the time, and the crawl was no faster than in one process).

What can go wrong in a reader process stays a page's reject, never a lost page or a stuck crawl:
- an exception the readers raise comes back with its traceback and is rejected by `parse_article` as before
  (one that does not pickle, or not back, by its kind and text as a RuntimeError);
- a reader process that dies (a crash of the C parser, the kernel's out-of-memory killer) is replaced and its
  pages sent to the new one; the page it was reading is rejected when it was being read at a second death
  too (`ReaderProcessDied`), the pages queued behind it are sent again as often as it takes;
- a page read for longer than `READER_TIMEOUT` seconds (a page built to make the readers loop) has its reader
  process killed and is rejected (`ReadingTimedOut`); the pages queued behind it go to a new process;
- reader processes that cannot start (`START_FAILURES` in a row: ended before they were ready, or not ready
  within `START_TIMEOUT`) leave the reading to the crawl process, with one error line.
Reader processes ignore Ctrl-C and SIGTERM from their start (the crawl's graceful shutdown waits for their
pages, then stops them), and die with the crawl process (Linux's parent-death signal, and a watch of the
parent elsewhere). They need a POSIX system and Scrapy's asyncio reactor (the default); elsewhere pages are
read in the crawl process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.reactor import is_asyncio_reactor_installed

from scrapers.readerprocess import FRAME_HEADER, Reading

logger = logging.getLogger(__name__)

class ReaderProcessDied(Exception):
    """The reader process died twice while this page was sent to it."""


class ReadingTimedOut(Exception):
    """The page was read for longer than `READER_TIMEOUT` seconds."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a reader process, as its `__cause__`."""


MOST_READERS = 64
"""The most reader processes `READER_PROCESSES` may ask for (each is a Python interpreter of 60 MB and more)."""
MOST_AUTO_READERS = 2
"""Reader processes `auto` starts at most: the crawl process itself needs about 4.4 ms of CPU a page (Scrapy,
the pipelines, the output) against about 9.4 ms of reading on crawlbench's pages, so two readers keep it
busy. On two cores two readers beat one as well: 5,000 articles in 41-42 s against 50-57 s (the crawl process
waits for its readers most of the time)."""


def reader_processes(settings: BaseSettings) -> int:
    """How many reader processes `READER_PROCESSES` asks for (see the module docstring). A value that is
    neither `auto` nor a whole number from 0 is a ValueError."""
    value = str(settings.get("READER_PROCESSES", "auto")).strip().lower()
    if value == "auto":
        cores = usable_cores()
        return min(cores, MOST_AUTO_READERS) if cores >= 2 else 0
    try:
        count = int(value)
    except ValueError:
        count = -1
    if not 0 <= count <= MOST_READERS:
        raise ValueError(f"'auto' or a whole number from 0 to {MOST_READERS}")
    return count


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


SENT_AHEAD = 2
"""Pages sent to a reader process at a time: the one it reads, and the next, there when it is done."""


@dataclass
class _Page:
    args: tuple[Any, ...]
    answer: asyncio.Future[Reading]
    attempt: int = 1
    started: float = 0.0
    """When its reader process began reading it (the previous page's reading came back), 0 while queued."""


@dataclass
class _Reader:
    """One reader process, the crawl's end of its socket and the pages sent to it, in order."""

    process: subprocess.Popen[bytes]
    sock: socket.socket
    """The crawl's end of the socket pair, handed to the event loop by `ReaderPool._connect`."""
    started: float
    ready: bool = False
    """Its first, empty message came: it has imported what reading needs."""
    transport: asyncio.Transport | None = None
    connecting: asyncio.Task[None] | None = None
    unsent: list[bytes] = field(default_factory=list)
    """Messages sent before the socket was handed to the event loop."""
    pages: deque[_Page] = field(default_factory=deque)
    received: bytearray = field(default_factory=bytearray)
    timed_out: _Page | None = None
    """The page it was killed for reading too long."""
    gone: bool = False


class ReadersUnavailable(Exception):
    """The reader processes could not start: the page is read in the crawl process."""


START_FAILURES = 3
"""Reader processes that end before they are ready, in a row, after which the crawl reads its pages itself."""
START_TIMEOUT = 60.0
"""Seconds a reader process may take to import what reading needs (about half a second)."""


class ReaderPool:
    """`processes` reader processes, started at the first page, and the pages sent to them, answered on the
    crawl's event loop."""

    def __init__(self, processes: int, timeout: float, gen0_threshold: int = 0) -> None:
        self.processes = processes
        self.timeout = timeout
        self.gen0_threshold = gen0_threshold
        self.closed = False
        self.unavailable = False
        """The reader processes failed to start `START_FAILURES` times in a row: the crawl reads its pages."""
        self.restarts = 0
        self.start_failures = 0
        self.readers: list[_Reader] = []
        self.waiting: deque[_Page] = deque()
        """Pages not sent yet: every reader process has `SENT_AHEAD` already."""
        self._watch: asyncio.TimerHandle | None = None

    def _start(self) -> None:
        """A new reader process, with its end of a socket pair. It ignores Ctrl-C and SIGTERM before it imports
        anything, and finds the modules the crawl finds (its `sys.path`: Scrapy adds the project's folder)."""
        program = ("import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                   "signal.signal(signal.SIGTERM, signal.SIG_IGN); import sys; "
                   "from scrapers import readerprocess; sys.exit(readerprocess.main(sys.argv[1:]))")
        command = [sys.executable, "-c", program]
        paths = [path or os.getcwd() for path in sys.path if isinstance(path, str)]
        try:
            ours, theirs = socket.socketpair()
        except OSError as error:  # no descriptors to be had (EMFILE, ENFILE)
            logger.error("Could not start a reader process: %s", error)
            self._start_failed()
            return
        command += [str(theirs.fileno()), str(os.getpid()), str(self.gen0_threshold)]
        try:
            process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL,
                                       env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
        except OSError as error:  # no process to be had (EAGAIN, EMFILE, ENOMEM)
            ours.close()
            logger.error("Could not start a reader process: %s", error)
            self._start_failed()
            return
        finally:
            theirs.close()
        reader = _Reader(process, ours, time.monotonic())
        self.readers.append(reader)
        loop = asyncio.get_running_loop()
        reader.connecting = loop.create_task(self._connect(reader))
        if self._watch is None:
            self._watch = loop.call_later(1.0, self._check_times)

    def _start_failed(self) -> None:
        self.start_failures += 1
        if self.start_failures >= START_FAILURES and not self.unavailable:
            logger.error("Reader processes failed to start %d times in a row: the crawl reads its pages itself",
                         self.start_failures)
            self.unavailable = True
            self._answer_all(ReadersUnavailable("no reader process"))

    async def _connect(self, reader: _Reader) -> None:
        """`reader`'s socket handed to the event loop, and what was sent meanwhile written (unless the reader
        was given up before: its socket is closed)."""
        if reader.gone:
            return
        loop = asyncio.get_running_loop()
        transport, _ = await loop.connect_accepted_socket(lambda: _ReaderProtocol(self, reader), reader.sock)
        for data in reader.unsent:
            transport.write(data)
        reader.unsent.clear()
        reader.transport = transport

    async def read(self, *args: Any) -> Reading:
        """`read_article_page(*args)` in a reader process."""
        page = _Page(args, asyncio.get_running_loop().create_future())
        self._queue(page)
        return await page.answer

    def _queue(self, page: _Page) -> None:
        """`page` sent to the reader process with the fewest pages, unless each has `SENT_AHEAD` pages: then
        kept until one answers (a page waits here as a Python object, not as bytes in a socket's buffer,
        which grew and shrank by megabytes with each page and made the crawl process fault in pages)."""
        if self.closed or self.unavailable:
            page.answer.set_exception(ReadersUnavailable("no reader process"))
            return
        while len(self.readers) < self.processes and not self.unavailable:
            self._start()
        if self.unavailable:  # they failed to start just now
            page.answer.set_exception(ReadersUnavailable("no reader process"))
            return
        self.waiting.append(page)
        self._fill()

    def _fill(self) -> None:
        """Waiting pages sent to the reader processes that have fewer than `SENT_AHEAD`."""
        while self.waiting and self.readers:
            reader = min(self.readers, key=lambda reader: len(reader.pages))
            if len(reader.pages) >= SENT_AHEAD:
                return
            self._send(reader, self.waiting.popleft())

    def _send(self, reader: _Reader, page: _Page) -> None:
        data = pickle.dumps(page.args, protocol=pickle.HIGHEST_PROTOCOL)
        header = len(data).to_bytes(FRAME_HEADER, "big")
        if not reader.pages:
            page.started = time.monotonic()
        reader.pages.append(page)
        if reader.transport is not None:
            reader.transport.write(header)
            reader.transport.write(data)
        else:
            reader.unsent += [header, data]

    def answered(self, reader: _Reader, data: bytes) -> None:
        if not reader.ready:  # its first message: ready, from now on the first page's time counts
            reader.ready = True
            self.start_failures = 0
            if reader.pages:
                reader.pages[0].started = time.monotonic()
            return
        try:
            ok, value, remote = pickle.loads(data)
        except Exception as error:  # a reading or an exception that does not unpickle
            ok, remote = False, ""
            value = RuntimeError(f"the reading did not come back: {type(error).__name__}: {error}")
        page = reader.pages.popleft()
        if reader.pages:
            reader.pages[0].started = time.monotonic()
        self._fill()
        if page.answer.done():
            return
        if ok:
            page.answer.set_result(value)
        else:
            value.__cause__ = RemoteTraceback(remote)
            page.answer.set_exception(value)

    def lost(self, reader: _Reader) -> None:
        """`reader`'s process ended or was killed: the page it was reading rejected when it timed out or was
        being read at a death before, the others sent again, the process replaced."""
        if reader.gone:
            return
        reader.gone = True
        if reader.transport is None:
            reader.sock.close()
        _kill(reader.process)
        self.readers.remove(reader)
        pages, reader.pages = list(reader.pages), deque()
        if self.closed:
            self._answer_all(ReaderProcessDied("the crawl stopped its reader processes"), pages)
            return
        if not reader.ready:  # it never read a page: no page is to blame
            logger.error("A reader process ended before it was ready (exit status %s)", reader.process.returncode)
            self._start_failed()
        else:
            why = "a page was read for too long" if reader.timed_out else "it died"
            logger.warning("Reader process %d replaced (%s)", reader.process.pid, why)
        self.restarts += 1
        again = []
        for index, page in enumerate(pages):  # the first was being read; the others waited behind it
            if page.answer.done():
                continue
            if page is reader.timed_out:
                page.answer.set_exception(
                    ReadingTimedOut(f"read for longer than READER_TIMEOUT ({self.timeout:g} s)"))
            elif index == 0 and reader.ready and page.attempt == 2:
                page.answer.set_exception(ReaderProcessDied("the reader process died twice while reading this page"))
            else:
                page.attempt += index == 0 and reader.ready
                page.started = 0.0
                again.append(page)
        self.waiting.extendleft(reversed(again))  # before the pages that came after them
        if self.unavailable:
            self._answer_all(ReadersUnavailable("no reader process"))
        elif self.waiting:
            while len(self.readers) < self.processes and not self.unavailable:
                self._start()
            self._fill()

    def _answer_all(self, error: Exception, pages: list[_Page] | None = None) -> None:
        """Every page waiting (and `pages`) answered with `error`."""
        for page in [*(pages or []), *self.waiting]:
            if not page.answer.done():
                page.answer.set_exception(error)
        self.waiting.clear()

    def _check_times(self) -> None:
        """Every second: a reader process reading one page for longer than `READER_TIMEOUT`, or not ready
        `START_TIMEOUT` seconds after it started, is killed."""
        self._watch = None
        if self.closed:
            return
        try:
            self._check_readers()
        finally:  # whatever it met, the next check comes
            self._watch = asyncio.get_running_loop().call_later(1.0, self._check_times)

    def _check_readers(self) -> None:
        now = time.monotonic()
        for reader in list(self.readers):
            if not reader.ready:
                if now - reader.started > START_TIMEOUT:
                    logger.error("A reader process was not ready after %g s: stopped", START_TIMEOUT)
                    self.lost(reader)
            elif self.timeout > 0 and reader.pages and reader.timed_out is None \
                    and now - reader.pages[0].started > self.timeout:
                logger.warning("A page was read for longer than READER_TIMEOUT (%g s): %s", self.timeout,
                               reader.pages[0].args[3])
                reader.timed_out = reader.pages[0]
                _kill(reader.process)

    def close(self) -> None:
        """The reader processes stopped (the crawl has read all its pages by now: it closes once its
        downloads, these readings among them, are done)."""
        if self.closed:
            return
        self.closed = True
        if self._watch is not None:
            self._watch.cancel()
        for reader in list(self.readers):  # the reader process sees the end of its socket and exits
            if reader.transport is None:
                reader.sock.close()
            else:  # its end now (a transport closes at the loop's next turn)
                with contextlib.suppress(OSError):
                    reader.transport.get_extra_info("socket").shutdown(socket.SHUT_WR)
                reader.transport.abort()
        deadline = time.monotonic() + 2.0
        for reader in list(self.readers):
            with contextlib.suppress(subprocess.TimeoutExpired):
                reader.process.wait(max(0.0, deadline - time.monotonic()))
            self.lost(reader)
        self._answer_all(ReaderProcessDied("the crawl stopped its reader processes"))


class _ReaderProtocol(asyncio.Protocol):
    def __init__(self, pool: ReaderPool, reader: _Reader) -> None:
        self.pool = pool
        self.reader = reader

    def data_received(self, data: bytes) -> None:
        received = self.reader.received
        received += data
        while len(received) >= FRAME_HEADER:
            size = int.from_bytes(received[:FRAME_HEADER], "big")
            if len(received) < FRAME_HEADER + size:
                break
            frame = bytes(received[FRAME_HEADER:FRAME_HEADER + size])
            del received[:FRAME_HEADER + size]
            self.pool.answered(self.reader, frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.pool.lost(self.reader)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """`process` killed unless it ended, and reaped (so that its CPU counts in the crawl's own)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()


class ReadArticlesAside:
    """Downloader middleware: see the module docstring."""

    def __init__(self, crawler: Crawler, pool: ReaderPool, max_elements: int) -> None:
        self.crawler = crawler
        self.pool = pool
        self.max_elements = max_elements

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReadArticlesAside:
        settings = crawler.settings
        processes = reader_processes(settings)
        if processes == 0:
            raise NotConfigured  # the default: no line in every crawl's log
        if os.name != "posix":
            raise NotConfigured("reader processes need a POSIX system (they get their socket by its descriptor)")
        if not is_asyncio_reactor_installed():
            raise NotConfigured("reader processes need Scrapy's asyncio reactor (TWISTED_REACTOR)")
        pool = ReaderPool(processes, settings.getfloat("READER_TIMEOUT"), settings.getint("GC_GEN0_THRESHOLD"))
        middleware = cls(crawler, pool, settings.getint("PAGE_MAX_ELEMENTS"))
        crawler.signals.connect(middleware.closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.closed, signal=signals.engine_stopped)
        return middleware

    def closed(self) -> None:
        self.pool.close()
        if self.crawler.stats is not None and self.pool.restarts:
            self.crawler.stats.set_value("readers/restarted", self.pool.restarts)

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        spider = spider or self.crawler.spider
        if self.pool.closed or not self.sent_aside(request, response, spider):
            return response
        assert isinstance(response, TextResponse)
        try:
            reading: Reading | BaseException = await self.pool.read(
                *spider.reading_arguments(response))  # type: ignore[union-attr]
        except ReadersUnavailable:
            return response  # read by the spider itself
        except Exception as error:  # the readers' own, or the reader process's: the spider rejects the page
            reading = error.with_traceback(None)  # its traceback would hold this frame, and the response
        spider.readings[response] = reading  # type: ignore[union-attr]
        return response

    def sent_aside(self, request: Request, response: Response, spider: Any) -> bool:
        """Whether the spider will read `response` as an article page: `parse_article` is its callback, it
        is text with a 2xx status, and it is not refused as too large (`PAGE_MAX_ELEMENTS`, counted as
        `RefuseOversizePages` first counts)."""
        callback = request.callback
        return (
            isinstance(response, TextResponse)
            and 200 <= response.status < 300
            and getattr(callback, "__func__", None) is getattr(type(spider), "parse_article", None)
            and getattr(spider, "readings", None) is not None
            and not (self.max_elements and response.body.count(b"<") > self.max_elements)
        )
