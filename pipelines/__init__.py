"""Item pipelines, one small job each; `ITEM_PIPELINES` in `scrapers/settings.py` lists them in order."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem


class Rejected(DropItem):
    """An article turned away with a reason naming the field; the rejects file receives it."""

    def __init__(self, reason: str, item: Any) -> None:
        super().__init__(reason, log_level="WARNING")
        self.reason = reason
        self.item = item


class Duplicate(DropItem):
    """An article already output in this run (same canonical URL)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


class Unchanged(DropItem):
    """An article fetched again whose content is the same as the version already output."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")
