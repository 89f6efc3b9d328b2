"""The relevance scan of raw JSON Lines, and JSON Lines read in blocks.

A line the scan clears is never built into an article, so the scan must let through every line
whose text the text pass lets through, however the JSON was written (escaped or not, an escape
right against a name); and reading in blocks must give the lines, numbers and errors of reading
line by line, whatever the block size.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosulmap import rows as row_reader
from mosulmap.campaign import load_campaign
from mosulmap.gazetteer import load_gazetteer
from mosulmap.relevance import Relevance, relevance_words
from mosulmap.rows import Cleared, json_lines


def _every_char_escaped(text: str) -> str:
    """JSON that escapes every character (legal, if no encoder writes it)."""
    units = text.encode("utf-16-be")
    return '{"text": "' + "".join(f"\\u{units[i:i + 2].hex().upper()}" for i in range(0, len(units), 2)) + '"}'


ENCODERS = {
    "ascii": lambda t: json.dumps({"text": t}),
    "utf-8": lambda t: json.dumps({"text": t}, ensure_ascii=False),
    "slashes": lambda t: json.dumps({"text": t}).replace("/", "\\/"),
    "every char": _every_char_escaped,
}


@pytest.fixture(scope="module", params=[None, "west-mosul"])
def relevance(request):
    campaign = load_campaign(request.param)
    gazetteer = load_gazetteer(None, campaign=campaign)
    return Relevance(gazetteer), relevance_words(gazetteer)


def _lines_passed(relevant: Relevance, lines: list[str]) -> list[bool]:
    block = "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line.encode("utf-8", "surrogatepass")) + 1
    passed = set(relevant.lines(block))
    return [s in passed for s in starts]


def _texts(words: list[str]) -> list[str]:
    """Each name of the gazetteer in settings that test its edges, and text that names none."""
    out = []
    for i, word in enumerate(words):
        name = word.title() if i % 2 else word.upper()
        before = ["", "\n", "\t", '"', "é", "/", " ", "(", "\\"][i % 9]
        after = ["", ".", "\n", '"', "'s", "é", "/", ",", " "][(i // 9) % 9]
        out.append(f"Fighting near{' ' if i % 3 else ''}{before}{name}{after} went on.")
    out += ["Amnesty reported on Lisbon's trams.", "Wheat prices rose.\nA museum reopened.", "", "/\\\"é"]
    return out


@pytest.mark.parametrize("encoder", list(ENCODERS))
def test_the_raw_scan_lets_through_every_line_whose_text_names_a_place(relevance, encoder):
    relevant, words = relevance
    texts = _texts(words)
    named = relevant.many(texts)
    passed = _lines_passed(relevant, [ENCODERS[encoder](t) for t in texts])
    missed = [t for t, n, p in zip(texts, named, passed) if n and not p]
    assert not missed, missed[:5]
    assert sum(named) > 0.9 * len(words)  # the texts do name places
    if encoder != "every char":  # a line that escapes a plain letter always passes; the others are read
        unrelated = [ENCODERS[encoder](t) for t in texts[-4:]]
        assert _lines_passed(relevant, unrelated) == [False] * 4


_EAST = (Relevance(load_gazetteer(None)), None)
FRAGMENTS = ["Karama", "KOKJALI", "al-Zuhur", "Mosul", "Gogjali", "الزهور", "حي", "كوكجلي", " ", "\n", "\t", '"',
             "\\", "/", "é", "\u212a", "ſ", "\u00e1", "amnesty", "x", "1", "-", "'", "’", "\ufffd", "ك"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12), st.sampled_from(list(ENCODERS)))
def test_the_raw_scan_misses_no_text_the_text_pass_finds(parts, encoder):
    relevant, _ = _EAST
    text = "".join(parts)
    if relevant(text):
        assert _lines_passed(relevant, [ENCODERS[encoder](text)]) == [True], text


def _read(data: bytes, block: int, monkeypatch, limit: int = 60, **kw) -> list:
    monkeypatch.setattr(row_reader, "BLOCK_BYTES", block)
    out = []
    for number, row in json_lines(io.BytesIO(data), limit, **kw):
        kind = "error" if isinstance(row, Exception) else "cleared" if isinstance(row, Cleared) else "row"
        out.append((number, kind, str(row) if kind == "error" else row.count if kind == "cleared" else row))
    return out


def test_json_lines_read_alike_in_any_block_size(monkeypatch):
    lines = [b'\xef\xbb\xbf{"text": "first"}', b"", b'{"text": "' + b"x" * 100 + b'"}', b"  ", b"{not json",
             b'{"text": "crlf"}\r', b"[1]", b'{"text": "' + b"y" * 70 + b'"}', b'{"text": "near"}']
    data = b"\n".join(lines) + b"\n" + b'{"text": "' + b"z" * 80 + b'"}'  # the last line long, with no line end
    expected = [(1, "row", {"text": "first"}), (3, "error", "line longer than the record limit (60 bytes)"),
                (5, "error", None), (6, "row", {"text": "crlf"}), (7, "error", "not a JSON object"),
                (8, "error", "line longer than the record limit (60 bytes)"), (9, "row", {"text": "near"}),
                (10, "error", "line longer than the record limit (60 bytes)")]
    for block in (1, 7, 16, 61, 1 << 20):
        got = _read(data, block, monkeypatch)
        assert [(n, k) for n, k, _ in got] == [(n, k) for n, k, _ in expected], block
        assert [g[2] for g, e in zip(got, expected) if e[2] is not None] == \
            [e[2] for e in expected if e[2] is not None], block
    assert _read(data + b"\n", 5, monkeypatch)[-1][0] == 10


def test_a_range_of_a_file_reads_the_lines_of_the_whole(monkeypatch):
    rows = [json.dumps({"text": f"Report {i} from Karama" if i % 3 == 0 else f"Report {i}"}) for i in range(40)]
    data = "".join(r + "\n" for r in rows).encode()
    whole = _read(data, 50, monkeypatch, limit=1000, scan=_EAST[0].lines)
    # a named line is a row; the lines between two are cleared together, and counted
    assert [(n, k, v if k == "cleared" else v["text"]) for n, k, v in whole][:3] == \
        [(1, "row", "Report 0 from Karama"), (3, "cleared", 2), (4, "row", "Report 3 from Karama")]
    assert sum(v for _, k, v in whole if k == "cleared") == 26 and sum(k == "row" for _, k, _ in whole) == 14
    cut = data.index(b"\n", len(data) // 2) + 1  # two Dask ranges
    handle = io.BytesIO(data)
    first = list(json_lines(handle, 1000, 1, cut, _EAST[0].lines))
    handle.seek(cut)
    second = list(json_lines(handle, 1000, data.count(b"\n", 0, cut) + 1, len(data), _EAST[0].lines))
    assert [n for n, r in first + second if type(r) is dict] == [n for n, k, _ in whole if k == "row"]
    assert sum(r.count for _, r in first + second if type(r) is Cleared) == 26


@pytest.mark.parametrize("block", [64, 1 << 22])
def test_a_truncated_gzip_stream_keeps_every_whole_line_before_the_fault(tmp_path, monkeypatch, block):
    import gzip

    from mosulmap.records import BadRecord, Record, iter_records

    monkeypatch.setattr(row_reader, "BLOCK_BYTES", block)
    rows = [json.dumps({"text": f"Report {i} from Karama" if i % 2 else f"Report {i}"}) for i in range(3000)]
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode())[:-200])
    for scan in (None, _EAST[0].lines):
        got = list(iter_records([path], scan=scan))
        kept = sum(isinstance(r, Record) for r in got) + sum(r.count for r in got if isinstance(r, Cleared))
        bad = [r for r in got if isinstance(r, BadRecord)]
        assert 2500 < kept < 3000 and len(bad) == 1
        assert bad[0].where == f"{path}:{kept + 1}" and "cannot read further" in bad[0].reason
