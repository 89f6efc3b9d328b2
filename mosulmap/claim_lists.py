"""A place's claims as the maps hold them: compact rows, popups' latest few, and the full list of
each place as scripts loaded on demand (``claims/PLACE.js`` and its chunks), so the pages stay small
however many claims a place has. Laid out and escaped in the browser by ``common.js``."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache

from mosulmap.claims import Claim
from mosulmap.render import js_json
from mosulmap.timeline import Timeline

CLAIM_HEAD = "<tr><th>date</th><th>status</th><th>actor</th><th>source and quote</th></tr>"
CLAIM_HEAD_JSON = json.dumps(CLAIM_HEAD)


def _short_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def claims_file(place_id: str) -> str:
    """File name of a place's full claim list, loaded on demand by the maps."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", place_id) + ".js"


CLAIM_CHUNK = 500  # rows per file of a place's full claim list: any list opens in one small read


def compact_claim(c: Claim, quote_chars: int | None = None) -> list[str]:
    """A claim as the maps' pages hold it (laid out and escaped by ``mosulmapClaimRow`` in common.js):
    id, date, date precision, status, event, actor, source, quote (or note), confidence."""
    text = c.quote or c.note
    # the enums are str subclasses: JSON writes their value
    return [c.claim_id, _iso(c.date), c.date_precision, c.status, c.event, c.actor, c.source,
            _short_text(text, quote_chars) if quote_chars else text, c.confidence]


@lru_cache(maxsize=4096)
def _iso(day: date) -> str:
    return day.isoformat()


def place_claims_js(tl: Timeline, place_id: str) -> dict[str, str]:
    """A place's full claim list as scripts that hand it to the page (they work over file://):
    ``PLACE.js``, an index of chunks (first day, last day, rows), and ``PLACE.N.js``, the rows of
    chunk N in date order, as compact claims (:func:`compact_claim`) the page lays out. The page
    loads the index, then only the chunks a reader pages into."""
    claims = [c for c in tl.history[place_id] if c.date <= tl.end]
    chunks = [claims[i:i + CLAIM_CHUNK] for i in range(0, len(claims), CLAIM_CHUNK)]
    stem = claims_file(place_id).removesuffix(".js")
    index = [[_iso(chunk[0].date), _iso(chunk[-1].date), len(chunk)] for chunk in chunks]
    files = {f"{stem}.js": f"mosulmapClaimIndex({js_json(place_id)}, {CLAIM_HEAD_JSON}, {js_json(index)});\n"}
    for k, chunk in enumerate(chunks):
        # a compact claim whose repeating fields (date, precision, status, event, actor, source, confidence)
        # are indices into the chunk's own list of strings: half the size with many claims from few outlets;
        # rows are [id, those seven, quote or note], one pass over the claims
        strings: dict[str, int] = {}
        seen = strings.setdefault
        packed = [[c.claim_id, seen(_iso(c.date), len(strings)), seen(c.date_precision, len(strings)),
                   seen(c.status, len(strings)), seen(c.event, len(strings)), seen(c.actor, len(strings)),
                   seen(c.source, len(strings)), seen(c.confidence, len(strings)), c.quote or c.note]
                  for c in chunk]
        data = {"strings": list(strings), "rows": packed}
        files[f"{stem}.{k}.js"] = f"mosulmapClaimChunk({js_json(place_id)}, {k}, {js_json(data)});\n"
    return files
