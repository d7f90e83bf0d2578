"""Extraction quality on the project's real test pages, the figures the quality gate pins.

    python -m scrapers.quality                  # both datasets: one line of figures each
    python -m scrapers.quality --json out.json  # and every page's prediction and scores

Reads `tests/data/<dataset>/pages/<id>.html.gz` and `truth.jsonl`, runs `extract_article` on every page and
scores it with the evaluation's definitions (kept identical, so the figures equal the shared scorer's):

- `title`: normalized title equals the truth; `title~` also counts a page when prediction and truth are both
  among the page's own headlines (og:title, twitter:title, a JSON-LD Article headline, the first h1), unless
  the truth is a proper part of the prediction.
- `date`: the calendar day in the truth's UTC offset; `instant`: within 60 s of a truth that has an offset.
- `authors`: the set of normalized names equals the truth's; `authors_f1`: mean F1 over names.
- `lead`: word-token F1 with the truth reaches 0.9.
- `body_p/r/f1`: scrapinghub's article-extraction-benchmark shingle metric (case-sensitive word tokens,
  4-word shingles, per-page precision and recall averaged, F1 of the two means); on lead + body where the
  truth's body includes the lead (aeb).
- `tags`: mean F1 of normalized tag sets.

Normalized: NFC, invisible characters removed, whitespace collapsed, casefolded. Each figure averages only
over the pages whose truth has that field.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DATASETS = ("fundus-dev", "aeb")

LEAD_PASS = 0.9
"""Token F1 at which a lead counts as right (the evaluation's threshold)."""
INSTANT_SECONDS = 60
"""How far from the truth a publication time may be and still count as the same instant."""
SHINGLE = 4

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_WORD = re.compile(r"\w+")

Extractor = Callable[[bytes, str], Mapping[str, Any]]


@dataclass(frozen=True)
class Page:
    """One test page: its id, URL, bytes and truth record."""

    id: str
    url: str
    html: bytes
    truth: Mapping[str, Any]


def load(dataset: str, data: Path = DATA) -> list[Page]:
    """Every page of `dataset` with its truth, in the truth file's order."""
    folder = data / dataset
    pages = []
    for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            truth = json.loads(line)
            html = gzip.decompress((folder / "pages" / f"{truth['id']}.html.gz").read_bytes())
            pages.append(Page(truth["id"], truth.get("url") or "", html, truth))
    return pages


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "").translate(_INVISIBLE)
    return " ".join(text.split()).casefold()


def set_f1(truth: set[str], pred: set[str]) -> float:
    if not truth and not pred:
        return 1.0
    common = len(truth & pred)
    return 2 * common / (len(truth) + len(pred)) if common else 0.0


def token_f1(truth: str, pred: str) -> float:
    t, p = Counter(_WORD.findall(norm(truth))), Counter(_WORD.findall(norm(pred)))
    if not t and not p:
        return 1.0
    common = sum((t & p).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def shingle_counts(truth: str, pred: str) -> tuple[float, float, float]:
    """Normalized (true positive, false positive, false negative) shares of 4-word shingles."""
    ts, ps = _shingles(truth), _shingles(pred)
    tp = fp = fn = 0.0
    for key in ts.keys() | ps.keys():
        t, p = ts.get(key, 0), ps.get(key, 0)
        tp, fp, fn = tp + min(t, p), fp + max(0, p - t), fn + max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")
    if len(tokens) <= SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def body_figures(rows: Iterable[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Precision averaged over pages with output, recall over pages with truth, and their F1."""
    rows = list(rows)
    precisions = [1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in rows if tp + fp > 0]
    recalls = [1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in rows if tp + fn > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def date_scores(truth: str, pred: str | None) -> tuple[int, int | None]:
    """(right calendar day, same instant or None when the truth has no offset)."""
    when = _when(truth)
    assert when is not None, f"unreadable truth date {truth!r}"
    truth_day = when if not isinstance(when, datetime) else when.date()
    aware = isinstance(when, datetime) and when.tzinfo is not None
    got = _when(pred) if pred else None
    if got is None or not isinstance(got, datetime):
        return int(got is not None and got == truth_day), (0 if aware else None)
    if not aware:
        return int(got.date() == truth_day), None
    assert isinstance(when, datetime)
    got = got if got.tzinfo else got.replace(tzinfo=when.tzinfo)
    try:
        return int(got.astimezone(when.tzinfo).date() == truth_day), int(abs((got - when).total_seconds()) <= 60)
    except (OverflowError, ValueError):
        return 0, 0


def _when(text: str | None) -> date | datetime | None:
    text = str(text or "").strip()
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def headline_variants(html: bytes) -> set[str]:
    """The page's own headlines, normalized: og:title, twitter:title, JSON-LD Article headlines, first h1."""
    from lxml import etree
    from lxml.html import document_fromstring

    from scrapers.extract import decode_page

    try:
        root = document_fromstring(decode_page(html))
    except (etree.ParserError, ValueError):
        return set()
    found = [
        meta.get("content", "")
        for meta in root.iter("meta")
        if {(meta.get("property") or "").strip().lower(), (meta.get("name") or "").strip().lower()}
        & {"og:title", "twitter:title"}
    ]
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower().startswith("application/ld+json"):
            found += _jsonld_headlines(script.text or "")
    for h1 in root.iter("h1"):
        if any(parent.tag == "head" for parent in h1.iterancestors()):
            continue
        text = " ".join(str(h1.xpath("string()")).split())
        if len(norm(text)) >= 3:
            found.append(text)
            break
    return {norm(text) for text in found} - {""}


def _jsonld_headlines(raw: str) -> list[str]:
    import html

    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:].rsplit("-->", 1)[0]
    try:
        doc = json.loads(raw, strict=False)
    except ValueError:
        return []
    out: list[str] = []
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop(0)
        if depth > 20:
            continue
        if isinstance(node, list):
            stack[:0] = [(x, depth + 1) for x in node]
        elif isinstance(node, dict):
            if _is_article_type(node.get("@type")):
                heads = node.get("headline")
                for head in heads if isinstance(heads, list) else [heads]:
                    head = head.get("@value") if isinstance(head, dict) else head
                    if isinstance(head, str):
                        out.append(html.unescape(head))
            if "@graph" in node:
                stack.insert(0, (node["@graph"], depth + 1))
    return out


def _is_article_type(value: Any) -> bool:
    for kind in value if isinstance(value, list) else [value]:
        if isinstance(kind, str):
            kind = re.split(r"[/:#]", kind.strip())[-1]
            if kind.endswith(("Article", "Posting")) or kind == "Report":
                return True
    return False


def score_page(page: Page, pred: Mapping[str, Any]) -> dict[str, float]:
    """One page's scores, named as in `figures`; a field the truth lacks is not scored."""
    truth, scores = page.truth, {}
    if truth.get("title"):
        title = norm(pred.get("title"))
        scores["title"] = float(bool(title) and title == norm(truth["title"]))
        fair = bool(title) and norm(truth["title"]) not in title
        both = {title, norm(truth["title"])}
        scores["title~"] = scores["title"] or float(fair and both <= headline_variants(page.html))
    if truth.get("published_at"):
        day, instant = date_scores(truth["published_at"], pred.get("published_at"))
        scores["date"] = day
        if instant is not None:
            scores["instant"] = instant
    if truth.get("authors"):
        t = {norm(a) for a in truth["authors"]} - {""}
        p = {norm(a) for a in pred.get("authors") or []} - {""}
        scores["authors"], scores["authors_f1"] = float(t == p), (set_f1(t, p) if p else 0.0)
    if truth.get("lead"):
        scores["lead"] = float(bool(pred.get("lead")) and token_f1(truth["lead"], pred["lead"]) >= LEAD_PASS)
    if truth.get("tags"):
        t = {norm(a) for a in truth["tags"]} - {""}
        p = {norm(a) for a in pred.get("tags") or []} - {""}
        scores["tags"] = set_f1(t, p) if p else 0.0
    return scores


def body_text(page: Page, pred: Mapping[str, Any]) -> str:
    if page.truth.get("body_includes_lead"):
        return "\n\n".join(x for x in (pred.get("lead"), pred.get("body")) if x)
    return str(pred.get("body") or "")


def figures(pages: list[Page], preds: list[Mapping[str, Any]]) -> dict[str, float]:
    """The dataset's figures: the mean of each page score, and body precision, recall and F1."""
    per_page = [score_page(page, pred) for page, pred in zip(pages, preds, strict=True)]
    out = {name: statistics.mean(s[name] for s in per_page if name in s) for name in _names(per_page)}
    rows = [
        shingle_counts(p.truth["body"], body_text(p, pred))
        for p, pred in zip(pages, preds, strict=True)
        if p.truth.get("body")
    ]
    if rows:
        out["body_p"], out["body_r"], out["body_f1"] = body_figures(rows)
    return out


def _names(per_page: list[dict[str, float]]) -> list[str]:
    return list(dict.fromkeys(name for scores in per_page for name in scores))


def predict(pages: list[Page], extractor: Extractor | None = None) -> list[Mapping[str, Any]]:
    """The extractor's record for every page (`extract_article` at the truth's crawl date by default)."""
    if extractor is None:
        from scrapers.extraction import extract_article

        return [extract_article(p.html, p.url, _crawl_date(p)) for p in pages]
    return [extractor(p.html, p.url) for p in pages]


def _crawl_date(page: Page) -> datetime | None:
    crawled = page.truth.get("crawl_date")
    when = datetime.fromisoformat(crawled) if crawled else None
    return when.replace(tzinfo=UTC) if when and when.tzinfo is None else when


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--json", type=Path, help="write every page's prediction and scores here")
    args = parser.parse_args(argv)
    dump: dict[str, Any] = {}
    for name in args.datasets.split(","):
        pages = load(name, args.data)
        preds = predict(pages)
        result = figures(pages, preds)
        print(f"{name} ({len(pages)} pages): " + "  ".join(f"{k} {v:.3f}" for k, v in result.items()))
        dump[name] = {"figures": result, "pages": {p.id: {"pred": pred, "scores": score_page(p, pred)}
                                                   for p, pred in zip(pages, preds, strict=True)}}
    if args.json:
        args.json.write_text(json.dumps(dump, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
