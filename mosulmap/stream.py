"""Claims written as a corpus run finds them, so a whole archive never sits in memory.

:class:`ClaimStream` receives each article's result as it finishes (in record order, from either
engine), appends its claims to the output (Parquet row groups, CSV or JSON Lines, by the suffix)
and its line to the per-article report, and keeps only the claim ids (a repeated id is an error
naming both sources, as in a run held in memory). Both files are written to temporary siblings
and renamed into place at the end: a run that fails leaves no half-written claims file and the
previous one intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from mosulmap.claims import COLUMNS, Claim
from mosulmap.errors import InputError
from mosulmap.extract import ArticleResult
from mosulmap.io import UMASK

FLUSH = 10_000  # claims per Parquet row group


def report_line(r: ArticleResult) -> dict:
    return {"source": r.source, "published": r.published.value.isoformat() if r.published else None,
            "published_how": r.published.how if r.published else "undatable",
            "story": r.story.value.isoformat() if r.story else None, "claims": len(r.claims),
            "unplaced": [u.name for u in r.unplaced], "skipped": len(r.skipped)}


class ClaimStream:
    """Append articles' claims to ``path`` and their report lines to ``path.report.jsonl`` as they
    come; ``on_article`` sees each article (the CLI prints its summary line)."""

    def __init__(self, path: str | Path, on_article: Callable[[ArticleResult], None] | None = None) -> None:
        self.path = Path(path)
        self.report_path = Path(f"{path}.report.jsonl")
        self.kind = self.path.suffix.lower()
        self.on_article = on_article
        self.ids: dict[str, str] = {}
        self.pending: list[Claim] = []
        self.claims = self.articles = 0
        self._writer = None

    def __enter__(self) -> ClaimStream:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self._temp(self.path)
        self._report_tmp = self._temp(self.report_path)
        self._report = open(self._report_tmp, "w", encoding="utf-8")  # noqa: SIM115 - closed in finish/__exit__
        if self.kind != ".parquet":
            self._out = open(self._tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115
            if self.kind == ".csv":
                self._out.write(",".join(COLUMNS) + "\n")  # the header the csv module writes
        return self

    @staticmethod
    def _temp(path: Path) -> str:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        return name

    def add(self, article: ArticleResult) -> None:
        for claim in article.claims:
            if claim.claim_id in self.ids:
                raise InputError(f"claim id {claim.claim_id!r} is given twice: by {self.ids[claim.claim_id]} and by "
                                 f"{article.source} (is one input listed twice?)")
            self.ids[claim.claim_id] = article.source
        self.articles += 1
        self.claims += len(article.claims)
        self.pending += article.claims
        self._report.write(json.dumps(report_line(article), ensure_ascii=False) + "\n")
        if len(self.pending) >= FLUSH:
            self._flush()
        if self.on_article:
            self.on_article(article)

    def _flush(self) -> None:
        from mosulmap.claim_files import claims_jsonl
        from mosulmap.claims_table import claims_table, safe_table, write_csv

        if not self.pending:
            return
        if self.kind == ".parquet":
            import pyarrow.parquet as pq

            table = claims_table(self.pending)
            if self._writer is None:
                self._writer = pq.ParquetWriter(self._tmp, table.schema, compression="zstd")
            self._writer.write_table(table)
        elif self.kind == ".csv":
            self._out.write(write_csv(safe_table(claims_table(self.pending)), header=False))
        else:
            self._out.write(claims_jsonl(self.pending))
        self.pending = []

    def finish(self, totals: list[dict]) -> None:
        """Write what is left and the report's closing lines, and rename both files into place."""
        self._flush()
        if self.kind == ".parquet":
            if self._writer is None:  # no claims: an empty table with the columns
                import pyarrow.parquet as pq

                from mosulmap.claims_table import claims_table

                pq.write_table(claims_table([]), self._tmp)
            else:
                self._writer.close()
        else:
            self._out.close()
        for line in totals:
            self._report.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._report.close()
        for tmp, path in ((self._tmp, self.path), (self._report_tmp, self.report_path)):
            os.chmod(tmp, 0o666 & ~UMASK)
            os.replace(tmp, path)
        self._done = True

    def __exit__(self, kind, value, traceback) -> None:
        if getattr(self, "_done", False):
            return
        for handle in (getattr(self, "_out", None), self._report, self._writer):
            try:
                if handle is not None:
                    handle.close()
            except Exception:  # noqa: BLE001 - cleaning up after the failure being raised
                pass
        for tmp in (self._tmp, self._report_tmp):
            Path(tmp).unlink(missing_ok=True)
