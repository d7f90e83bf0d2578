"""Bylines split into person names; the notes beside them go to `credit`."""

from __future__ import annotations

from typing import Any

from pipelines import has_field, record_fields
from scrapers.extract.authors import split_bylines


class SplitBylines:
    """`["Hà Linh (TH)"]` becomes authors `["Hà Linh"]` and credit `"TH"`. A credit the page states on its
    own (a `Nguồn:` line) is kept and the byline's note is added before it; a note named in both is named once
    (the generic reader reads bylines with the same `read_byline` and credits their notes already)."""

    def process_item(self, item: Any) -> Any:
        adapter = record_fields(item)
        if not has_field(adapter, "authors"):
            return item
        names, note = split_bylines(adapter.get("authors") or [])
        adapter["authors"] = names
        credits = [part for credit in (note, adapter.get("credit")) if credit for part in credit.split("; ")]
        adapter["credit"] = "; ".join(dict.fromkeys(credits)) or None
        sources = adapter.get("sources") if has_field(adapter, "sources") else None
        if note and isinstance(sources, dict) and "credit" not in sources and "authors" in sources:
            sources["credit"] = sources["authors"]  # the note came from the byline
        return item
