"""Corpus extraction on Dask: the tasks, what a worker reads, and what happens when one dies.

The client cuts the corpus into tasks (a JSON Lines file into byte ranges that end at line ends, a
folder into lists of files, any other file whole) and sends only paths and offsets; each worker
reads its own share with the limits of :mod:`mosulmap.records` and extracts it with
:func:`mosulmap.corpus.process_batch`, so the claims, ids and bad records equal the one-process
run. A task whose records kill a worker is split into single records and retried; a record that
kills a worker on its own is reported as a bad record and the rest of the corpus is kept.
"""

from __future__ import annotations

import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path

from mosulmap.corpus import CorpusResult, _collect, _state, process_batch
from mosulmap.errors import InputError
from mosulmap.records import (
    MAX_RECORD_BYTES,
    BadRecord,
    Cleared,
    ReadOptions,
    Record,
    Scan,
    folder_files,
    iter_records,
    kind_of,
    line_records,
    read_article,
    read_table,
    regular_file_problem,
)

SCHEDULER_ADDRESS = re.compile(r"(?:tcp|tls|ucx|inproc)://[\w.\-\[\]:]+:\d{1,5}(?:/[\w/-]*)?")


def run_on_dask(result: CorpusResult, inputs: list, scheduler: str | None, workers: int, worker_wait: float,
          progress: bool, options: dict) -> None:
    """Run the tasks on Dask; a task whose records kill a worker is split, and a record that
    kills a worker on its own is reported as bad. Results come back in corpus order."""
    import dask
    from distributed import Client
    from distributed.scheduler import KilledWorker
    from tqdm import tqdm

    if not isinstance(workers, int) or workers < 1:
        raise InputError(f"--workers must be 1 or more (got {workers!r})")
    if scheduler and not SCHEDULER_ADDRESS.fullmatch(scheduler):
        raise InputError(f"{scheduler!r} is not a Dask scheduler address (tcp://HOST:PORT)")
    # Workers read their own share of the corpus: the client sends (file, byte range, first
    # record number) tasks with absolute paths, never the text itself. Inputs are checked before
    # anything starts; the tasks are cut as they are sent, so the first starts at once.
    _check_inputs(inputs)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = local_cluster(workers) if not scheduler else None
        try:
            try:
                client = Client(scheduler or cluster, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
            with client:
                try:
                    client.wait_for_workers(1, timeout=worker_wait)
                except TimeoutError:
                    raise InputError(f"the Dask scheduler at {scheduler or 'the local cluster'} has no workers "
                                     f"(waited {worker_wait:g} s)") from None
                threads = sum(client.nthreads().values())
                # A window of tasks in flight, consumed in corpus order: the scheduler always has work
                # for every worker, and neither the workers nor this client hold more than the window's
                # results (each is released once collected).
                window = max(4, 4 * threads)
                pending: deque = deque()
                queue = _tasks(inputs, threads)
                bar = tqdm(desc="tasks", unit="task", file=sys.stderr, disable=not progress)

                def submit() -> None:
                    for task in islice(queue, window - len(pending)):
                        pending.append((task, client.submit(process_task, task, pure=False, **options)))

                submit()
                while pending:
                    task, future = pending.popleft()
                    for read, bad, outputs in _outcome(client, task, future, options, KilledWorker):
                        result.read += read
                        result.bad += bad
                        _collect(result, [outputs])
                    future.release()
                    submit()
                    bar.update()
                bar.close()
        finally:
            if cluster is not None:
                cluster.close()


# Workers of the local cluster run pure-Python tasks that hold the GIL: the statistical profiler
# (a stack sample every 10 ms), the event loop's 20 ms tick and the 0.1 s memory and 0.5 s system
# monitors take it from them, and nobody reads their figures (no dashboard); glibc's trim
# threshold, which Dask lowers to 64 KiB, hands freed memory back to the system and has it
# faulted in again for the next article. Measured on one worker: its CPU time for the same tasks
# 9 % above a plain process before, level after.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": 128 << 20,
}


def local_cluster(workers: int):
    """The local cluster of ``--engine dask`` without a scheduler: ``workers`` processes of one
    thread on 127.0.0.1, no dashboard, quiet workers (``QUIET_WORKERS``; a cluster of your own can
    take the same settings)."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(QUIET_WORKERS):  # the nannies hand the settings to their worker processes
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                            worker_dashboard_address="127.0.0.1:0")


def _outcome(client, task: tuple, future, options: dict, killed: type) -> list[tuple]:
    try:
        return [future.result()]
    except killed:
        pieces = _split(task)
        if pieces is None:
            where = {"whole": lambda: task[2], "files": lambda: task[1][0][1], "folder": lambda: task[3][0][1],
                     "lines": lambda: f"{task[2]}:{task[5]}"}[task[0]]()
            return [(0, [BadRecord(str(where), "stopped a Dask worker twice: skipped")], [])]
        return [part for piece in pieces
                for part in _outcome(client, piece, client.submit(process_task, piece, pure=False, **options),
                                     options, killed)]


def _split(task: tuple) -> list[tuple] | None:
    """Smaller tasks holding the same records (None when the task is one record already)."""
    if task[0] == "files" and len(task[1]) > 1:
        return [("files", [f]) for f in task[1]]
    if task[0] == "folder" and len(task[3]) > 1:
        return [("folder", task[1], task[2], [f]) for f in task[3]]
    if task[0] == "lines":
        _, path, shown, start, end, number = task
        pieces, position = [], start
        with open(path, "rb") as handle:
            handle.seek(start)
            while position < end:
                line = handle.readline(1 << 20)
                while line and not line.endswith(b"\n") and position + len(line) < end:
                    line += handle.readline(1 << 20)
                pieces.append(("lines", path, shown, position, position + len(line), number))
                position += len(line)
                number += 1
                if not line:
                    break
        return pieces if len(pieces) > 1 else None
    return None


CHUNK_BYTES = 4 << 20  # a task's share of a JSON Lines file
CHUNK_FILES = 200  # a task's share of a folder of articles


def _check_inputs(inputs: Iterable[str | Path]) -> None:
    for item in inputs:
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise InputError("no such file or folder", path)


def _tasks(inputs: Iterable[str | Path], threads: int = 1) -> Iterator[tuple]:
    """Units of work in corpus order (the inputs checked by :func:`_check_inputs`), paths absolute
    (a remote worker has another working folder) beside the path as given (the records' keys):
    ("lines", path, shown, start, end, first record number) for an uncompressed JSON Lines file,
    ("files", [(path, shown)]) for articles, and ("whole", path, shown) otherwise. A JSON Lines
    file is cut into a multiple of ``threads`` ranges of about equal size, so no worker is left
    alone with the last one."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = [(str(p.absolute()), str(p)) for p in sorted(path.iterdir())
                     if re.search(r"\.txt(\.gz)?$", p.name, re.I)]
            if files:
                for i in range(0, len(files), CHUNK_FILES):
                    yield ("folder", str(path.absolute()), str(path), files[i:i + CHUNK_FILES])
        elif path.suffix.lower() in (".jsonl", ".ndjson") and regular_file_problem(path) is None:
            yield from _line_chunks(path, threads)
        elif kind_of(path) == ".txt":
            yield ("files", [(str(path.absolute()), str(path))])
        else:
            yield ("whole", str(path.absolute()), str(path))


def _line_chunks(path: Path, threads: int = 1) -> Iterator[tuple]:
    """Byte ranges that end at line ends (found in bounded reads), each with its first line number."""
    size, start, line = path.stat().st_size, 0, 1
    buffer = bytearray(1 << 20)  # counted in place: no new bytes object for each megabyte
    pieces = -(-size // CHUNK_BYTES)
    pieces = -(-pieces // threads) * threads
    chunk = max(1, -(-size // pieces)) if size else CHUNK_BYTES
    with path.open("rb") as handle:
        while start < size:
            handle.seek(min(size, start + chunk))
            end = size
            while handle.tell() < size:
                block = handle.read(1 << 16)
                cut = block.find(b"\n")
                if cut >= 0:
                    end = handle.tell() - len(block) + cut + 1
                    break
            lines, position = 0, start
            handle.seek(start)
            while position < end:
                got = handle.readinto(buffer)
                if not got:
                    break
                lines += buffer.count(b"\n", 0, min(got, end - position))
                position += got
            yield ("lines", str(path.absolute()), str(path), start, end, line)
            start, line = end, line + lines


def _task_records(task: tuple, strict: bool, options: ReadOptions,
                  scan: Scan | None = None) -> Iterator[Record | BadRecord | Cleared]:
    kind = task[0]
    if kind == "folder":
        _, folder, shown, files = task
        allowed = {f for f, _ in files}
        for entry in folder_files(Path(folder), options):
            if isinstance(entry, BadRecord):
                if entry.where in allowed:
                    yield BadRecord(entry.where.replace(folder, shown, 1), entry.reason)
                continue
            if str(entry) in allowed:
                for r in read_article(entry, options, strict):
                    yield _shown(r, str(entry), str(entry).replace(folder, shown, 1))
        return
    if kind == "files":
        for path, shown in task[1]:
            for r in iter_records([path], strict, options, scan):
                yield _shown(r, path, shown)
        return
    if kind == "whole":
        _, path, shown = task
        for r in read_table(Path(path), options, strict, scan):
            yield _shown(r, path, shown)
        return
    _, path, shown, start, end, number = task
    with open(path, "rb") as handle:
        handle.seek(start)
        yield from line_records(handle, shown, options, strict, number, end, scan)


def _shown(r: Record | BadRecord | Cleared, path: str, shown: str) -> Record | BadRecord | Cleared:
    """A record read through an absolute path, named as the user gave it (keys and ids agree
    with the one-process run)."""
    if type(r) is Cleared:
        return r
    if isinstance(r, BadRecord):
        return BadRecord(r.where.replace(path, shown, 1), r.reason)
    return Record(r.key.replace(path, shown, 1), r.text, r.published, r.url, r.publisher, r.title)


def process_task(task: tuple, gazetteer_path: str | None = None, relevance: bool = True,
                 fallback_published: date | None = None, strict: bool = False,
                 max_record_bytes: int = MAX_RECORD_BYTES, follow_links: bool = False,
                 campaign: str | None = None) -> tuple:
    """Read one task's records on the worker and extract them: (records read, bad records, results)."""
    records: list[Record] = []
    bad: list[BadRecord] = []
    cleared = 0  # records whose line the relevance scan cleared
    scan = _state(gazetteer_path, campaign)[1].lines if relevance else None
    for r in _task_records(task, strict, ReadOptions(max_record_bytes, follow_links), scan):
        if type(r) is Cleared:
            cleared += r.count
        else:
            (bad if isinstance(r, BadRecord) else records).append(r)
    outputs = process_batch(records, gazetteer_path, relevance, fallback_published, campaign)
    return len(records) + cleared, bad, outputs + [None] * cleared


