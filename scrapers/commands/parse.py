"""`scrapy parse`, Scrapy's own, without the end-of-run checks (Spidermon): they judge a whole crawl."""

from __future__ import annotations

import argparse
import warnings

from scrapy.commands.parse import Command as ScrapyParse
from scrapy.exceptions import ScrapyDeprecationWarning

# Scrapy's parse command wraps every callback in one that returns a Deferred, and then warns about it.
warnings.filterwarnings("ignore", message=r".* returned a Deferred", category=ScrapyDeprecationWarning)


class Command(ScrapyParse):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("SPIDERMON_ENABLED", False, priority="cmdline")
