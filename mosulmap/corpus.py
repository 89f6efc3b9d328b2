"""Corpus-scale extraction: whole news archives, on one process or on a Dask cluster.

Input is any mix of a folder of ``.txt`` articles (with ``.meta.json`` sidecars), JSON Lines, CSV
or Parquet files with a ``text`` column and optional ``published``, ``url``, ``publisher``,
``title`` (``.gz`` compressed too), read by :mod:`mosulmap.records` with its limits; a record that
cannot be read is reported with its file and record number and skipped (``strict`` stops instead).
Before the extractor, a cheap relevance pass (one RE2 regular expression over every gazetteer name
and the city's names, compiled once per gazetteer) drops the articles that never mention the place. The same
per-record function runs in this process (``engine="local"``) or on Dask workers
(``engine="dask"``: a local cluster of processes, or ``scheduler="tcp://HOST:PORT"``); results
come back in record order, so both give the same claims with the same ids (the Dask side is
:mod:`mosulmap.dask_engine`).
"""

from __future__ import annotations

import json
import os
import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path

from mosulmap.claims import claim_prefix
from mosulmap.errors import InputError
from mosulmap.extract import ArticleResult, extract_text
from mosulmap.gazetteer import Gazetteer
from mosulmap.records import (
    MAX_RECORD_BYTES,
    BadRecord,
    ReadOptions,
    Record,
    iter_records,
)
from mosulmap.resolver import Resolver

BATCH = 500  # records per task: big enough to amortise scheduling, small enough to balance
SCAN_BYTES = 8 << 20  # the relevance pass joins at most this much text for one scan


@dataclass
class CorpusResult:
    """What a corpus run found: per-article results in record order, and what it left out."""

    results: list[ArticleResult] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    read: int = 0
    irrelevant: int = 0
    sink: object | None = None  # a ClaimStream: results go there as they come instead of into ``results``

    @property
    def claims(self) -> list:
        return [c for r in self.results for c in r.claims]

    @property
    def extracted(self) -> int:
        return self.sink.articles if self.sink is not None else len(self.results)

    @property
    def claim_count(self) -> int:
        return self.sink.claims if self.sink is not None else sum(len(r.claims) for r in self.results)

    def summary(self) -> str:
        return (f"{self.read} records read, {self.irrelevant} never mention the city or a mapped name, "
                f"{self.extracted} extracted, {self.claim_count} claims, {len(self.bad)} bad records skipped")

    def totals(self) -> list[dict]:
        """The report's closing lines: every bad record, then the totals."""
        return [{"bad_record": b.where, "reason": b.reason} for b in self.bad] + [
            {"total": self.summary(), "read": self.read, "irrelevant": self.irrelevant,
             "extracted": self.extracted, "claims": self.claim_count, "bad": len(self.bad)}]


# -- relevance -------------------------------------------------------------------------------------

def relevance_words(gazetteer: Gazetteer) -> list[str]:
    """What the relevance pass looks for, lower-cased: the campaign's city names and every mapped
    name and variant of 4 characters or more (also without "al-"/"el-", and Arabic without حي/منطقة)."""
    words = {w.lower() for w in gazetteer.campaign.city_names}
    for place in gazetteer.mapped():
        for name in place.names:
            for form in (name.lower(), re.sub(r"^(?:al|el)[-\s]", "", name.lower()),
                         re.sub(r"^(?:حي|منطقة)\s+", "", name)):
                if len(form) >= 4:
                    words.add(form)
    return sorted(words)


class Relevance:
    """Does a text mention the campaign's city or any of its mapped gazetteer names? One RE2
    regular expression (google-re2: a DFA, compiled once), case-insensitive. Latin names match as
    whole words ("Amn" must not hit "amnesty"; RE2's word boundary is ASCII, so a name whose edge is
    not an ASCII letter or digit goes without it: more texts pass, none that names a place is lost);
    Arabic names match anywhere, prefixes and all."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        import re2

        parts = []
        for word in relevance_words(gazetteer):
            literal = re2.escape(word)
            if word[0] > "\u05ff":
                parts.append(literal)
            else:
                edge = [r"\b" if ch.isascii() and ch.isalnum() else "" for ch in (word[0], word[-1])]
                parts.append(edge[0] + literal + edge[1])
        options = re2.Options()
        options.case_sensitive = False
        options.max_mem = 64 << 20  # room for the DFA of a few thousand names
        self.search_bytes = re2.compile("|".join(parts).encode(), options).search if parts else \
            (lambda blob, position: None)

    def many(self, texts: list[str]) -> list[bool]:
        """Which texts mention a name, in one scan of the batch: the texts are joined, as UTF-8,
        with a NUL byte between them (no name holds one, and it is no word character, so a match
        never spans two texts and word edges stay where they were); each match marks its text,
        and the scan goes on at the next one. A relevant text costs one call, an irrelevant one
        none (a call per text, and its conversion to UTF-8, cost more than the scan)."""
        found: list[bool] = []
        group: list[bytes] = []
        size = 0
        for text in texts:
            encoded = text.encode("utf-8", "surrogatepass")
            if group and size + len(encoded) > SCAN_BYTES:  # a batch of long records: a few scans, bounded copies
                found += self._scan(group)
                group, size = [], 0
            group.append(encoded)
            size += len(encoded) + 1
        return found + (self._scan(group) if group else [])

    def _scan(self, encoded: list[bytes]) -> list[bool]:
        starts = list(accumulate((len(b) + 1 for b in encoded[:-1]), initial=0))
        blob = b"\0".join(encoded)
        found = [False] * len(encoded)
        search, position = self.search_bytes, 0
        while (m := search(blob, position)) is not None:
            i = bisect_right(starts, m.start()) - 1
            found[i] = True
            if i + 1 == len(starts):
                break
            position = starts[i + 1]
        return found

    def __call__(self, text: str) -> bool:
        return self.many([text])[0]


# -- the per-record function and the engines ---------------------------------------------------------

_WORKER_STATE: dict[str, tuple[Resolver, Relevance]] = {}


def _state(gazetteer_path: str | None, campaign: str | None = None) -> tuple[Resolver, Relevance]:
    """One resolver and automaton per process and campaign (built once per worker, not shipped per task)."""
    key = f"{gazetteer_path or ''}\0{campaign or ''}"
    if key not in _WORKER_STATE:
        from mosulmap.campaign import load_campaign
        from mosulmap.gazetteer import load_gazetteer

        resolver = Resolver(load_gazetteer(gazetteer_path, campaign=load_campaign(campaign)))
        _WORKER_STATE[key] = (resolver, Relevance(resolver.gazetteer))
    return _WORKER_STATE[key]


FAULT_ENV = "MOSULMAP_TEST_EXIT_ON"  # test hook: a worker that meets this text in a record dies


def process_batch(records: list[Record], gazetteer_path: str | None = None, relevance: bool = True,
                  fallback_published: date | None = None, campaign: str | None = None) -> list[ArticleResult | None]:
    """Extract every record of a batch (None for an irrelevant one): the same on every engine."""
    resolver, relevant = _state(gazetteer_path, campaign)
    fault = os.environ.get(FAULT_ENV)
    out: list[ArticleResult | None] = []
    mentioned = relevant.many([r.text for r in records]) if relevance else [True] * len(records)
    for r, mentions in zip(records, mentioned):
        if fault and fault in r.text:
            os._exit(70)  # a record that kills its process, as a runaway parser or the OOM killer would
        if not mentions:
            out.append(None)
            continue
        out.append(extract_text(r.text, resolver, source=r.url or r.key, published=r.published,
                                publisher=r.publisher, title=r.title, id_prefix=claim_prefix(r.key),
                                fallback_published=fallback_published))
    return out


def _batches(records: Iterable[Record | BadRecord], result: CorpusResult) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for r in records:
        if isinstance(r, BadRecord):
            result.bad.append(r)
            continue
        result.read += 1
        batch.append(r)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _collect(result: CorpusResult, outputs: Iterable[list[ArticleResult | None]]) -> None:
    keep = result.sink.add if result.sink is not None else result.results.append
    for batch in outputs:
        result.irrelevant += batch.count(None)  # most of an archive: counted, not walked through
        for item in batch:
            if item is not None:
                keep(item)



def extract_corpus(
    inputs: Iterable[str | Path],
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    gazetteer_path: str | Path | None = None,
    relevance: bool = True,
    published: date | None = None,
    strict: bool = False,
    progress: bool = False,
    max_record_bytes: int = MAX_RECORD_BYTES,
    follow_links: bool = False,
    worker_wait: float = 60.0,
    campaign: str | Path | None = None,
    sink: object | None = None,
) -> CorpusResult:
    """Extract claims from a whole corpus; see the module docstring.

    Parameters
    ----------
    inputs : paths
        Folders of ``.txt`` articles, and JSON Lines / CSV / Parquet files (``.gz`` too).
    engine : "local" or "dask"
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://HOST:PORT``); default a local cluster.
    workers : int
        Worker processes of the local cluster (1 or more).
    relevance : bool
        Skip articles that never mention the campaign's city or a mapped name (counted in ``irrelevant``).
    published : date, optional
        Fallback publication date for records with none of their own.
    strict : bool
        Stop at the first bad record instead of reporting and skipping it.
    max_record_bytes : int
        Larger records are skipped and reported (see :mod:`mosulmap.records`).
    follow_links : bool
        Read links in a folder that point outside it.
    worker_wait : float
        Seconds to wait for a scheduler's first worker before giving up.
    campaign : bundled id or folder, optional
        Whose places, city names and window the extraction uses (default east Mosul).
    sink : ClaimStream, optional
        Receives each article's result as it finishes (:mod:`mosulmap.stream`) instead of
        ``results`` holding them all: memory stays bounded on any corpus.
    """
    from tqdm import tqdm

    if not isinstance(max_record_bytes, int) or max_record_bytes < 1:
        raise InputError(f"the record limit must be a positive number of bytes (got {max_record_bytes!r})")
    options = ReadOptions(max_record_bytes, follow_links)
    inputs = list(inputs)
    gazetteer = str(Path(gazetteer_path).resolve()) if gazetteer_path else None
    if campaign is not None:
        from mosulmap.campaign import load_campaign

        campaign = str(load_campaign(campaign).folder)  # checked here; workers get an absolute folder
    result = CorpusResult(sink=sink)
    if engine == "local":
        batches = _batches(iter_records(inputs, strict, options), result)
        outputs = (process_batch(b, gazetteer, relevance, published, campaign) for b in batches)
        _collect(result, tqdm(outputs, desc="batches", unit="batch", disable=not progress, file=sys.stderr))
    elif engine == "dask":
        from mosulmap.dask_engine import run_on_dask

        run_on_dask(result, inputs, scheduler, workers, worker_wait, progress,
              {"gazetteer_path": gazetteer, "campaign": campaign, "relevance": relevance,
               "fallback_published": published,
               "strict": strict, "max_record_bytes": max_record_bytes, "follow_links": follow_links})
    else:
        raise InputError(f"unknown engine {engine!r} (local or dask)")
    check_unique_ids(result)
    return result


def check_unique_ids(result: CorpusResult) -> None:
    """Two claims with one id are an error naming both sources, never a silent drop."""
    seen: dict[str, str] = {}
    for article in result.results:
        for claim in article.claims:
            if claim.claim_id in seen:
                raise InputError(f"claim id {claim.claim_id!r} is given twice: by {seen[claim.claim_id]} and by "
                                 f"{article.source} (is one input listed twice?)")
            seen[claim.claim_id] = article.source


def write_report(result: CorpusResult, path: str | Path) -> Path:
    """The per-article report beside the claims: one JSON line per article, bad record, and total."""
    from mosulmap.io import atomic_write_text
    from mosulmap.stream import report_line

    lines = [report_line(r) for r in result.results] + result.totals()
    return atomic_write_text(path, "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
