"""Local feed files that exist only when complete.

`AtomicFileFeedStorage` replaces Scrapy's file storage for local paths (`FEED_STORAGES` in settings): the
feed is written to `<path>.part` and renamed to `<path>` once the crawl has finished it and it is on disk,
so a file that exists is whole and a killed run leaves no half-written line. `-o` (append) starts the
`.part` file as a copy of the existing file; `-O` (overwrite) starts it empty. The crawl holds its `.part`
locked (`flock`) from before it empties it until it is renamed or removed, so two crawls given one output
path never write one file: the second does not start, or its output fails (`OutputInUse`). Each file
announces its final path with the `output_opened` signal, so that the run's state knows what its output is.

A file that could not be opened or written in full (a read-only or missing folder, a full disk) is never
renamed into place: its `.part` is removed, and the error is noted for the run's verdict
(`scrapers/integrity.py`, cause `output`), so the run fails and the state keeps none of its articles.

`CheckedFeedExporter` replaces Scrapy's feed exporter (`EXTENSIONS` in settings) so that an output that can
never be written stops the run before its first request, with one line (exit status 1): a path naming a
`%(param)s` the spider has no value for, an encoding Python does not know, a folder that cannot be created
or written, a path that is a folder. Scrapy's own exporter found these only when the first article came,
logged a traceback per article and carried on: with a bad `FEED_EXPORT_ENCODING` every article was lost and
the run exited 0. Whatever else fails while an article is exported is an `output` error of the run, logged
in one line, and the run's outputs are then not put in place.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import shutil
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Any, NoReturn, Self
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter, FeedSlot, FileFeedStorage, apply_uri_params
from scrapy.extensions.feedexport import logger as feedexport_logger
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import StatsCollector

from scrapers.integrity import START_ERROR, note_error, run_errors
from scrapers.partfiles import being_written, lock_part, names
from scrapers.statestore import PART_SUFFIX

logger = logging.getLogger(__name__)

output_opened = object()
"""Signal sent with `path` (the final path of an output file) before its first byte is written."""


class OutputInUse(OSError):
    """Another crawl is writing the output file (it holds its `.part` locked)."""


class BadOutput(Exception):
    """An output the run could never write; its message is one line."""


@contextlib.contextmanager
def _errors_logged_by(target: logging.Logger) -> Iterator[list[str]]:
    """The messages `target` logs at ERROR or above meanwhile (each also logged as usual)."""
    said: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(" ".join(record.getMessage().split()))

    keep = Keep(logging.ERROR)
    target.addHandler(keep)
    try:
        yield said
    finally:
        target.removeHandler(keep)


class CheckedFeedExporter(FeedExporter):
    """See the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.failed: set[str] = set()
        """The failures already logged, each once."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        with _errors_logged_by(feedexport_logger) as said:
            try:
                exporter = super().from_crawler(crawler)
            except NotConfigured:
                if not crawler.settings.getdict("FEEDS"):
                    raise  # no output asked for: the verdict says so if articles are read
                # An output Scrapy cannot write (an unknown scheme, S3 without boto3): it said why in the log and
                # went on without any output, to fail only once the whole site was read.
                why = said[-1] if said else "Scrapy cannot write it (see the log)"
                cls.not_starting(crawler, BadOutput(f"output: {why}"))
        if crawler.spider is not None:
            for uri, options in exporter.feeds.items():
                try:
                    exporter.check(uri, options, crawler.spider)
                except BadOutput as error:
                    cls.not_starting(crawler, error)
        return exporter

    @staticmethod
    def not_starting(crawler: Crawler, error: BadOutput) -> NoReturn:
        logger.error("Not starting: %s", error)
        if crawler.stats is not None:
            crawler.stats.set_value(START_ERROR, str(error))
        raise error

    def check(self, uri: str, options: dict[str, Any], spider: Spider) -> None:
        """Raise `BadOutput` when the output `uri` cannot be written: its parameters (unless a `FEED_URI_PARAMS`
        function gives them, which may read what only the open run knows), its encoding and, for a local
        file, the folders above its first parameter (created, as the first article would create them)."""
        applied = None
        if not options["uri_params"]:
            try:
                applied = apply_uri_params(uri, self._get_uri_params(spider, None))
            except KeyError as error:
                raise BadOutput(f"output {uri}: no value for %({error.args[0]})s (the spider's name, time,"
                                " batch_time, batch_id or an -a argument)") from None
            except (ValueError, TypeError) as error:
                raise BadOutput(f"output {uri}: {describe(error)}") from None
        try:
            codecs.lookup(options.get("encoding") or "utf-8")
        except LookupError:
            raise BadOutput(f"output {uri}: unknown encoding {options.get('encoding')!r}") from None
        scheme = urlsplit(uri).scheme
        if scheme == "gs" and not _installed("google.cloud.storage"):
            # (Scrapy's storage imports its library only when it stores: the whole crawl ran first; fuzzer)
            raise BadOutput(f"output {uri}: gs:// needs google-cloud-storage (pip install google-cloud-storage)")
        if scheme not in ("", "file"):
            return  # another storage (S3, FTP, stdout) says what it cannot do itself
        try:
            folder = made_folder(FileFeedStorage(uri).path)
        except OSError as error:
            raise BadOutput(f"output {uri}: cannot create its folder: {describe(error)}") from None
        if "%(" not in uri and Path(FileFeedStorage(uri).path).is_dir():
            raise BadOutput(f"output {uri} is a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise BadOutput(f"output {uri}: its folder {folder} cannot be written")
        if applied is not None and being_written(Path(f"{FileFeedStorage(applied).path}{PART_SUFFIX}")):
            raise BadOutput(f"output {uri}: another crawl is writing it (its {PART_SUFFIX} file is locked): give each"
                            " crawl its own output path (%(time)s in it, or the worker's name)")

    async def close_spider(self, spider: Spider) -> None:
        # An output without some of the run's articles is not put in place, as a broken file is not; nor one whose
        # run the state could not follow (a full disk under it, a lost Redis): the state is not committed, and the
        # next run wrote its articles again, every one a second time with its version (operator review).
        state_failed = self.crawler.stats is not None and "state" in run_errors(self.crawler.stats.get_stats())
        if self.failed or state_failed:
            for slot in self.slots:
                self.abandon(slot, "the state could not follow the run" if state_failed and not self.failed
                             else "it lacks articles of the run")
        await super().close_spider(spider)

    @staticmethod
    def abandon(slot: FeedSlot, why: str) -> None:
        """Leave the output of `slot` unstored: its `.part` removed, nothing renamed into place or uploaded."""
        if isinstance(slot.storage, AtomicFileFeedStorage):
            slot.storage.discard(slot.file)
        elif slot.file is not None:
            with contextlib.suppress(OSError):  # a full disk: what is left in the buffer cannot be written
                slot.file.close()
        logger.error("Output %s not stored: %s", slot.uri, why)
        slot.itemcount, slot.store_empty = 0, False  # Scrapy stores neither an empty nor a partial file then

    def item_scraped(self, item: Any, spider: Spider) -> None:
        try:
            super().item_scraped(item, spider)
        except Exception as error:  # whatever an exporter or a storage raises: the article is not in the output
            if not isinstance(error, OSError):  # the file's own errors are noted by its storage
                note_error(self.crawler.stats, "output", f"an article was not exported: {describe(error)}")
            if type(error).__name__ not in self.failed:  # one line per kind of failure, not one per article
                self.failed.add(type(error).__name__)
                logger.error("Article not exported: %s", describe(error))


class CheckedWriter(io.BufferedWriter):
    """A buffered file that remembers whether any write or flush failed, since the feed exporter only logs
    the error of each item and goes on."""

    def __init__(self, raw: io.RawIOBase, on_error: Any) -> None:
        super().__init__(raw)
        self.failed: OSError | None = None
        self.on_error = on_error

    def write(self, data: Any) -> int:
        try:
            return super().write(data)
        except OSError as error:
            self.fail(error)
            raise

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as error:
            self.fail(error)
            raise

    def fail(self, error: OSError) -> None:
        if self.failed is None:
            self.failed = error
        self.on_error(error)


class AtomicFileFeedStorage(FileFeedStorage):
    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        signals: SignalManager | None = None,
        stats: StatsCollector | None = None,
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.final = Path(self.path)
        self.part = Path(f"{self.final}{PART_SUFFIX}")
        self.signals = signals
        self.stats = stats
        self.open_error: OSError | None = None
        self.locked: os.stat_result | None = None
        """The `.part` file this crawl opened and holds locked; None before."""

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        return cls(uri, feed_options=feed_options, signals=crawler.signals, stats=crawler.stats)

    def open(self, spider: Spider) -> IO[bytes]:
        if self.open_error is not None:  # the exporter tries again with each item: one error is enough
            raise self.open_error
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            raw = self.locked_part()
        except OSError as error:
            self.open_error = error
            self.note(error)
            raise
        if self.signals is not None:  # (only once this crawl holds the file: the state then knows it as its own)
            self.signals.send_catch_log(output_opened, path=self.final)
        try:
            if self.write_mode == "ab" and self.final.exists():
                with self.final.open("rb") as existing:
                    shutil.copyfileobj(existing, raw)
                    if not ends_lines(existing):
                        raw.write(b"\n")
        except OSError as error:
            self.open_error = error
            self.note(error)
            self.discard(raw)
            raise
        return CheckedWriter(raw, self.note)

    def locked_part(self) -> io.FileIO:
        """The `.part` file, emptied, under an exclusive lock that this crawl holds until the file is renamed into
        place or removed. A second crawl given the same output path (an hourly cron run that overlaps the one
        before, a distributed worker started again while the first still runs) wrote into the first one's
        `.part`: the first put a mix of the two in place and exited 0, the second failed at its rename. Now the
        second finds the lock taken before it empties anything, and fails (`OutputInUse`)."""
        fd = lock_part(self.part)
        if fd is None:
            raise OutputInUse(f"another crawl is writing {self.final} (its {self.part.name} is locked): give each"
                              " crawl its own output path (%(time)s in it, or the worker's name)")
        self.locked = os.fstat(fd)
        return io.FileIO(fd, "w")

    def store(self, file: IO[bytes]) -> None:
        try:
            file.flush()
            if isinstance(file, CheckedWriter) and file.failed is not None:
                raise OSError(f"{self.final} was not written in full: {describe(file.failed)}") from file.failed
            os.fsync(file.fileno())
            os.replace(self.part, self.final)  # renamed while still locked: no other crawl took the name meanwhile
            directory = os.open(self.final.parent, os.O_RDONLY)
            try:
                os.fsync(directory)  # the rename itself is on disk
            finally:
                os.close(directory)
            file.close()
        except OSError as error:
            self.note(error)
            self.discard(file)
            raise

    def discard(self, file: IO[bytes] | io.FileIO | None) -> None:
        """This crawl's `.part` removed (never another crawl's, which holds the lock of its own) and `file` closed."""
        if self.locked is not None and names(self.part, self.locked):
            with contextlib.suppress(OSError):
                self.part.unlink()
        if file is not None:
            with contextlib.suppress(OSError):  # a full disk: what is left in the buffer cannot be written
                file.close()

    def note(self, error: OSError) -> None:
        note_error(self.stats, "output", f"{self.final} not written: {describe(error)}")


def made_folder(path: str) -> Path:
    """The folder of the file `path`, created as the run would create it (OSError when it cannot be), down to
    the first `%(param)s` of a path template (`out/%(name)s/%(time)s.jsonl`: `out`): the folders that
    parameters name are the open run's to make."""
    folder = Path(path.partition("%(")[0] + "x").parent
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def describe(error: BaseException) -> str:
    """`OSError: [Errno 28] No space left on device`: the error's type and message on one line."""
    return f"{type(error).__name__}: {error}".splitlines()[0]


def ends_lines(file: IO[bytes]) -> bool:
    """Whether `file` (open for reading) is empty or ends its last line. A record appended to a file whose last
    line was cut (by a full disk, a copy stopped midway) was glued to it, and both were lost to every reader of
    the lines: the appending writer ends the cut line first, which stays, unreadable, on its own line."""
    size = file.seek(0, os.SEEK_END)
    if not size:
        return True
    file.seek(size - 1)
    return file.read(1) == b"\n"


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:  # (a parent package missing)
        return False
