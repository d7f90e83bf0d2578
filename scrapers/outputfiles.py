"""Local feed files that exist only when complete.

`AtomicFileFeedStorage` replaces Scrapy's file storage for local paths (`FEED_STORAGES` in settings): the
feed is written to `<path>.part` and renamed to `<path>` once the crawl has finished it and it is on disk,
so a file that exists is whole and a killed run leaves no half-written line. `-o` (append) starts the
`.part` file as a copy of the existing file; `-O` (overwrite) starts it empty. Each file announces its
final path with the `output_opened` signal, so that the run's state knows what its output is.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.signalmanager import SignalManager

from scrapers.statestore import PART_SUFFIX

output_opened = object()
"""Signal sent with `path` (the final path of an output file) before its first byte is written."""


class AtomicFileFeedStorage(FileFeedStorage):
    def __init__(
        self, uri: str, *, feed_options: dict[str, Any] | None = None, signals: SignalManager | None = None
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.final = Path(self.path)
        self.part = Path(f"{self.final}{PART_SUFFIX}")
        self.signals = signals

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        return cls(uri, feed_options=feed_options, signals=crawler.signals)

    def open(self, spider: Spider) -> IO[bytes]:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if self.signals is not None:
            self.signals.send_catch_log(output_opened, path=self.final)
        if self.write_mode == "ab" and self.final.exists():
            shutil.copyfile(self.final, self.part)
            return self.part.open("ab")
        return self.part.open("wb")

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        os.replace(self.part, self.final)
        directory = os.open(self.final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself is on disk
        finally:
            os.close(directory)
