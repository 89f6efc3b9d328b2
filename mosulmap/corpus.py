"""Corpus-scale extraction: whole news archives, on one process or on a Dask cluster.

Input is any mix of a folder of ``.txt`` articles (with ``.meta.json`` sidecars), JSON Lines, CSV
or Parquet files with a ``text`` column and optional ``published``, ``url``, ``publisher``,
``title`` (``.gz`` compressed too), read by :mod:`mosulmap.records` with its limits; a record that
cannot be read is reported with its file and record number and skipped (``strict`` stops instead).
Before the extractor, a cheap relevance pass (:mod:`mosulmap.relevance`) drops the articles that
never mention the place; on JSON Lines it reads the raw line, so most records are never built. The same
per-record function runs in this process (``engine="local"``) or on Dask workers
(``engine="dask"``: a local cluster of processes, or ``scheduler="tcp://HOST:PORT"``); results
come back in record order, so both give the same claims with the same ids (the Dask side is
:mod:`mosulmap.dask_engine`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mosulmap.claims import claim_prefix
from mosulmap.errors import InputError
from mosulmap.extract import ArticleResult, extract_text
from mosulmap.records import (
    MAX_RECORD_BYTES,
    BadRecord,
    Cleared,
    ReadOptions,
    Record,
    iter_records,
)
from mosulmap.relevance import Relevance
from mosulmap.resolver import Resolver

BATCH = 500  # records per task: big enough to amortise scheduling, small enough to balance


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


def _batches(records: Iterable[Record | BadRecord | Cleared], result: CorpusResult) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for r in records:
        if type(r) is Cleared:  # cleared by the scan of their lines: read, and never naming the place
            result.read += r.count
            result.irrelevant += r.count
            continue
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
        scan = _state(gazetteer, campaign)[1].lines if relevance else None
        batches = _batches(iter_records(inputs, strict, options, scan), result)
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
