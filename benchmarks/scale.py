"""The scale suite: how a build grows with claims, days and places, against a baseline commit
measured in the same run.

    python benchmarks/scale.py [--baseline COMMIT] [--claims 1000,10000,...] [--campaigns 100x100,...]

Each workload runs in a fresh process (so peak memory is its own) on synthetic inputs
(``benchmarks/synthetic.py``): the default build of the bundled campaign with PNGs; builds of the
bundled campaign from N synthetic claims (Parquet, no corpus, with PNGs); and builds of synthetic
campaigns of D days x P places (through the campaign mechanism, without PNGs). With ``--baseline``
the same workloads also run on the code of that commit (a ``git worktree``), alternating with the
current tree, and the table gives the ratio. Prints a Markdown table for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

CHILD = """
import json, resource, sys, time
from pathlib import Path
from mosulmap import pipeline
kind, arg, out = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
if kind == "default":
    pipeline.build(out)
elif kind == "claims":
    pipeline.build(out, claims_files=[arg], corpus=None)
else:
    pipeline.build(out, campaign=arg, snapshots=False)
seconds = time.perf_counter() - t
size = sum(f.stat().st_size for f in Path(out).rglob("*") if f.is_file())
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "output_mb": size / 1e6}))
"""


def run(tree: Path, kind: str, arg: str, tmp: Path) -> dict:
    out = tmp / f"out-{kind}-{Path(arg).name or 'default'}-{tree.name}"
    done = subprocess.run([sys.executable, "-c", CHILD, kind, arg, str(out)], cwd=tree, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HOME": str(tmp)})
    if done.returncode:
        raise SystemExit(f"{kind} {arg} on {tree}: failed\n{done.stderr[-3000:]}")
    subprocess.run(["rm", "-rf", str(out)], check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def worktree(commit: str, tmp: Path) -> Path:
    path = tmp / f"baseline-{commit[:8]}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit], check=True,
                   capture_output=True)
    return path


def _made(function: str, *args) -> Path:
    """Make a synthetic input in a process of its own: a workload forked from this one would
    otherwise start with (and report) the memory that a million generated rows took here."""
    if function == "write_claims_parquet":
        n, path = args
        call = f"write_claims_parquet({n}, Path({str(path)!r}))"
    else:
        folder, days, places = args
        call = f"write_campaign(Path({str(folder)!r}), {days}, {places})"
    subprocess.run([sys.executable, "-c", f"from pathlib import Path; from synthetic import *; {call}"],
                   cwd=HERE, check=True, env={"PYTHONPATH": f"{HERE}:{ROOT}", "PATH": "/usr/bin:/bin"})
    return Path(args[0] if function == "write_campaign" else args[1])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="commit to compare with, measured in the same run")
    parser.add_argument("--claims", default="1000,10000,100000", help="claims counts, comma-separated")
    parser.add_argument("--campaigns", default="100x100,300x500", help="DAYSxPLACES, comma-separated")
    parser.add_argument("--no-default", action="store_true", help="skip the default build")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mosulmap-scale-") as name:
        tmp = Path(name)
        trees = [("this tree", ROOT)]
        if args.baseline:
            trees.insert(0, (f"baseline {args.baseline[:8]}", worktree(args.baseline, tmp)))
        work = [] if args.no_default else [("default build with PNGs (east Mosul)", "default", "")]
        for n in filter(None, args.claims.split(",")):
            path = _made("write_claims_parquet", int(n), tmp / f"claims-{n}.parquet")
            work.append((f"{int(n):,} claims (east Mosul, with PNGs)", "claims", str(path)))
        for spec in filter(None, args.campaigns.split(",")):
            days, places = map(int, spec.split("x"))
            folder = _made("write_campaign", tmp / f"campaign-{spec}", days, places)
            work.append((f"{days:,} days x {places:,} places (no PNGs)", "campaign", str(folder)))
        print("| workload | " + " | ".join(f"{t} s / peak MB / output MB" for t, _ in trees)
              + (" | time ratio |" if len(trees) > 1 else " |"))
        print("|---" * (len(trees) + 1 + (len(trees) > 1)) + "|")
        for label, kind, arg in work:
            cells, times = [], []
            for _, tree in trees:
                r = run(tree, kind, arg, tmp)
                times.append(r["seconds"])
                cells.append(f"{r['seconds']:.1f} / {max(r['peak_mb'], r['children_peak_mb']):.0f} / "
                             f"{r['output_mb']:.0f}")
            ratio = f" {times[-1] / times[0]:.2f} |" if len(times) > 1 else ""
            print(f"| {label} | " + " | ".join(cells) + " |" + ratio, flush=True)
        if args.baseline:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(trees[0][1])],
                           capture_output=True)


if __name__ == "__main__":
    main(sys.argv[1:])
