"""Article files: one ``.txt`` article (UTF-8) with its ``.meta.json`` sidecar, and lists of them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from mosulmap.claims import claim_prefix
from mosulmap.errors import InputError
from mosulmap.extract.article import ArticleResult, extract_text
from mosulmap.resolver import Resolver


def read_metadata(path: Path) -> dict[str, str]:
    """Sidecar metadata ``<article>.meta.json`` (published, publisher, title, url), if present."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        sidecar = path.with_suffix(".meta.json")
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable metadata: {exc}", sidecar) from None
    if not isinstance(data, dict):
        raise InputError("metadata must be a JSON object", sidecar)
    return {k: str(v) for k, v in data.items() if v is not None}


def extract_file(path: str | Path, resolver: Resolver, published: date | None = None,
                 key: str | None = None) -> ArticleResult:
    """Extract claims from one article file (UTF-8 text), using its sidecar metadata if any.

    ``published`` is a fallback: the sidecar's date and a printed dateline come first. ``key``
    is the stem of the claim ids (:func:`mosulmap.claims.claim_prefix`), by default the path as given.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read article: {exc.strerror}", path) from None
    text = raw.decode("utf-8-sig", errors="replace")
    meta = read_metadata(path)
    metadata_date = None
    if meta.get("published"):
        try:
            given = meta["published"].strip()
            if len(given) > 10 and given[10] not in "T ":
                raise ValueError(given)
            metadata_date = date.fromisoformat(given[:10])  # a time after the date is allowed
        except ValueError:
            raise InputError("not an ISO date", path.with_name(path.name + ".meta.json"), None,
                             "published", meta["published"]) from None
    source = meta.get("url") or path.name
    return extract_text(text, resolver, source=source, published=metadata_date, publisher=meta.get("publisher", ""),
                        title=meta.get("title"), id_prefix=claim_prefix(key or str(path)),
                        fallback_published=published)


def extract_files(paths: Iterable[str | Path], resolver: Resolver | None = None,
                  published: date | None = None, relative_to: str | Path | None = None) -> list[ArticleResult]:
    """Extract claims from several article files; see :func:`extract_file`. With ``relative_to``
    (a campaign's folder), each file's claim ids stem from its path relative to that folder, so
    the ids of a campaign's own articles do not depend on where the repository lies."""
    resolver = resolver or Resolver()
    return [extract_file(p, resolver, published,
                         Path(os.path.relpath(p, relative_to)).as_posix() if relative_to is not None else None)
            for p in paths]
