"""Local feed files that exist only when complete.

`AtomicFileFeedStorage` replaces Scrapy's file storage for local paths (`FEED_STORAGES` in settings): the
feed is written to `<path>.part` and renamed to `<path>` once the crawl has finished it and it is on disk,
so a file that exists is whole and a killed run leaves no half-written line. `-o` (append) starts the
`.part` file as a copy of the existing file; `-O` (overwrite) starts it empty. Each file announces its
final path with the `output_opened` signal, so that the run's state knows what its output is.

A file that could not be opened or written in full (a read-only or missing folder, a full disk) is never
renamed into place: its `.part` is removed, and the error is noted for the run's verdict
(`scrapers/integrity.py`, cause `output`), so the run fails and the state keeps none of its articles.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import StatsCollector

from scrapers.integrity import note_error
from scrapers.statestore import PART_SUFFIX

output_opened = object()
"""Signal sent with `path` (the final path of an output file) before its first byte is written."""


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

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        return cls(uri, feed_options=feed_options, signals=crawler.signals, stats=crawler.stats)

    def open(self, spider: Spider) -> IO[bytes]:
        if self.open_error is not None:  # the exporter tries again with each item: one error is enough
            raise self.open_error
        if self.signals is not None:
            self.signals.send_catch_log(output_opened, path=self.final)
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            if self.write_mode == "ab" and self.final.exists():
                shutil.copyfile(self.final, self.part)
                raw = io.FileIO(self.part, "ab")
            else:
                raw = io.FileIO(self.part, "wb")
        except OSError as error:
            self.open_error = error
            self.note(error)
            raise
        return CheckedWriter(raw, self.note)

    def store(self, file: IO[bytes]) -> None:
        try:
            file.flush()
            if isinstance(file, CheckedWriter) and file.failed is not None:
                raise OSError(f"{self.final} was not written in full: {describe(file.failed)}") from file.failed
            os.fsync(file.fileno())
            file.close()
            os.replace(self.part, self.final)
            directory = os.open(self.final.parent, os.O_RDONLY)
            try:
                os.fsync(directory)  # the rename itself is on disk
            finally:
                os.close(directory)
        except OSError as error:
            self.note(error)
            self.part.unlink(missing_ok=True)
            raise

    def note(self, error: OSError) -> None:
        note_error(self.stats, "output", f"{self.final} not written: {describe(error)}")


def describe(error: BaseException) -> str:
    """`OSError: [Errno 28] No space left on device`: the error's type and message on one line."""
    return f"{type(error).__name__}: {error}".splitlines()[0]
