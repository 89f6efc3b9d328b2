"""Build ``gazetteer/places.csv`` from the compiled research in ``../shared/gazetteer-research``.

Run once when the research changes (``python scripts/import_research.py [RESEARCH_DIR]``); the
output is committed and hand edits go into ``gazetteer/places.csv`` afterwards. Every row keeps
its research sources; spellings seen in the curated claims file are added as variants with the
claim ids that use them, so each variant stays traceable.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RESEARCH = ROOT.parent / "shared" / "gazetteer-research"
CLAIMS = [ROOT / "data" / "claims" / name for name in ("east_mosul_claims.csv", "east_mosul_claims_additions.csv")]
GAZETTEER = ROOT / "gazetteer"
OUT = GAZETTEER / "places.csv"
# Hand-kept amendments to the research, each row with its source (see gazetteer/SOURCES.md).
MERGES = GAZETTEER / "merges.csv"
EXTRA_PLACES = GAZETTEER / "extra_places.csv"
EXTRA_NAMES = GAZETTEER / "extra_names.csv"
WOF_POINTS = {"faisaliya"}  # WOF points that replace an estimate (matches_to_gazetteer.csv)

COLUMNS = [
    "place_id",
    "name",
    "arabic",
    "variants",
    "scope",
    "feature_type",
    "lat",
    "lon",
    "coord_source",
    "coord_confidence",
    "coord_method",
    "uncertainty_m",
    "coord_note",
    "alt_lat",
    "alt_lon",
    "alt_coord_source",
    "arabic_source",
    "variant_sources",
    "east_bank_evidence",
    "notes",
    "sources",
    "research_id",
    "aliases",
    "west_bank_evidence",
    "part_of",
]
WEST = ROOT.parent / "shared" / "west-mosul" / "west_places.csv"
VILLAGES_OUTSIDE = {"al-kuba", "al-qawsyat", "al-bosaif"}

PAREN = re.compile(r"\(([^)]*)\)")
ARABIC = re.compile(r"[\u0600-\u06FF]")


def slug(name: str) -> str:
    name = PAREN.sub("", name)
    name = re.sub(r"['’`]", "", name.lower())
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")


def split_top_level(text: str, sep: str = ";") -> list[str]:
    """Split on ``sep`` outside square brackets."""
    parts, depth, cur = [], 0, []
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def expand_name(name: str) -> list[str]:
    """'Falah 1 and 2' -> Falah 1, Falah 2; 'a / b' -> a, b; parentheticals dropped."""
    out: list[str] = []
    for part in re.split(r"\s+/\s+|/", PAREN.sub("", name)):
        part = part.strip(" ,")
        if not part or part.lower().startswith("no latin"):
            continue
        m = re.match(r"^(.*?)\s+1 and (?:\1\s+)?2$", part)
        if m:
            out += [f"{m.group(1)} 1", f"{m.group(1)} 2"]
        else:
            out.append(part)
    return out


def parse_variants(text: str) -> list[str]:
    names: list[str] = []
    for segment in split_top_level(text):
        names += expand_name(re.sub(r"\[[^\]]*\]", "", segment))
    return names


def canonical_names(name: str) -> list[str]:
    """'Khadra (Shuqaq al-Khadra / Green Apartments)' -> Khadra, Shuqaq al-Khadra, Green Apartments."""
    names = expand_name(name)
    for inner in PAREN.findall(name):
        if inner.strip() not in {"?", ""}:
            names += expand_name(inner)
    return names


def dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def claim_variants() -> dict[str, dict[str, list[str]]]:
    """canonical name -> {spelling: [claim ids]} from the curated claims."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in CLAIMS:
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["place_canonical"]:
                    out[row["place_canonical"]][row["place_as_written"]].append(row["claim_id"])
    return out


def east_rows(research: Path) -> list[dict[str, str]]:
    from_claims = claim_variants()
    rows = []
    with (research / "east_mosul_neighborhoods.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            names = canonical_names(r["canonical_name_en"]) + parse_variants(
                r["transliteration_variants"]
            )
            arabic = [a.strip() for a in r["arabic"].split("/") if a.strip()]
            arabic += re.findall(r"[\u0600-\u06FF][\u0600-\u06FF ]*[\u0600-\u06FF]", r["arabic_source"])
            claim_spellings = from_claims.get(r["canonical_name_en"], {})
            names += [expand_name(s)[0] for s in claim_spellings if expand_name(s)]
            variant_sources = r["transliteration_variants"]
            if claim_spellings:
                cited = "; ".join(
                    f"{s} [claims {', '.join(ids)}]" for s, ids in claim_spellings.items()
                )
                variant_sources = f"{variant_sources}; {cited}" if variant_sources else cited
            primary = canonical_names(r["canonical_name_en"])[0]
            rows.append(
                {
                    "place_id": slug(primary),
                    "name": r["canonical_name_en"],
                    "arabic": arabic[0] if arabic else "",
                    "variants": " | ".join(
                        dedupe([n for n in names + arabic[1:] if n != r["canonical_name_en"]])
                    ),
                    "scope": "east_bank",
                    "feature_type": r["feature_type"],
                    "lat": r["lat"],
                    "lon": r["lon"],
                    "coord_source": r["coord_source"],
                    "coord_confidence": r["coord_confidence"].split(" ")[0],
                    "coord_method": _method(r["lat"], r["coord_confidence"]),
                    "alt_lat": r["alt_lat"],
                    "alt_lon": r["alt_lon"],
                    "alt_coord_source": r["alt_coord_source"],
                    "arabic_source": r["arabic_source"],
                    "variant_sources": variant_sources,
                    "east_bank_evidence": r["east_bank_evidence"],
                    "notes": r["notes"],
                    "sources": r["source"],
                    "research_id": r["id"],
                }
            )
    return rows


def out_of_scope_rows(research: Path, taken: set[str]) -> list[dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    with (research / "out_of_scope_places.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            pid = slug(r["name"])
            if pid in taken:
                pid = f"{pid}-{r['scope'].replace('_', '-')}"
            names = [n.strip() for n in r["variants"].split(";") if n.strip()]
            latin = dedupe([v for n in names if not ARABIC.search(n) for v in expand_name(n)])
            arabic = [n for n in names if ARABIC.search(n)]
            row = merged.get(pid)
            if row is None:
                merged[pid] = row = {c: "" for c in COLUMNS}
                row.update(place_id=pid, name=r["name"], scope=r["scope"], feature_type="")
                row["research_id"] = "out_of_scope"
            else:  # the research lists some places twice (a point row and a named row)
                if row["scope"] != r["scope"]:
                    row["scope"] = "west_bank" if "west_bank" in r["scope"] else row["scope"]
            row["variants"] = " | ".join(
                dedupe([v for v in row["variants"].split(" | ") if v] + latin[:] + arabic[1:])
            )
            row["arabic"] = row["arabic"] or (arabic[0] if arabic else "")
            if r["lat"] and not row["lat"]:
                row.update(lat=r["lat"], lon=r["lon"], coord_source="S_MSF", coord_confidence="medium")
            row["sources"] = "; ".join(dedupe([s for s in (row["sources"], r["evidence"]) if s]))
    return list(merged.values())


WHOLE_EAST_BANK = {
    "place_id": "east-mosul",
    "name": "East Mosul (whole left bank)",
    "arabic": "الساحل الأيسر",
    "variants": " | ".join([
        "east Mosul", "eastern Mosul", "all of east Mosul", "all of eastern Mosul", "east Mosul (left bank)",
        "left bank of Mosul", "Mosul's left bank", "the left coast", "الجانب الأيسر", "الساحل الايسر",
    ]),
    "scope": "east_bank",
    "feature_type": "whole area",
    "sources": "data/claims/README.md (whole-east-bank declarations of 18, 23 and 24 Jan 2017)",
    "notes": "Claims on the whole east bank apply to every east-bank neighbourhood unless a claim on that "
             "neighbourhood is as recent; extraction never assigns claims to it from free text.",
}


def _method(lat: str, confidence: str) -> str:
    """How a research point was placed: the research's "estimated" points come from stated
    relations; the others are source coordinates."""
    if not lat:
        return ""
    return "relation_estimate" if confidence.startswith("estimated") else "sourced"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def apply_positions(rows: dict[str, dict[str, str]], research: Path) -> None:
    """Points for places that had none: estimates with method and uncertainty, and WOF points."""
    for r in _read(research / "estimated_positions.csv"):
        row = rows.get(r["place_id"])
        if row is None or row["lat"]:
            continue
        row.update(lat=r["lat"], lon=r["lon"], coord_source=r["sources"], coord_method=r["method"],
                   uncertainty_m=r["uncertainty_m"], coord_note=r["note"],
                   coord_confidence="medium" if r["method"] == "sourced_coordinate" else "estimated")
    for r in _read(research / "wof" / "matches_to_gazetteer.csv"):
        row = rows.get(r["place_id"])
        if row is None or r["place_id"] not in WOF_POINTS:
            continue
        if row["lat"]:  # the estimate becomes the alternative position
            row.update(alt_lat=row["lat"], alt_lon=row["lon"], alt_coord_source=f"{row['coord_method']}: "
                       f"{row['coord_source']}")
        row.update(lat=r["source_lat"], lon=r["source_lon"], coord_confidence="low", coord_method="sourced",
                   uncertainty_m="", coord_source=f"Who's On First {r['wof_id']} ({r['source_name']}; {r['note']})",
                   coord_note=f"WOF confidence {r['confidence']}")


def apply_merges(rows: dict[str, dict[str, str]]) -> None:
    """One row for places the research found to be one; the old id stays as an alias."""
    for m in _read(MERGES):
        keep, gone = rows[m["keep"]], rows.pop(m["merged"])
        names = [gone["name"], *canonical_names(gone["name"]), gone["arabic"], *gone["variants"].split(" | ")]
        known = {keep["name"], keep["arabic"], *keep["variants"].split(" | ")}
        keep["variants"] = " | ".join(dedupe([v for v in keep["variants"].split(" | ") if v]
                                            + [n for n in names if n and n not in known]))
        keep["variant_sources"] = "; ".join(x for x in (keep["variant_sources"], gone["variant_sources"]) if x)
        keep["sources"] = "; ".join(dedupe([x for x in (keep["sources"], gone["sources"], m["source"]) if x]))
        keep["notes"] = f"{keep['notes']} Merged with {gone['name']} ({m['merged']}): {m['reason']}.".strip()
        keep["aliases"] = " | ".join(x for x in (keep["aliases"], m["merged"]) if x)


def apply_names(rows: dict[str, dict[str, str]]) -> None:
    for r in _read(EXTRA_NAMES):
        row = rows[r["place_id"]]
        if not row["arabic"] and ARABIC.search(r["name"]):
            row["arabic"], row["arabic_source"] = r["name"], r["source"]
        else:
            row["variants"] = " | ".join(dedupe([v for v in row["variants"].split(" | ") if v] + [r["name"]]))
        row["variant_sources"] = "; ".join(x for x in (row["variant_sources"], f"{r['name']} [{r['source']}]") if x)


def extra_rows() -> list[dict[str, str]]:
    out = []
    for r in _read(EXTRA_PLACES):
        row = {c: "" for c in COLUMNS}
        row.update({k: v for k, v in r.items() if k in row})
        row["research_id"] = "extra_places.csv"
        out.append(row)
    return out


def merge_west(rows: list[dict], path: Path) -> list[dict]:
    """Merge the west-Mosul research gazetteer (``../shared/west-mosul/west_places.csv``): each west
    place replaces the rows that already named it (``project_place_ids``: a named ``west_bank`` row
    with the same id, MSF-derived ``west_bank_or_edge`` rows), whose ids live on as aliases, so a
    place id means the same place in every campaign. West rows go after the others."""
    if not path.exists():
        print(f"note: {path} not found; west-bank rows kept as they are")
        return rows
    with path.open(encoding="utf-8") as f:
        west = list(csv.DictReader(f))
    by_id = {r["place_id"]: r for r in rows}
    taken: set[str] = set()
    merged = []
    for w in west:
        row = {c: (w.get(c) or "") for c in COLUMNS}
        row["research_id"] = "west-mosul/west_places.csv"
        old = [i.strip() for i in (w.get("project_place_ids") or "").split(";") if i.strip()]
        aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
        for pid in old:
            if pid not in by_id:
                continue
            assert by_id[pid]["scope"] != "east_bank", f"{pid}: a west place cannot replace an east-bank row"
            taken.add(pid)
            aliases += [a.strip() for a in by_id[pid]["aliases"].split("|") if a.strip()]
            if pid != w["place_id"]:
                aliases.append(pid)
        row["aliases"] = " | ".join(dict.fromkeys(a for a in aliases if a != w["place_id"]))
        merged.append(row)
    west_ids = {r["place_id"] for r in merged}
    kept = [r for r in rows if r["place_id"] not in taken]
    for r in kept:  # the west research: "villages outside the city and not here"
        if r["place_id"] in VILLAGES_OUTSIDE and r["scope"] == "west_bank_or_edge":
            r["scope"] = "outside_city"
            r["notes"] = (r["notes"] + "; " if r["notes"] else "") + \
                "a village outside the city (../shared/west-mosul/README.md)"
    clash = west_ids & {r["place_id"] for r in kept}
    assert not clash, f"west ids clash with other rows: {sorted(clash)}"
    return kept + merged


def main(research: Path = DEFAULT_RESEARCH) -> None:
    east_by_id = {r["place_id"]: r for r in east_rows(research)}
    for row in east_by_id.values():
        row.setdefault("aliases", "")
    apply_positions(east_by_id, research)
    apply_merges(east_by_id)
    apply_names(east_by_id)
    extras = extra_rows()
    east = list(east_by_id.values()) + [r for r in extras if r["scope"] == "east_bank"]
    east.append({c: WHOLE_EAST_BANK.get(c, "") for c in COLUMNS})
    ids = [r["place_id"] for r in east]
    assert len(ids) == len(set(ids)), "duplicate east-bank ids"
    rows = east + out_of_scope_rows(research, set(ids)) + [r for r in extras if r["scope"] != "east_bank"]
    rows = merge_west(rows, WEST)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(OUT)
    print(f"wrote {OUT} ({len(east)} east-bank, {len(rows) - len(east)} out of scope)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RESEARCH)
