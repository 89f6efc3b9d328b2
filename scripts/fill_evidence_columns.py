"""Fill ``claimant``, ``basis`` and ``relay_of`` in the bundled claims files by the documented rules
of :mod:`mosulmap.evidence` (``python scripts/fill_evidence_columns.py``); values already in a file
(set by hand) are kept. Run again after adding claims; the outputs are committed.

* ``claimant``: who makes the statement, by rule: ``IS/Amaq``; ``ISW``; the blog or forum (the
  source's first part); the named force or ``military statement`` for official claims; else the
  outlet (the source's first part).
* ``basis``: :func:`mosulmap.evidence.basis_of`; ``relay_of``: :func:`mosulmap.evidence.find_relays`
  over all files of a campaign together.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mosulmap.claim_files import load_claims  # noqa: E402
from mosulmap.evidence import basis_of, claimant_class, find_relays  # noqa: E402
from mosulmap.gazetteer import load_gazetteer  # noqa: E402
from mosulmap.io import atomic_write_text  # noqa: E402
from mosulmap.resolver import Resolver  # noqa: E402

GROUPS = {"east-mosul": ["east_mosul_claims.csv", "east_mosul_claims_additions.csv"],
          "west-mosul": ["west_mosul_claims.csv"]}


def claimant_of(claim) -> str:
    cls = claimant_class(claim)
    outlet = claim.source.split(",")[0].split("(")[0].strip()[:60]
    if cls == "is":
        return "IS/Amaq"
    if cls == "think_tank":
        return "ISW"
    if cls == "official":
        return claim.actor if claim.actor not in ("", "unspecified") else "military statement"
    return outlet or cls


def main() -> None:
    for campaign, names in GROUPS.items():
        files = [ROOT / "data" / "claims" / n for n in names]
        loaded = load_claims(files, Resolver(load_gazetteer(campaign=campaign)))
        by_id = {c.claim_id: c for c in loaded.claims}
        relays = find_relays(loaded.claims)
        for path in files:
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                fields = list(reader.fieldnames or [])
                rows = list(reader)
            for column in ("claimant", "basis", "relay_of"):
                if column not in fields:
                    fields.append(column)
            for row in rows:
                claim = by_id.get(row["claim_id"])
                if claim is None:
                    continue
                row["claimant"] = row.get("claimant") or claimant_of(claim)
                row["basis"] = row.get("basis") or basis_of(claim)
                row["relay_of"] = row.get("relay_of") or relays.get(claim.claim_id, "")
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            atomic_write_text(path, buffer.getvalue())
            print(f"{path.name}: {len(rows)} rows; {sum(1 for r in rows if r['relay_of'])} relays")


if __name__ == "__main__":
    main()
