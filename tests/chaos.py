"""A crawl held still at a chosen moment, so that a test can send it a signal there."""

from __future__ import annotations

import time
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler


class Pause:
    """Extension (order 950: after the state's, before `GracefulShutdown`): writes the file `PAUSE_MARKER`, then
    holds the crawl `PAUSE_SECONDS` at `PAUSE_AT`: `made` (while the crawler's extensions are made) or
    `spider_opened` (while the spider opens, the state's run opened)."""

    def __init__(self, marker: Path, seconds: float) -> None:
        self.marker = marker
        self.seconds = seconds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Pause:
        pause = cls(Path(crawler.settings["PAUSE_MARKER"]), crawler.settings.getfloat("PAUSE_SECONDS"))
        if crawler.settings["PAUSE_AT"] == "made":
            pause.hold()
        else:
            crawler.signals.connect(pause.hold, signal=signals.spider_opened)
        return pause

    def hold(self) -> None:
        self.marker.touch()
        time.sleep(self.seconds)  # a signal's handler runs meanwhile; the sleep then goes on
