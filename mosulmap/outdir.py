"""Output folders: what a build may replace, and how it replaces it atomically.

A folder a build writes carries ``MARKER``; a folder without it (a user's files) is never
replaced or added to. A build renders into a marked staging folder beside the target and swaps
it in at the end; what a killed build left (its staging folder, or the old output between the two
renames of the swap) is cleaned up or brought back by the next build, and only when marked and
named exactly for this target.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from mosulmap.errors import MosulmapError
from mosulmap.io import UMASK, atomic_write_text

MARKER = ".mosulmap-output"


def check_out_dir(out: Path) -> None:
    """Refuse to replace a folder that a build did not make (``--out .`` must not eat a repo)."""
    if out.exists():
        if not out.is_dir():
            raise MosulmapError(f"{out}: output path exists and is not a folder")
        entries = [p.name for p in out.iterdir() if p.name != ".gitkeep"]
        if entries and MARKER not in entries:
            raise MosulmapError(f"{out}: folder is not empty and was not written by mosulmap; choose another --out")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out: Path, kind: str) -> list[tuple[Path, int]]:
    """This target's ``.OUT.build-PID-XXXX`` / ``.OUT.old-PID`` folders that a build marked as its
    own, with their pid; names are compared literally (``--out 'dir/*'`` is no pattern) and a
    user's ``.out.old-backup`` is not a leftover."""
    pattern = re.compile(re.escape(f".{out.name}.{kind}-") + (r"(\d+)-[^/]+" if kind == "build" else r"(\d+)"))
    found = []
    for entry in sorted(out.parent.iterdir()):
        m = pattern.fullmatch(entry.name)
        if m and entry.is_dir() and not entry.is_symlink() and (entry / MARKER).is_file():
            found.append((entry, int(m.group(1))))
    return found


def clean_leftovers(out: Path) -> list[str]:
    """Remove what a killed build left beside ``out``; bring the old output back if a crash fell
    between the two renames of the swap. Returns notes on what was done."""
    notes: list[str] = []
    if not out.parent.is_dir():
        return notes
    for old, pid in _leftovers(out, "old"):
        if pid != os.getpid() and _alive(pid):
            continue
        if not out.exists():
            old.rename(out)
            notes.append(f"recovered the previous output from {old.name} (a build had stopped mid-swap)")
        else:
            shutil.rmtree(old, ignore_errors=True)
    for stale, pid in _leftovers(out, "build"):
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(stale, ignore_errors=True)
            notes.append(f"removed {stale.name}, left by a build that was stopped")
    return notes


def staging_dir(out: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))
    os.chmod(staging, 0o777 & ~UMASK)  # mkdtemp makes 0700; a web server must read the output
    # Marked at once: a build killed at any point leaves a folder the next build knows as its own.
    try:
        atomic_write_text(staging / MARKER, "written by mosulmap build; the whole folder is replaced on rebuild\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def swap_in(staging: Path, out: Path) -> None:
    if out.exists():
        for hidden in out.glob(".*"):
            if hidden.is_file() and not (staging / hidden.name).exists():
                shutil.copy2(hidden, staging / hidden.name)
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)
