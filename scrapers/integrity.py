"""Whether a run delivered everything it read: the errors that fail a run whatever its checks say.

A run is healthy only when every article it read is in a finished output file or in the rejects file with
its reason. Components note what breaks that promise with `note_error(stats, cause, message)`: the stats get
`errors/<cause>` (a count) and `errors/<cause>/first` (the first message). `run_errors(stats)` turns the
stats into one line per cause; the run report lists them, the state is not committed when output was lost,
and `scrapy crawl` prints each line and exits with status 2.

Causes: `output` (an output file that could not be written or stored), `no_output` (articles read and no
output file given), `rejects` (the rejects file could not be written), `state` (the state database failed
mid-run or at the commit), `spider` (an exception in a spider callback), `pipeline` (an exception in an
item pipeline).
"""

from __future__ import annotations

from typing import Any

from scrapy.statscollectors import StatsCollector

ERRORS = "errors/"

START_ERROR = "harvest/start_error"
"""Stats key of the one-line reason a run did not start (the state held by another run or damaged, an
output that cannot be written)."""

NOT_COMMITTED = frozenset({"output", "no_output", "state"})
"""Causes after which the state keeps nothing of the run (the output lacks articles the run read, or the state
itself failed), so that the next run fetches its articles again; nor does the rejects file receive the run's
rejects, which that run writes. A run report that could not be written (`report`) fails the run but is not
among them: its articles are delivered, in place, and rolling it back made the next run write every one of
them again."""
REJECTS_NOT_KEPT = "rejects"
"""The cause after which the state keeps the run but none of its rejects (the rejects file could not be
written): the next run fetches those again, and not the articles delivered in the output. Rolling the whole
run back made the next run write every one of them again."""


def note_error(stats: StatsCollector | None, cause: str, message: str) -> None:
    """Count one error of `cause`; the first message of each cause is kept."""
    if stats is None:
        return
    stats.inc_value(f"{ERRORS}{cause}")
    if stats.get_value(f"{ERRORS}{cause}/first") is None:
        stats.set_value(f"{ERRORS}{cause}/first", message)


def run_errors(stats: dict[str, Any]) -> dict[str, str]:
    """For each cause that failed the run, one line saying what happened (`{"output": "..."}`), in a fixed
    order; empty for a healthy run."""
    errors: dict[str, str] = {}
    for cause in ("output", "report", "rejects", "state", "spider", "pipeline", "log"):
        if count := int(stats.get(f"{ERRORS}{cause}", 0)):
            errors[cause] = f"{_plural(count, 'error')}, the first: {stats.get(f'{ERRORS}{cause}/first')}"
    stored = _total(stats, "feedexport/failed_count/")
    if stored and "output" not in errors:
        errors["output"] = f"{_plural(stored, 'output file')} could not be stored (see the log)"
    written = int(stats.get("item_scraped_count", 0))
    if (written and not stored and not _total(stats, "feedexport/success_count/") and "output" not in errors
            and "state" not in errors):  # (an output whose run the state could not follow is left out: its error)
        errors["no_output"] = (f"{_plural(written, 'article')} read and no output file received them"
                               " (give one with -o FILE or FEEDS)")
    return errors


def _total(stats: dict[str, Any], prefix: str) -> int:
    return sum(int(value) for key, value in stats.items() if key.startswith(prefix))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
