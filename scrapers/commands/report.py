"""`scrapy report`: a health page per site, built from the run reports the state keeps.

    scrapy report -s STATE_URI=sqlite:///state/%(name)s.db                 # reports/<name>.html for every site
    scrapy report thoidai -s STATE_URI=sqlite:///state/%(name)s.db --days 28 -o thoidai.html

The page (one HTML file, no script, charts drawn as inline SVG) shows the records written per run, the
coverage of the main fields over time and of every field run by run, with failed runs (a check failed, or
killed and rolled back) marked in red and their failed checks listed.
"""

from __future__ import annotations

import argparse
import html
from datetime import timedelta
from pathlib import Path

from scrapy.exceptions import UsageError

from scrapers.extensions import COVERED_FIELDS
from scrapers.extract.dates import utc_now
from scrapers.runs import Run, StateCommand, days

MAIN_FIELDS = {"title": "#1f77b4", "body": "#2ca02c", "published_at": "#9467bd", "authors": "#ff7f0e",
               "lead": "#8c564b", "images": "#17becf"}
"""Fields drawn as lines in the coverage chart, with their colours; the table shows every field."""
FAILED = "#d62728"
WIDTH, HEIGHT, MARGIN = 860, 220, 40


class Command(StateCommand):
    def syntax(self) -> str:
        return "[name ...] [--days N] [-o FILE]"

    def short_desc(self) -> str:
        return "Write an HTML health report per site: records per run, field coverage, failed runs"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--days", type=days, default=28, help="runs of the last N days (default 28)")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="the page (one name only); default reports/<name>.html")

    def read(self, args: list[str], opts: argparse.Namespace) -> None:
        runs = self.runs(args)
        if opts.output and len(runs) != 1:
            raise UsageError("-o writes one site's page: name one site")
        since = utc_now() - timedelta(days=opts.days)
        for name, site_runs in runs.items():
            path = Path(opts.output or f"reports/{name}.html")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page(name, [run for run in site_runs if run.ended_at >= since], opts.days),
                            encoding="utf-8")
            print(f"{name}: {path}")
        if not runs:
            print("no runs in the state yet")


def page(name: str, runs: list[Run], days: float) -> str:
    """The health page of `name` for `runs` (oldest first). The entries of the workers of a distributed run
    that did not carry its report are left out: the run is the one entry that did (they showed as failed runs)."""
    runs = [run for run in runs if run.outcome != "worker"]
    failed = [run for run in runs if run.outcome not in ("ok", "running")]
    last = runs[-1] if runs else None
    headline = (f"last run {last.id} ended {last.ended_at:%Y-%m-%d %H:%M} UTC: <b class=\"{last.outcome}\">"
                f"{last.outcome}</b>" if last else "no run yet")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsharvest health: {html.escape(name)}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 940px; }}
h1 {{ font-size: 22px; margin-bottom: 4px; }} h2 {{ font-size: 16px; margin-top: 28px; }}
.ok {{ color: #2ca02c; }} .failed, .rolled_back {{ color: {FAILED}; }}
table {{ border-collapse: collapse; font-size: 12px; }} td, th {{ border: 1px solid #ddd; padding: 2px 6px; }}
td.share {{ text-align: right; }} .legend span {{ margin-right: 14px; }}
</style></head><body>
<h1>newsharvest health: {html.escape(name)}</h1>
<p id="summary">{len(runs)} runs in the last {days:g} days, {len(failed)} failed; {headline}</p>
<h2>Records written per run</h2>
{records_chart(runs)}
<h2>Field coverage over time</h2>
<p class="legend">{legend()}
<span style="color:{FAILED}">&#9650; failed run</span></p>
{coverage_chart(runs)}
<h2>Coverage of every field, run by run</h2>
{coverage_table(runs)}
<h2>Failed runs</h2>
{failed_list(failed)}
</body></html>
"""


def legend() -> str:
    return "".join(f'<span style="color:{colour}">&#9632; {field}</span>' for field, colour in MAIN_FIELDS.items())


def x_of(index: int, count: int) -> float:
    return MARGIN + (WIDTH - 2 * MARGIN) * (index + 0.5) / max(count, 1)


def y_of(value: float, top: float) -> float:
    return HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * (value / top if top else 0)


def axes(top: float, label: str) -> str:
    return (f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" y2="{HEIGHT - MARGIN}" stroke="#888"/>'
            f'<line x1="{MARGIN}" y1="{MARGIN}" x2="{MARGIN}" y2="{HEIGHT - MARGIN}" stroke="#888"/>'
            f'<text x="{MARGIN - 4}" y="{MARGIN + 4}" text-anchor="end" font-size="11">{label}</text>'
            f'<text x="{MARGIN - 4}" y="{HEIGHT - MARGIN + 4}" text-anchor="end" font-size="11">0</text>')


def run_labels(runs: list[Run]) -> str:
    step = max(1, len(runs) // 12)
    return "".join(f'<text x="{x_of(i, len(runs)):.1f}" y="{HEIGHT - MARGIN + 16}" text-anchor="middle" font-size="10">'
                   f'{run.ended_at:%m-%d %H:%M}</text>' for i, run in enumerate(runs) if i % step == 0)


def records_chart(runs: list[Run]) -> str:
    top = max([run.written or 0 for run in runs] + [1])
    bar = (WIDTH - 2 * MARGIN) / max(len(runs), 1) * 0.7
    bars = []
    for i, run in enumerate(runs):
        x, y = x_of(i, len(runs)), y_of(run.written or 0, top)
        colour = "#4c78a8" if run.outcome in ("ok", "running") else FAILED
        title = f"run {run.id}, {run.ended_at:%Y-%m-%d %H:%M}: {run.written} written, {run.outcome}"
        bars.append(f'<rect class="run {run.outcome}" x="{x - bar / 2:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                    f'height="{HEIGHT - MARGIN - y:.1f}" fill="{colour}"><title>{html.escape(title)}</title></rect>')
        if colour == FAILED:
            bars.append(f'<text x="{x:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{FAILED}" font-size="12">'
                        f'&#10007;</text>')
    return (f'<svg id="records" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
            f'{axes(top, str(top))}{"".join(bars)}{run_labels(runs)}</svg>')


def coverage_chart(runs: list[Run]) -> str:
    lines = []
    finished = [(i, run) for i, run in enumerate(runs) if run.report.get("coverage")]
    for field, colour in MAIN_FIELDS.items():
        points = [(x_of(i, len(runs)), y_of(run.report["coverage"].get(field) or 0.0, 1.0))
                  for i, run in finished if run.report["coverage"].get(field) is not None]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            lines.append(f'<polyline class="coverage {field}" points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"/>')
    for i, run in enumerate(runs):
        if run.outcome not in ("ok", "running"):
            x = x_of(i, len(runs))
            lines.append(f'<line x1="{x:.1f}" y1="{MARGIN}" x2="{x:.1f}" y2="{HEIGHT - MARGIN}" stroke="{FAILED}" '
                         f'stroke-dasharray="3,3"/><text x="{x:.1f}" y="{MARGIN - 6}" text-anchor="middle" '
                         f'fill="{FAILED}" font-size="12">&#9650;</text>')
    return (f'<svg id="coverage" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
            f'{axes(1, "100%")}{"".join(lines)}{run_labels(runs)}</svg>')


def coverage_table(runs: list[Run]) -> str:
    shown = [run for run in runs if run.report.get("coverage")][-24:]
    head = "".join(f'<th class="{run.outcome}">{run.id}</th>' for run in shown)
    rows = []
    for field in COVERED_FIELDS:
        cells = []
        for run in shown:
            share = run.report["coverage"].get(field)
            shade = "#fff" if share is None else f"hsl({120 * share:.0f}, 60%, 85%)"
            text = "-" if share is None else f"{share:.0%}"
            cells.append(f'<td class="share" style="background:{shade}">{text}</td>')
        rows.append(f"<tr><th>{field}</th>{''.join(cells)}</tr>")
    return f'<table id="fields"><tr><th>run</th>{head}</tr>{"".join(rows)}</table>'


def failed_list(failed: list[Run]) -> str:
    if not failed:
        return "<p>none</p>"
    items = []
    for run in failed:
        reasons = "; ".join(run.failed_checks) or {"rolled_back": "killed before its output was complete"}.get(
            run.outcome, run.outcome)
        items.append(f'<li class="{run.outcome}">run {run.id}, {run.ended_at:%Y-%m-%d %H:%M} UTC: '
                     f"{html.escape(reasons)}</li>")
    return f'<ul id="failed">{"".join(items)}</ul>'
