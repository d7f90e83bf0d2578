"""What `scrapy crawl` checks before it starts: every `-a` argument and every project setting, so that a bad
one stops the run at once with one line on stderr (exit status 1) and no request made.

`check_start` raises `BadStart` with that line's text. It knows:
- the spider's arguments, from its `__init__` signatures: a key the spider does not take fails, with the
  nearest key it does take as a suggestion (`-a maxpages=1`: did you mean max_pages?); each value is checked
  by `ARGUMENTS` (a day for `since`, a whole number for `max_pages`, ...);
- the settings given with `-s`: a name that is not a setting of Scrapy, of Spidermon or of the project but
  is close to one fails with that one as a suggestion (`REPLAY_DRI`); names far from every known setting pass,
  as other add-ons read their own settings;
- the project's settings' values (`SETTINGS`): durations, shares, a state URI whose folder can be written,
  a `REPLAY_DIR` that holds saved pages. Dict settings can be given as JSON (`-s 'CHECK_REQUIRED_COVERAGE=
  {"title": 0.9}'`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import ipaddress
import json
import math
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from difflib import get_close_matches
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.settings import BaseSettings, default_settings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import arglist_to_dict
from scrapy.utils.misc import load_object
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from scrapers import settings as project_settings
from scrapers.extensions import LARGEST_GC_THRESHOLD
from scrapers.outputfiles import made_folder
from scrapers.statestore import REDIS_SCHEMES, RevisitPolicy, sqlite_path

NOT_ARGUMENTS = ("self", "name", "clock", "args", "kwargs")
"""Parameters of a spider's `__init__` that are not `-a` arguments (`clock` is for tests)."""
CRAWL_ARGUMENTS = ("shard",)
"""`-a` arguments every spider takes, read by a middleware rather than the spider (`shard`: ShardArticles)."""


class BadStart(Exception):
    """A run that must not start; its message is one line."""


def say(spider: str, message: str) -> None:
    """The one line cron mails, on stderr whatever LOG_FILE says."""
    print(f"newsharvest: {spider}: {message}", file=sys.stderr)


def check_options(args: list[str], opts: argparse.Namespace, settings: BaseSettings) -> None:
    """`scrapy crawl`'s options checked before anything is logged or fetched: a bad one prints its line and
    exits with status 1."""
    if len(args) != 1:
        return  # the command says so itself
    check_spider(args[0], opts, settings, opts.spargs)


def check_spider(name: str, opts: argparse.Namespace, settings: BaseSettings, spargs: dict[str, str]) -> None:
    """The spider `name`, its arguments `spargs` and the settings given (`-s`) checked before a command runs it:
    an unknown name or a bad value prints its line and exits with status 1 (`scrapy crawl`, `scrapy check`)."""
    try:
        loader = get_spider_loader(settings)
        if name not in loader.list():
            raise BadStart(f"no spider named {name}{suggestion(name, loader.list())}; "
                           f"the project has {', '.join(sorted(loader.list()))}")
        check_start(loader.load(name), spargs, settings, list(arglist_to_dict(opts.set)))
    except BadStart as error:
        say(name, str(error))
        sys.exit(1)


def not_started(crawl: Any) -> list[str]:
    """Catch why the crawl `crawl` (an asyncio task or a Deferred) failed to start, so that Scrapy does not
    print its traceback: the reason goes in the returned list, for the crawl command's verdict."""
    reasons: list[str] = []

    def keep(error: BaseException | None) -> None:
        if error is not None:
            reasons.append(one_line(first_cause(error)))

    if isinstance(crawl, asyncio.Task):
        crawl.add_done_callback(lambda task: keep(None if task.cancelled() else task.exception()))
    elif isinstance(crawl, Deferred):
        crawl.addErrback(lambda failure: keep(failure.value) if isinstance(failure, Failure) else None)
    return reasons


def check_start(spidercls: type[Spider], arguments: dict[str, Any], settings: BaseSettings, given: list[str]) -> None:
    """Raise `BadStart` for the first bad `-a` argument or setting; `given` are the names set with `-s`."""
    check_argument_names(spidercls, arguments)
    if arguments.get("sections") and set(str(arguments.get("sources", "sections")).split(",")) - {"sections"}:
        raise BadStart(f"-a sections={arguments['sections']} reads section fronts only: the feeds and sitemaps"
                       " list every section (leave out -a sources, or give sources=sections)")
    for name, value in arguments.items():
        if name in ARGUMENTS:
            guard(f"-a {name}={value}", partial(ARGUMENTS[name], spidercls, str(value)))
    for name in given:
        check_setting_name(name)
        guard(f"{name}={shown_setting(settings, name)}", partial(of_its_type, settings, name))
    for name, check in SETTINGS.items():
        guard(f"{name}={shown_setting(settings, name)}", partial(check, settings, name))


def shown_setting(settings: BaseSettings, name: str) -> str:
    """The value of the setting `name` as given: a dict setting as JSON (not `<BaseSettings object at ...>`)."""
    value = settings.get(name)
    if isinstance(value, BaseSettings):
        return json.dumps(value.copy_to_dict(), ensure_ascii=False, default=str)
    return str(value)


def guard(what: str, check: Callable[[], None]) -> None:
    try:
        check()
    except (ValueError, TypeError, OSError) as error:
        raise BadStart(f"bad {what}: {one_line(error)}") from error


def first_cause(error: BaseException) -> BaseException:
    """The error that stopped the start: Scrapy's own, raised while it cleaned up after a component that
    could not open (`RuntimeError: Engine slot not assigned` after Redis refused the scheduler), hides it."""
    if isinstance(error, RuntimeError) and error.__context__ is not None and not error.__suppress_context__:
        return error.__context__
    return error


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


# -------------------------------------------------------------------- spider arguments


def spider_arguments(spidercls: type[Spider]) -> list[str]:
    """The `-a` keys `spidercls` takes: the named parameters of its `__init__` and its bases'."""
    names: list[str] = []
    for cls in spidercls.__mro__:
        if cls is Spider or cls is object or "__init__" not in vars(cls):
            continue
        for parameter in inspect.signature(vars(cls)["__init__"]).parameters.values():
            if parameter.name not in NOT_ARGUMENTS and parameter.name not in names and parameter.kind in (
                parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY
            ):
                names.append(parameter.name)
    return [*names, *(name for name in CRAWL_ARGUMENTS if name not in names)]


def check_argument_names(spidercls: type[Spider], arguments: dict[str, Any]) -> None:
    known = spider_arguments(spidercls)
    for name in arguments:
        if name not in known:
            raise BadStart(f"unknown argument -a {name}{suggestion(name, known)}; "
                           f"{spidercls.name} takes {', '.join(known) or 'none'}")


def suggestion(name: str, known: list[str]) -> str:
    close = get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def day(spidercls: type[Spider], value: str) -> None:
    try:
        given = date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a day: give YYYY-MM-DD, e.g. 2024-10-01") from None
    if given > datetime.now(UTC).date() + timedelta(days=1):  # a day ahead: the site's zone may be east of UTC
        raise ValueError("a day to come: no article is dated since then yet")


def page_count(spidercls: type[Spider], value: str) -> None:
    if not value.isdigit() or int(value) < 1:
        raise ValueError("not a whole number of pages (1 or more)")


def sources(spidercls: type[Spider], value: str) -> None:
    offered: tuple[str, ...] = getattr(spidercls, "SOURCES", ())
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    if not chosen:
        raise ValueError(f"name one or more of {', '.join(offered)}")
    for part in chosen:
        if part not in offered:
            raise ValueError(f"unknown source {part!r}{suggestion(part, list(offered))};"
                             f" choose from {', '.join(offered)}")


def yes_no(spidercls: type[Spider], value: str) -> None:
    if value.lower() not in ("1", "0", "true", "false", "yes", "no"):
        raise ValueError("give 1 or 0")


def web_address(spidercls: type[Spider], value: str) -> None:
    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.scheme not in ("http", "https") or not parts.hostname or not host_name(parts.hostname):
        raise ValueError("not a web address: give the section page, https://...")
    if "@" in parts.netloc:  # Scrapy sends no credentials of a URL: it asked for "user:pw@host" as a host name
        raise ValueError("a web address without user:password@ (a site behind a login is not harvested)")


_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)\Z")


def host_name(host: str) -> bool:
    """Whether `host` (as `urlsplit` gives it: lower case, brackets off) is one a request can be made of: an IP
    address, or a name of dot-separated labels of letters, digits, hyphens and underscores (in IDNA: `пример.рф`).
    "exa mple.com" or "exa%20mple.com" raised out of the download on every request of the run."""
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return True
    try:
        name = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = name.removesuffix(".").split(".")
    return len(labels) > 1 and all(_LABEL.match(label) for label in labels)


def section_paths(spidercls: type[Spider], value: str) -> None:
    """Paths on the site, or whole web addresses: `javascript:x` passed, raised as the crawl started and lost the
    section with exit 0 (fuzzer)."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts:
        raise ValueError("name one or more section paths, e.g. quoc-te,quoc-te/nhip-song")
    for part in parts:
        address = urlsplit(part)  # (a ValueError for "http://[::1")
        if address.scheme and (address.scheme not in ("http", "https") or not address.hostname) and (
                not address.path.split("/")[0].isdigit()):  # ("news:80" is no scheme for a path; w3lib agrees)
            raise ValueError(f"{part} is neither a path on the site nor an http(s) address")


def shard(spidercls: type[Spider], value: str) -> None:
    from scrapers.middlewares import parse_shard

    parse_shard(value)


ARGUMENTS: dict[str, Callable[[type[Spider], str], None]] = {
    "since": day, "max_pages": page_count, "sources": sources, "full": yes_no, "url": web_address,
    "sections": section_paths, "shard": shard,
}


# -------------------------------------------------------------------- settings


def known_settings() -> set[str]:
    names = {name for module in (default_settings, project_settings) for name in vars(module) if name.isupper()}
    return names | {"SPIDERMON_ENABLED", "SPIDERMON_SPIDER_CLOSE_MONITORS"}


def check_setting_name(name: str) -> None:
    known = known_settings()
    if name in known or name.startswith("SPIDERMON_"):
        return
    close = get_close_matches(name, sorted(known), n=1, cutoff=0.85)
    if close:
        raise BadStart(f"unknown setting {name} (did you mean {close[0]}?)")


def of_its_type(settings: BaseSettings, name: str) -> None:
    """A setting given with -s reads as the type of its default (a number, a yes/no, a dict as JSON), unless
    it has a check of its own (`SETTINGS`: READER_PROCESSES is a number or `auto`)."""
    if name in SETTINGS:
        return
    default = getattr(project_settings, name, getattr(default_settings, name, None))
    if isinstance(default, bool):
        settings.getbool(name)
    elif isinstance(default, int | float):  # a number: DOWNLOAD_DELAY's default is 0, its values 0.5
        settings.getfloat(name)
    elif isinstance(default, dict):
        dict_setting(settings, name, default)
    if name == "LOG_LEVEL" and str(settings.get(name)) not in LOG_LEVELS:
        raise ValueError(f"not a log level: choose from {', '.join(LOG_LEVELS)}")


LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def revisit(settings: BaseSettings, name: str) -> None:
    """`REVISIT_AFTER` or `RETRY_AFTER`, each read beside the other's default, so that the line names the one
    that is wrong."""
    given = {"REVISIT_AFTER": project_settings.REVISIT_AFTER, "RETRY_AFTER": project_settings.RETRY_AFTER}
    given[name] = settings.get(name)
    RevisitPolicy.parse(given["REVISIT_AFTER"], given["RETRY_AFTER"])


def state_uri(settings: BaseSettings, name: str) -> None:
    uri = settings.get(name)
    if not uri or uri.startswith(REDIS_SCHEMES):
        return  # a Redis state is reached when the run opens it
    folder = made_folder(str(sqlite_path(uri)))  # the state creates it anyway
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write the state's folder {folder}")


def written_file(settings: BaseSettings, name: str) -> None:
    """A file the run writes as it ends (the rejects, the run report): a local path (or `file://`) whose only
    parameter is `%(name)s`, in a folder the run can create and write, so that a run does not read a whole site to
    lose its rejects or its report at the end (`%(time)s`, which outputs take, raised there: fuzzer)."""
    given = str(settings.get(name) or "")
    template = given.removeprefix("file://")
    if not template:
        return
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", template):  # (`s3://...` was written to ./s3:/...)
        raise ValueError("a local file (a path or file://): the run writes it itself")
    try:
        template % {"name": "x"}
    except (KeyError, ValueError, TypeError) as error:
        raise ValueError(f"a path whose only parameter is %(name)s (the spider's name): {one_line(error)}") from None
    folder = made_folder(template)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write the folder {folder}")
    if "%(" not in template and Path(template).is_dir():
        raise ValueError(f"{template} is a folder")


def lease(settings: BaseSettings, name: str) -> None:
    """`REDIS_LEASE`: seconds, 1 or more (a lease is renewed every third of it, in milliseconds: 0.0004 was 0 ms,
    which Redis refused after a traceback; review)."""
    value = settings.getfloat(name)
    if not 1 <= value < math.inf:
        raise ValueError("a number of seconds, 1 or more")


def rejects_file(settings: BaseSettings, name: str) -> None:
    """`written_file`, and given: without it the run's rejected articles would be in no file and counted nowhere,
    with exit 0 (loss review)."""
    if not str(settings.get(name) or "").removeprefix("file://").strip():
        raise ValueError("it is empty: the rejected articles would be in no file (give a file, as by default"
                         " %(name)s-rejects.jsonl)")
    written_file(settings, name)


def redis_url(settings: BaseSettings, name: str) -> None:
    """A Redis URL redis-py can read; whether the server answers is found when the run opens it. A worker's
    output is one file put in place when it leaves the run, so batches of outputs (`FEED_EXPORT_BATCH_ITEM_COUNT`)
    are refused with it: a worker stored its first batch mid-run as if it were leaving."""
    if url := settings.get(name):
        from redis.connection import parse_url

        parse_url(str(url))  # type: ignore[no-untyped-call]
        batched = settings.getint("FEED_EXPORT_BATCH_ITEM_COUNT") or any(
            isinstance(options, dict) and options.get("batch_item_count")
            for options in settings.getdict("FEEDS").values())
        if batched:
            raise ValueError("a distributed worker writes one output file: leave out FEED_EXPORT_BATCH_ITEM_COUNT")


def replay_dir(settings: BaseSettings, name: str) -> None:
    from scrapers.replay import index_samples

    folder = settings.get(name)
    if folder and not index_samples(Path(folder))[0]:
        raise ValueError(f"{folder} holds no saved page (<kind>-<slug>.html with its .json)")


def share(settings: BaseSettings, name: str) -> None:
    if not 0 <= settings.getfloat(name) <= 1:
        raise ValueError("a share between 0 and 1")


def positive_number(settings: BaseSettings, name: str) -> None:
    """A number, 0 or more, and finite (`REPLAY_LATENCY=nan` held the run for ever, past its first SIGTERM:
    fuzzer)."""
    if not 0 <= settings.getfloat(name) < math.inf:
        raise ValueError("a number, 0 or more")


def _whole(settings: BaseSettings, name: str) -> int:
    """The setting `name` as Scrapy's `getint` reads it, when that is all of it (not `2.5` cut to 2)."""
    value = settings.getint(name)
    given = settings.get(name)
    if isinstance(given, float) and given != value:
        raise ValueError("a whole number")
    return value


def whole_number(settings: BaseSettings, name: str) -> None:
    """A count, 0 or more: a negative one (`MAX_ARTICLES_PER_RUN=-3`, `RETRY_TIMES=-1`) was taken as no bound or
    as none, without a word."""
    if _whole(settings, name) < 0:
        raise ValueError("a whole number, 0 or more")


def size_in_bytes(settings: BaseSettings, name: str) -> None:
    """A bound in bytes or elements, more than 0: Scrapy reads 0 as no bound at all (`DOWNLOAD_MAXSIZE=0` turned
    off the page cap and the bound on gzip bombs)."""
    if _whole(settings, name) <= 0:
        raise ValueError("a whole number more than 0 (0 would be no bound at all)")


def seconds(settings: BaseSettings, name: str) -> None:
    """A time in seconds, more than 0 (`CLOSESPIDER_TIMEOUT`: 0 is no bound): a negative one ended the run at
    once, exit 0, with no output, report or checks."""
    value = settings.getfloat(name)
    if not 0 <= value < math.inf or (value == 0 and name != "CLOSESPIDER_TIMEOUT"):
        raise ValueError("a number of seconds, more than 0" + (" (or 0: no bound)" if name == "CLOSESPIDER_TIMEOUT"
                                                                 else ""))


def reader_count(settings: BaseSettings, name: str) -> None:
    from scrapers.readers import reader_processes

    reader_processes(settings)


def collector_threshold(settings: BaseSettings, name: str) -> None:
    if not 0 <= settings.getint(name) <= LARGEST_GC_THRESHOLD:
        raise ValueError(f"0 (Python's collector as it is) or a number of objects up to {LARGEST_GC_THRESHOLD}")


def dict_setting(settings: BaseSettings, name: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    """The dict setting `name`; ValueError with an example of its JSON when it is none (`-s
    CHECK_REQUIRED_COVERAGE=0.9` said "'float' object is not iterable")."""
    try:
        return settings.getdict(name)
    except (TypeError, ValueError) as error:
        example = json.dumps(default) if default else '{"key": "value"}'
        raise ValueError(f"not a dict: give it as JSON, -s '{name}={example}'") from error


def feeds(settings: BaseSettings, name: str) -> None:
    """`FEEDS`: outputs by URI, each with a dict of options (`-s FEEDS=[1]` raised out of Scrapy's exporter: a
    traceback, no line; fuzzer). A `uri_params` function that cannot be loaded is refused here too: Scrapy
    dropped that output at the start, with a traceback, and the run went on without it."""
    outputs = dict_setting(settings, name, {"out/%(name)s.jsonl": {"format": "jsonlines"}})
    for uri, options in outputs.items():
        if not isinstance(options, dict):
            raise ValueError(f"the options of {uri} are not a dict: {options!r}")
        if path := options.get("uri_params") or settings.get("FEED_URI_PARAMS"):
            try:
                load_object(path) if isinstance(path, str) else None
            except (ImportError, AttributeError, NameError, ValueError) as error:
                raise ValueError(f"the uri_params of {uri}, {path}, cannot be loaded: {one_line(error)}") from None


def coverage_floors(settings: BaseSettings, name: str) -> None:
    from scrapers import settings as project_settings
    from scrapers.extensions import COVERED_FIELDS

    floors = dict_setting(settings, name, project_settings.CHECK_REQUIRED_COVERAGE)
    for field, floor in floors.items():
        if field not in COVERED_FIELDS:
            raise ValueError(f"{field} is not a field{suggestion(field, list(COVERED_FIELDS))}")
        if not isinstance(floor, int | float) or not 0 <= floor <= 1:
            raise ValueError(f"{field}: {floor!r} is not a share between 0 and 1")


LOG_ROOM = 1 << 20
"""Free bytes the log's disk must have for a run to start: a full disk printed a traceback per log line
(Python's "--- Logging error ---") and the run went on unlogged."""


def log_file(settings: BaseSettings, name: str) -> None:
    """The log's folder is created (cron's `logs/` on a fresh install); a path that cannot be written fails,
    and so does a file on a disk without `LOG_ROOM` free (a device, `/dev/stderr`, is written as it is)."""
    path = settings.get(name)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("a", encoding="utf-8"):
            pass
        if Path(path).is_file():
            disk = os.statvfs(path)
            if (free := disk.f_bavail * disk.f_frsize) < LOG_ROOM:
                raise ValueError(f"the disk of {path} is full ({free // 1024} KiB free)")


def alert_actions(settings: BaseSettings, name: str) -> None:
    from scrapers.monitors import ALERTS, alert_actions

    for action in alert_actions(settings):
        if action not in ALERTS and "." not in action:
            raise ValueError(f"unknown alert {action!r}{suggestion(action, list(ALERTS))}; "
                             f"choose from {', '.join(ALERTS)} or give an action's class path")
        try:
            load_object(ALERTS.get(action, action))
        except (ImportError, AttributeError, NameError) as error:
            raise ValueError(f"cannot load {action}: {one_line(error)}") from None


SETTINGS: dict[str, Callable[[BaseSettings, str], None]] = {
    "LOG_FILE": log_file,
    "REVISIT_AFTER": revisit,
    "RETRY_AFTER": revisit,
    "STATE_URI": state_uri,
    "REDIS_URL": redis_url,
    "REJECTS_URI": rejects_file,
    "FEEDS": feeds,
    "RUN_REPORT_URI": written_file,
    "REPLAY_DIR": replay_dir,
    "REPLAY_LATENCY": positive_number,
    "STATE_LOCK_TIMEOUT": positive_number,
    "CHECK_REQUIRED_COVERAGE": coverage_floors,
    "CHECK_COVERAGE_DROP": share,
    "CHECK_MAX_REJECT_SHARE": share,
    "CHECK_MAX_HTTP_ERROR_SHARE": share,
    "CHECK_MAX_EMPTY_SHARE": share,
    "CHECK_MIN_RECORDS": whole_number,  # (the checks count with them: 2.5 failed them all after the crawl)
    "CHECK_MIN_FAILURES": whole_number,
    "REDIS_LEASE": lease,
    "ALERT_ACTIONS": alert_actions,
    "GC_GEN0_THRESHOLD": collector_threshold,
    "COOKIES_MAX_HEADER": positive_number,
    "READER_PROCESSES": reader_count,
    "READER_TIMEOUT": positive_number,
    "CLOSESPIDER_TIMEOUT": seconds,
    "DOWNLOAD_TIMEOUT": seconds,
    "MAX_ARTICLES_PER_RUN": whole_number,
    "SITEMAP_MAX_FILES": whole_number,
    "RETRY_TIMES": whole_number,
    "REDIRECT_MAX_TIMES": whole_number,
    "COOKIES_MAX_KEPT": whole_number,
    "DOWNLOAD_MAXSIZE": size_in_bytes,
    "SITEMAP_MAXSIZE": size_in_bytes,
    "PAGE_MAX_ELEMENTS": size_in_bytes,
    "RESPONSE_HEADERS_MAXSIZE": size_in_bytes,
}
