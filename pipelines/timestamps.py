"""Timestamps as ISO 8601 strings with their UTC offset."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter

from scrapers.extract.dates import to_iso

logger = logging.getLogger(__name__)


class FormatTimestamps:
    """`published_at` and `updated_at` keep the page's offset; `scraped_at` is written in UTC. A time whose
    zone the page does not give is left out (None) rather than guessed; its text stays in `published_raw`."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name in ("published_at", "updated_at"):
            value = adapter.get(name)
            if isinstance(value, datetime):
                if value.tzinfo is None:
                    logger.info("%s of %s has no timezone, left out: %s", name, adapter.get("url"), value)
                    adapter[name] = None
                else:
                    adapter[name] = to_iso(value)
        scraped = adapter.get("scraped_at")
        if isinstance(scraped, datetime):
            aware = scraped if scraped.tzinfo else scraped.replace(tzinfo=UTC)
            adapter["scraped_at"] = to_iso(aware.astimezone(UTC))
        return item
