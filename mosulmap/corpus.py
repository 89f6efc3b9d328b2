"""Corpus-scale extraction: whole news archives, on one process or on a Dask cluster.

Input is any mix of a folder of ``.txt`` articles (with ``.meta.json`` sidecars), JSON Lines, CSV
or Parquet files with a ``text`` column and optional ``published``, ``url``, ``publisher``,
``title`` (``.gz`` compressed too). Each record becomes a :class:`Record`; a record that cannot
be read is reported with its file and record number and skipped (``strict`` stops instead).
Before the extractor, a cheap relevance pass (an Aho–Corasick automaton over every gazetteer name
and "Mosul", built once per gazetteer) drops the articles that never mention the place. The same
per-record function runs in this process (``engine="local"``) or on Dask workers
(``engine="dask"``: a local cluster of processes, or ``scheduler="tcp://HOST:PORT"``); results
come back in record order, so both give the same claims with the same ids.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import ahocorasick

from mosulmap.errors import InputError
from mosulmap.extract import ArticleResult, extract_text, read_metadata
from mosulmap.gazetteer import Gazetteer
from mosulmap.resolver import Resolver

TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")
BATCH = 500  # records per task: big enough to amortise scheduling, small enough to balance
FIELDS = ("text", "published", "url", "publisher", "title")


@dataclass(frozen=True)
class Record:
    """One article of a corpus, wherever it came from."""

    key: str  # FILE or FILE#N: where it is, and the stem of its claim ids
    text: str
    published: date | None = None
    url: str = ""
    publisher: str = ""
    title: str | None = None


@dataclass(frozen=True)
class BadRecord:
    where: str  # FILE:RECORD
    reason: str


@dataclass
class CorpusResult:
    """What a corpus run found: per-article results in record order, and what it left out."""

    results: list[ArticleResult] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    read: int = 0
    irrelevant: int = 0

    @property
    def claims(self) -> list:
        return [c for r in self.results for c in r.claims]

    def summary(self) -> str:
        return (f"{self.read} records read, {self.irrelevant} never mention Mosul or a gazetteer name, "
                f"{len(self.results)} extracted, {len(self.claims)} claims, {len(self.bad)} bad records skipped")


# -- reading ---------------------------------------------------------------------------------------

def _open_text(path: Path) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def _kind(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    return next((s for s in TABLE_SUFFIXES if name.endswith(s)), ".txt")


def _record(row: dict, key: str) -> Record:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text")
    published = row.get("published")
    if published is not None and not isinstance(published, date):
        published = str(published).strip()
        published = date.fromisoformat(published[:10]) if published else None
    title = row.get("title")
    return Record(key, text, published, str(row.get("url") or ""), str(row.get("publisher") or ""),
                  str(title) if title else None)


def _table_rows(path: Path) -> Iterator[tuple[int, dict | Exception]]:
    kind = _kind(path)
    if kind == ".parquet":
        import pyarrow.parquet as pq

        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            columns = [c for c in FIELDS if c in batch.schema.names]
            for row in batch.select(columns).to_pylist():
                number += 1
                yield number, row
        return
    with _open_text(path) as handle:
        if kind == ".csv":
            csv.field_size_limit(2**31 - 1)
            reader = csv.DictReader(handle)
            number = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    number += 1
                    yield number, exc
                    continue
                number += 1
                yield number, row
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield number, exc
                continue
            yield number, obj if isinstance(obj, dict) else ValueError("not a JSON object")


def iter_records(inputs: Iterable[str | Path], strict: bool = False) -> Iterator[Record | BadRecord]:
    """Every record of every input, in a fixed order (folders sorted by file name)."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if re.search(r"\.txt(\.gz)?$", p.name))
            for f in files:
                yield from _txt(f, strict)
            continue
        if not path.exists():
            raise InputError("no such file or folder", path)
        if _kind(path) == ".txt":
            yield from _txt(path, strict)
            continue
        try:
            for number, row in _table_rows(path):
                where = f"{path}:{number}"
                try:
                    if isinstance(row, Exception):
                        raise row
                    yield _record(row, f"{path.name}#{number}")
                except (ValueError, TypeError) as exc:
                    if strict:
                        raise InputError(f"bad record: {exc}", path, number) from None
                    yield BadRecord(where, str(exc))
        except (OSError, EOFError) as exc:  # a truncated gzip, an unreadable Parquet file
            if strict:
                raise InputError(f"cannot read: {exc}", path) from None
            yield BadRecord(str(path), f"cannot read: {exc}")


def _txt(path: Path, strict: bool) -> Iterator[Record | BadRecord]:
    try:
        with _open_text(path) as handle:
            text = handle.read()
        meta = read_metadata(path)
        published = date.fromisoformat(meta["published"]) if meta.get("published") else None
    except (OSError, ValueError, InputError) as exc:
        if strict:
            raise InputError(f"bad article: {exc}", path) from None
        yield BadRecord(str(path), str(exc))
        return
    yield Record(path.name, text, published, meta.get("url", ""), meta.get("publisher", ""), meta.get("title"))


# -- relevance -------------------------------------------------------------------------------------

_LETTER = re.compile(r"\w")


class Relevance:
    """Does a text mention Mosul or any east-bank gazetteer name? One Aho–Corasick pass."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.automaton = ahocorasick.Automaton()
        words = {"mosul", "الموصل", "موصل"}
        for place in gazetteer.east_bank():
            for name in place.names:
                for form in (name.lower(), re.sub(r"^(?:al|el)[-\s]", "", name.lower()),
                             re.sub(r"^(?:حي|منطقة)\s+", "", name)):
                    if len(form) >= 4:
                        words.add(form)
        for word in sorted(words):
            self.automaton.add_word(word, word)
        self.automaton.make_automaton()

    def __call__(self, text: str) -> bool:
        lowered = text.lower()
        for end, word in self.automaton.iter(lowered):
            start = end - len(word) + 1
            # whole words only for Latin names ("Amn" must not hit "amnesty"); Arabic takes prefixes
            before = lowered[start - 1] if start > 0 else " "
            after = lowered[end + 1] if end + 1 < len(lowered) else " "
            if word[0] > "\u05ff" or (not _LETTER.match(before) and not _LETTER.match(after)):
                return True
        return False


# -- the per-record function and the engines ---------------------------------------------------------

_WORKER_STATE: dict[str, tuple[Resolver, Relevance]] = {}


def _state(gazetteer_path: str | None) -> tuple[Resolver, Relevance]:
    """One resolver and automaton per process (built once per worker, not shipped per task)."""
    key = gazetteer_path or ""
    if key not in _WORKER_STATE:
        from mosulmap.gazetteer import load_gazetteer

        resolver = Resolver(load_gazetteer(gazetteer_path))
        _WORKER_STATE[key] = (resolver, Relevance(resolver.gazetteer))
    return _WORKER_STATE[key]


def claim_prefix(key: str) -> str:
    stem = re.sub(r"\.(?:txt|jsonl|ndjson|csv|parquet)(?:\.gz)?", "", key.lower())
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60] or "record"


def process_batch(records: list[Record], gazetteer_path: str | None = None, relevance: bool = True,
                  fallback_published: date | None = None) -> list[ArticleResult | None]:
    """Extract every record of a batch (None for an irrelevant one): the same on every engine."""
    resolver, relevant = _state(gazetteer_path)
    out: list[ArticleResult | None] = []
    for r in records:
        if relevance and not relevant(r.text):
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
    for batch in outputs:
        for item in batch:
            if item is None:
                result.irrelevant += 1
            else:
                result.results.append(item)


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
        Worker processes of the local cluster.
    relevance : bool
        Skip articles that never mention Mosul or a gazetteer name (counted in ``irrelevant``).
    published : date, optional
        Fallback publication date for records with none of their own.
    strict : bool
        Stop at the first bad record instead of reporting and skipping it.
    """
    from tqdm import tqdm

    gazetteer = str(gazetteer_path) if gazetteer_path else None
    result = CorpusResult()
    batches = _batches(iter_records(inputs, strict), result)
    if engine == "local":
        outputs = (process_batch(b, gazetteer, relevance, published) for b in batches)
        _collect(result, tqdm(outputs, desc="batches", unit="batch", disable=not progress, file=sys.stderr))
        return result
    if engine != "dask":
        raise InputError(f"unknown engine {engine!r} (local or dask)")
    import dask.bag as db
    from distributed import Client, LocalCluster

    # Workers read their own share of the corpus: the client sends (file, byte range, first
    # record number) tasks, never the text itself.
    tasks = list(_tasks(inputs))
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  host="127.0.0.1", dashboard_address=None)
    try:
        with Client(scheduler or cluster, timeout="30s") as client:
            bag = db.from_sequence(tasks, npartitions=max(1, len(tasks)))
            mapped = bag.map(process_task, gazetteer_path=gazetteer, relevance=relevance,
                             fallback_published=published, strict=strict)
            futures = client.compute(mapped.to_delayed())
            if progress:
                from distributed import as_completed

                for _ in tqdm(as_completed(futures), total=len(futures), desc="partitions", file=sys.stderr):
                    pass
            parts = [t for part in client.gather(futures) for t in part]
    finally:
        if cluster is not None:
            cluster.close()
    for read, bad, outputs in parts:
        result.read += read
        result.bad += bad
        _collect(result, [outputs])
    return result


CHUNK_BYTES = 4 << 20  # a task's share of a JSON Lines file
CHUNK_FILES = 200  # a task's share of a folder of articles


def _tasks(inputs: Iterable[str | Path]) -> Iterator[tuple]:
    """Units of work in corpus order: ("lines", path, start, end, first record number) for an
    uncompressed JSON Lines file, ("files", [paths]) for articles, ("whole", path) otherwise."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(str(p) for p in path.iterdir() if re.search(r"\.txt(\.gz)?$", p.name))
            for i in range(0, len(files), CHUNK_FILES):
                yield ("files", files[i:i + CHUNK_FILES])
        elif not path.exists():
            raise InputError("no such file or folder", path)
        elif path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from _line_chunks(path)
        elif _kind(path) == ".txt":
            yield ("files", [str(path)])
        else:
            yield ("whole", str(path))


def _line_chunks(path: Path) -> Iterator[tuple]:
    """Byte ranges that end at line ends, each with the number of its first line."""
    size, start, line = path.stat().st_size, 0, 1
    with path.open("rb") as handle:
        while start < size:
            handle.seek(min(size, start + CHUNK_BYTES))
            handle.readline()
            end = min(size, handle.tell())
            handle.seek(start)
            lines = handle.read(end - start).count(b"\n")
            yield ("lines", str(path), start, end, line)
            start, line = end, line + lines


def _task_records(task: tuple, strict: bool) -> Iterator[Record | BadRecord]:
    kind = task[0]
    if kind == "files":
        yield from iter_records(task[1], strict)
        return
    if kind == "whole":
        yield from iter_records([task[1]], strict)
        return
    _, path, start, end, number = task
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start).decode("utf-8-sig" if start == 0 else "utf-8", errors="replace")
    name = Path(path).name
    for offset, raw in enumerate(data.split("\n")):
        if not raw.strip():
            continue
        where = number + offset
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
            yield _record(obj, f"{name}#{where}")
        except (ValueError, TypeError) as exc:
            if strict:
                raise InputError(f"bad record: {exc}", path, where) from None
            yield BadRecord(f"{path}:{where}", str(exc))


def process_task(task: tuple, gazetteer_path: str | None = None, relevance: bool = True,
                 fallback_published: date | None = None, strict: bool = False) -> tuple:
    """Read one task's records on the worker and extract them: (records read, bad records, results)."""
    records: list[Record] = []
    bad: list[BadRecord] = []
    for r in _task_records(task, strict):
        (bad if isinstance(r, BadRecord) else records).append(r)
    return len(records), bad, process_batch(records, gazetteer_path, relevance, fallback_published)


def write_report(result: CorpusResult, path: str | Path) -> Path:
    """The per-article report beside the claims: one JSON line per article, bad record, and total."""
    from mosulmap.io import atomic_write_text

    lines = []
    for r in result.results:
        lines.append({"source": r.source, "published": r.published.value.isoformat() if r.published else None,
                      "published_how": r.published.how if r.published else "undatable",
                      "story": r.story.value.isoformat() if r.story else None, "claims": len(r.claims),
                      "unplaced": [u.name for u in r.unplaced], "skipped": len(r.skipped)})
    lines += [{"bad_record": b.where, "reason": b.reason} for b in result.bad]
    lines.append({"total": result.summary(), "read": result.read, "irrelevant": result.irrelevant,
                  "extracted": len(result.results), "claims": len(result.claims), "bad": len(result.bad)})
    return atomic_write_text(path, "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
