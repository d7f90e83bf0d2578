"""Checks that turn a silent breakage into a failed run, run by Spidermon when the spider closes.

A layout change rarely stops a crawl: it finishes "successfully" with empty bodies. These checks read the
run's stats and the reports of the site's recent runs (`harvest/history`, with `STATE_URI`) and fail on:
- no page of the site answered (down, unreachable, hanging), no article found on any listing, feed or
  sitemap, or fetched article pages that gave no record;
- a field present in far fewer records than in recent runs (`CHECK_COVERAGE_DROP`), or a required field
  (`CHECK_REQUIRED_COVERAGE`) below its floor when there is no history yet;
- a surge of rejected records or of HTTP errors;
- a bot wall: many article pages served with 200 that hold no body and no date.

Each failure says, in one line, what failed on which site. `RecordFailedChecks` puts the lines in the stats
(`harvest/failed_checks`), where the report and `scrapy crawl` (exit status 2) find them.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections.abc import Callable
from statistics import median
from typing import Any, ClassVar

from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.utils.misc import load_object
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.runners import SpiderMonitorResult
from spidermon.core.actions import Action

from scrapers.extensions import COVERAGE_LEVELS, COVERED_FIELDS
from scrapers.harvest import FAILED_AS_BEFORE, REJECTED_AGAIN, START_GONE, START_GONE_COUNT
from scrapers.middlewares import fetch_outcomes

FAILED_CHECKS = "harvest/failed_checks"

ALERTS = {
    "email": "spidermon.contrib.actions.email.smtp.SendSmtpEmail",
    "ses": "spidermon.contrib.actions.email.ses.SendSESEmail",
    "slack": "spidermon.contrib.actions.slack.notifiers.SendSlackMessageSpiderFinished",
    "telegram": "spidermon.contrib.actions.telegram.notifiers.SendTelegramMessageSpiderFinished",
    "discord": "spidermon.contrib.actions.discord.notifiers.SendDiscordMessageSpiderFinished",
    "sentry": "spidermon.contrib.actions.sentry.SendSentryMessage",
}
"""Short names `ALERT_ACTIONS` takes for Spidermon's own actions; each reads its `SPIDERMON_*` settings."""

# Spidermon logs through Spider.log(), which Scrapy deprecates: one warning per run that says nothing to us.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning)


class HarvestMonitor(Monitor):  # type: ignore[misc]
    """Shared reading of the stats and settings."""

    longMessage = False  # a failure says its own message only: it becomes the one line cron mails

    @property
    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.data.stats
        return stats

    def setting(self, name: str) -> Any:
        return self.data.crawler.settings.get(name)

    @property
    def site(self) -> str:
        profile = getattr(self.data.spider, "profile", None)
        return str(profile.domains[0]) if profile is not None else str(getattr(self.data.spider, "site", None)
                                                                            or self.data.spider.name)

    @property
    def extracted(self) -> int:
        return int(self.stats.get("articles/extracted", 0))

    def share(self, key: str) -> float:
        return float(self.stats.get(f"coverage/{key}") or 0.0)

    def enough(self, total: int, failures: int) -> bool:
        """Whether a share of `failures` in `total` says anything: small runs and single failures do not."""
        return total >= int(self.setting("CHECK_MIN_RECORDS")) and failures >= int(self.setting("CHECK_MIN_FAILURES"))

    def lasting(self, total: int, failures: int, counts: Counts, limit: float) -> tuple[int, int] | None:
        """The `total` and `failures` a ratio check judges, None when they say nothing. A run `enough` speaks
        for itself. A smaller one above `limit` is counted with the site's runs just before it that were above it
        too (`counts` reads them from a run's report), and says something only when so many failures in so few
        would come by chance less than once in a thousand from a share at `limit` (`CHANCE`): a problem that
        lasts is told by its runs together. An hourly run finds a few new articles: a layout that broke
        rejected the 2 of each run, and each run alone said too little, every run exiting 0; now the third such
        run fails. A healthy site whose share stays below the limit almost never adds up so (a year of hourly
        runs of 2 articles rejected 10% of the time: no failed run; 15%: 2), and the first run after a repair,
        at or below the limit, passes."""
        if self.enough(total, failures):
            return total, failures
        if not total or failures <= total * limit:
            return None
        for report in self.stats.get("harvest/history", []):
            if _beyond_chance(failures, total, limit):
                break
            before_total, before_failures = counts(report)
            if not before_total:
                continue  # a run that read nothing passes over
            if before_failures <= before_total * limit:
                break
            total, failures = total + before_total, failures + before_failures
        if failures < int(self.setting("CHECK_MIN_FAILURES")) or not _beyond_chance(failures, total, limit):
            return None
        return total, failures


Counts = Callable[[dict[str, Any]], tuple[int, int]]
"""What a ratio check counts in a run's report: (the whole, the failures)."""


@monitors.name("Articles")
class ArticlesMonitor(HarvestMonitor):
    @monitors.name("Listings show articles")
    def test_listings_show_articles(self) -> None:
        # robots.txt answers are no listing (Scrapy's own fetch of it, and the news spider's for its sitemaps): a
        # section page that timed out or that robots.txt forbade read as "no article link on any of 2 pages".
        fetched_listings = (self.stats.get("response_received_count", 0) - self.stats.get("robotstxt/response_count", 0)
                            - self.stats.get("listing/robots_pages", 0))
        found = self.stats.get("listing/articles_found", 0)
        if not found and fetched_listings <= 0:
            # Not one answer: the site is down, unreachable or hangs (or the run was stopped before it asked).
            fetch = fetch_outcomes(self.stats)
            causes = ", ".join(f"{cause}: {n}" for cause, n in fetch["failed_by_cause"].items())
            self.assertFalse(fetch["failed"], msg=f"{self.site}: no page of the site answered ({causes})")
            forbidden = self.stats.get("robotstxt/forbidden", 0)
            self.assertFalse(forbidden, msg=f"{self.site}: robots.txt forbids every page the run asked for"
                             f" ({forbidden} requests not sent)")
            # A run bound (CLOSESPIDER_TIMEOUT) reached with requests sent and not one answered: the site hangs.
            # A run stopped by a signal before anything answered fails no check (the user stopped it).
            self.assertFalse(
                self.stats.get("finish_reason") == "closespider_timeout" and fetch["stopped"],
                msg=f"{self.site}: no page of the site answered before the run's time bound"
                    f" ({fetch['stopped']} requests unanswered)")
            stopped = self.stats.get("finish_reason") in ("shutdown", "closespider_timeout")
            # Not one request either, though the run was not stopped: every one was filtered before it left
            # (a start URL off the site's own domains); an empty output every hour would say nothing.
            self.assertTrue(fetch["requests_sent"] or stopped, msg=f"{self.site}: no page of the site was requested"
                            f" ({self.stats.get('offsite/filtered', 0)} requests filtered as off the site)")
            return
        # What failed beside them says why (`-a sections=nope`: the section page answered 404).
        failed = fetch_outcomes(self.stats)["failed_by_cause"]
        why = f" (fetch failed: {', '.join(f'{cause}: {n}' for cause, n in failed.items())})" if failed else ""
        self.assertTrue(
            found > 0 or fetched_listings == 0,
            msg=f"{self.site}: no article link on any of {fetched_listings} listing, feed and sitemap pages{why}",
        )

    @monitors.name("Start pages are there")
    def test_start_pages_are_there(self) -> None:
        # A section front, feed or sitemap the run starts from that answers 404 or 410: the site moved it. Its
        # articles went unlisted every hour with exit 0 while another listing still showed some (operator review).
        # (A distributed run sums the workers' counts; the pages are named in the log of the worker that fetched
        # them: the run's checks missed them, the list being that worker's alone: review.)
        gone = self.stats.get(START_GONE) or []
        count = int(self.stats.get(START_GONE_COUNT) or 0)
        named = f"{', '.join(gone[:3])}{', ...' if len(gone) > 3 else ''}" if gone else "see the workers' logs"
        self.assertFalse(count, msg=f"{self.site}: {count} start page{'s' * (count > 1)} gone (404 or 410): {named}")

    @monitors.name("Article pages give records")
    def test_article_pages_give_records(self) -> None:
        pages = self.stats.get("articles/pages", 0) - self.stats.get("articles/pages_failed_again", 0)
        skipped = sum(v for k, v in self.stats.items() if k.startswith("articles/skipped/") and "since" not in k)
        self.assertTrue(
            pages == 0 or self.extracted > 0 or skipped == pages,
            msg=f"{self.site}: {pages} article pages fetched and not one record read from them",
        )


@monitors.name("Field coverage")
class CoverageMonitor(HarvestMonitor):
    @monitors.name("Fields as present as in recent runs")
    def test_coverage_holds(self) -> None:
        least = int(self.setting("CHECK_MIN_RECORDS"))
        if not self.extracted:
            return
        history = [report["coverage"] for report in baseline(self.stats.get("harvest/history", []))
                   if report.get("articles", {}).get("extracted", 0) >= least]
        levels = ({name: median(coverage.get(name) or 0.0 for coverage in history) for name in COVERED_FIELDS}
                  if history else carried_levels(self.stats.get("harvest/history", [])))
        drop = float(self.setting("CHECK_COVERAGE_DROP"))
        floors = self.data.crawler.settings.getdict("CHECK_REQUIRED_COVERAGE")  # a dict, or JSON given with -s
        failures = []
        for name in COVERED_FIELDS:
            now = self.share(name)
            if levels is not None and (before := levels.get(name)) is not None:
                present, read = self.lasting_drop(name, round(now * self.extracted), before - drop)
                if read >= least and before - present / read >= drop and by_chance(present, read, before) < CHANCE:
                    failures.append(f"{name} present in {present / read:.0%} of {read} articles"
                                    f"{_runs(read, self.extracted)} (recent runs: {before:.0%})")
            elif self.extracted < least:
                continue
            elif name in floors and now < floors[name]:
                failures.append(f"{name} present in {now:.0%} of {self.extracted} articles"
                                f" (expected at least {floors[name]:.0%})")
        if failures and levels is not None:  # carried by this run's report to the next (`carried_levels`)
            self.data.crawler.stats.set_value(COVERAGE_LEVELS, levels)
        self.assertFalse(failures, msg=f"{self.site}: {'; '.join(failures)}")

    def lasting_drop(self, name: str, present: int, below: float) -> tuple[int, int]:
        """The articles of this run that fill the field `name` (`present`) and all it read, with those of the
        site's runs just before it where the field's share was below `below` too, while they are fewer than
        `CHECK_MIN_RECORDS` (`HarvestMonitor.lasting`, for a field: 2 new articles an hour without their
        byline are told by a few runs together)."""
        read = self.extracted
        least = int(self.setting("CHECK_MIN_RECORDS"))
        if present >= read * below:
            return present, read
        for report in self.stats.get("harvest/history", []):
            if read >= least:
                break
            before_read = int((report.get("articles") or {}).get("extracted") or 0)
            share = (report.get("coverage") or {}).get(name)
            if not before_read or share is None:
                continue
            if share >= below:
                break
            present, read = present + round(share * before_read), read + before_read
        return present, read


CHANCE = 0.001
"""A coverage drop is a failure only when recent runs' share would give so few articles with the field less often
than this by chance. An hourly run of 5 new articles, 1 with a `credit` where recent runs had 80%, failed the
check (it happens in 7 runs of 1,000 by chance); 0 of 5 where recent runs had 100% or 95% still fails."""


def by_chance(present: int, articles: int, share: float) -> float:
    """The chance that at most `present` of `articles` have a field that each has with probability `share`
    (the binomial distribution's lower tail)."""
    if share <= 0.0:
        return 1.0
    if share >= 1.0:
        return 1.0 if present >= articles else 0.0
    log_p, log_q = math.log(share), math.log1p(-share)
    log_n = math.lgamma(articles + 1)
    total = 0.0
    for k in range(present, -1, -1):  # below the mean the terms shrink: the sum is read until they no longer count
        term = math.exp(log_n - math.lgamma(k + 1) - math.lgamma(articles - k + 1) + k * log_p + (articles - k) * log_q)
        total += term
        if k < articles * share and term <= total * 1e-12:
            break
    return min(1.0, total)


def carried_levels(history: list[dict[str, Any]]) -> dict[str, float] | None:
    """The levels the latest failed run of the history compared its coverage with (its report's
    `coverage_levels`), when no run of the history passed: the runs a broken field fails outnumber the history
    read (`HISTORY_READ`, two days of hourly runs), and without them the check had nothing to compare with and
    passed every run from the 49th on, the field still broken (operator review). None without one."""
    for report in history:
        if report.get("accepted") or not report.get("failed_checks"):
            return None  # (a run that passed or was accepted is the baseline itself)
        if isinstance(levels := report.get("coverage_levels"), dict):
            return {name: float(share) for name, share in levels.items() if isinstance(share, int | float)}
    return None


def baseline(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs a field's coverage is compared with, from the reports of the latest runs (newest first): the
    runs that passed every check, back to the latest run an operator accepted (`scrapy accept <spider>`),
    which is included. A failed run never enters it, so a broken field fails every run until it recovers or
    its new level is accepted."""
    runs = []
    for report in history:
        if report.get("accepted") or not report.get("failed_checks"):
            runs.append(report)
        if report.get("accepted"):
            break
    return runs


@monitors.name("Errors")
class ErrorsMonitor(HarvestMonitor):
    @monitors.name("Few rejected records")
    def test_rejects(self) -> None:
        # An article asked again (`scrapers.harvest.ASKED_AGAIN`) and rejected as before is no new evidence.
        again = int(self.stats.get(REJECTED_AGAIN, 0))
        rejects = int(self.stats.get("rejects/count", 0)) - again
        limit = float(self.setting("CHECK_MAX_REJECT_SHARE"))
        if (judged := self.lasting(self.extracted - again, rejects, _rejected, limit)) is None:
            return
        extracted, rejected = judged
        reasons = ", ".join(f"{key.removeprefix('rejects/')}: {value}" for key, value in sorted(self.stats.items())
                            if key.startswith("rejects/") and key not in ("rejects/count", "rejects/file"))
        self.assertLessEqual(
            rejected / extracted, limit,
            msg=f"{self.site}: {rejected} of {extracted} articles rejected{_runs(extracted, self.extracted)}"
                f" ({reasons})",
        )

    @monitors.name("Few HTTP errors")
    def test_http_errors(self) -> None:
        # Final outcomes, one per request after retries and redirects, by cause (scrapers/middlewares.py).
        fetch = fetch_outcomes(self.stats)
        # A listed link that redirects to another site, or that robots.txt forbids, as it did in an earlier run: the
        # site's way (four partner links failed every quiet hour). One that fails so for the first time counts:
        # every article link sent to another host is a bot wall or a move, with nothing else to say so.
        errors = {cause: n - int(self.stats.get(f"{FAILED_AS_BEFORE}{cause}", 0))
                  for cause, n in fetch["failed_by_cause"].items()}
        errors = {cause: n for cause, n in errors.items() if n > 0}
        failed = sum(errors.values())
        limit = float(self.setting("CHECK_MAX_HTTP_ERROR_SHARE"))
        if (judged := self.lasting(fetch["ok"] + failed, failed, _failed_fetches, limit)) is None:
            return
        total, failed = judged
        causes = ", ".join(f"{cause}: {n}" for cause, n in errors.items())
        self.assertLessEqual(
            failed / total, limit,
            msg=f"{self.site}: {failed} of {total} fetches failed{_runs(total, fetch['ok'] + sum(errors.values()))}"
                f" ({causes})",
        )

    @monitors.name("No bot wall")
    def test_bot_wall(self) -> None:
        limit = float(self.setting("CHECK_MAX_EMPTY_SHARE"))
        here = int(self.stats.get("articles/pages", 0))
        if (judged := self.lasting(here, int(self.stats.get("articles/no_content", 0)), _empty_pages, limit)) is None:
            return
        pages, empty = judged
        self.assertLessEqual(
            empty / pages, limit,
            msg=f"{self.site}: {empty} of {pages} article pages{_runs(pages, here)} came back with no body and no"
                " date (a bot wall or an error page served with status 200?)",
        )


def _runs(pooled: int, here: int) -> str:
    """" in this run and the runs before it" when `pooled` counts more than this run's `here`."""
    return " in this run and the runs before it" if pooled > here else ""


def _beyond_chance(failures: int, total: int, limit: float) -> bool:
    """Whether `failures` or more in `total` come by chance less often than `CHANCE` when each fails with the
    probability `limit` (the binomial distribution's upper tail)."""
    return by_chance(total - failures, total, 1.0 - limit) < CHANCE


def _rejected(report: dict[str, Any]) -> tuple[int, int]:
    articles = report.get("articles") or {}
    again = int(articles.get("rejected_again") or 0)
    return int(articles.get("extracted") or 0) - again, max(0, int(articles.get("rejected") or 0) - again)


def _failed_fetches(report: dict[str, Any]) -> tuple[int, int]:
    fetch = report.get("fetch") or {}
    failed = max(0, int(fetch.get("failed") or 0) - int(fetch.get("failed_as_before") or 0))  # (`test_http_errors`)
    return int(fetch.get("ok") or 0) + failed, failed


def _empty_pages(report: dict[str, Any]) -> tuple[int, int]:
    pages, articles = report.get("pages") or {}, report.get("articles") or {}
    return int(pages.get("articles") or 0), int(articles.get("no_content") or 0)


class RecordFailedChecks(Action):  # type: ignore[misc]
    """Put the one-line reason of each failed check in the stats."""

    def run_action(self) -> None:
        lines = []
        for result in self.result.monitors_failed_results:
            error = (result.error or "").strip().splitlines()
            lines.append(error[-1].removeprefix("AssertionError: ") if error else str(result.item))
        stats = self.data.crawler.stats
        stats.set_value(FAILED_CHECKS, [*stats.get_value(FAILED_CHECKS, []), *lines])


def alert_actions(settings: Any) -> list[str]:
    """`ALERT_ACTIONS`: a list, or given with -s as `email,slack` or as a JSON list."""
    value = settings.get("ALERT_ACTIONS")
    if isinstance(value, str) and value.strip().startswith("["):
        return [str(name) for name in json.loads(value)]
    return [str(name) for name in settings.getlist("ALERT_ACTIONS")]


class QuietWhenPassing(logging.Filter):
    """Spidermon's tables (MONITORS ... OK, FINISHED/PASSED/FAILED ACTIONS ... OK) go to DEBUG; its errors
    (a failed check's details) stay as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and str(record.msg).startswith("[Spidermon]"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class HarvestChecks(MonitorSuite):  # type: ignore[misc]
    """The checks, then on failure `RecordFailedChecks` and the alerts of `ALERT_ACTIONS` (Spidermon actions,
    by short name from `ALERTS` or by class path), e.g. `ALERT_ACTIONS = ["email", "slack"]`."""

    monitors: ClassVar[list[type[Monitor]]] = [ArticlesMonitor, CoverageMonitor, ErrorsMonitor]
    monitors_failed_actions: ClassVar[list[type[Action]]] = [RecordFailedChecks]

    def __init__(self, *args: Any, crawler: Any = None, **kwargs: Any) -> None:
        alerts = alert_actions(crawler.settings) if crawler is not None else []
        actions = [load_object(ALERTS.get(name, name)) for name in alerts]
        super().__init__(*args, crawler=crawler, monitors_failed_actions=actions, **kwargs)
        if crawler is not None and getattr(crawler, "spider", None) is not None:
            logging.getLogger(crawler.spider.name).addFilter(QuietWhenPassing())


def _failed_checks_in_one_line(result: SpiderMonitorResult) -> None:
    """Spidermon's log of the checks that failed: one line each, `FAIL: <check>: <what it says>`, where it
    logged each failed assertion's traceback (our monitor's code and nothing of the site) before the run's
    one-line verdict on stderr. A check that raised (a defect of its own) keeps its traceback."""
    for status in result.step.error_statuses:
        for item in result.step.items_for_status(status):
            lines = [line for line in str(item.error).splitlines() if line.strip()]
            if status == "FAIL" and lines:
                said = lines[-1].removeprefix("AssertionError: ")
                result.log_error(f"{item.status}: {item.item.name}: {said}")
            else:
                result.log_error(f"{item.status}: {item.item.name}\n{item.error}")


SpiderMonitorResult.write_errors = _failed_checks_in_one_line
