"""Animation: the daily snapshots as an animated GIF and an MP4, to drop into a story.

One frame per dated map (each day on which something changed, or every day), each the PNG
snapshot of that day (legend, front line, source line) with the date as a caption, scaled to a
web article's width. Encoding is left to imageio: Pillow writes the GIF and imageio-ffmpeg (whose
wheel carries its own ffmpeg) the H.264 MP4. Both files are written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import imageio.v3 as iio
import numpy as np
from PIL import Image
from tqdm import tqdm

from mosulmap.io import atomic_write_bytes
from mosulmap.render import MapData
from mosulmap.snapshot import SnapshotRenderer

WEB_WIDTH = 800  # pixels: a web article's column
FRAME_SECONDS = 0.8


def frames(data: MapData, days: Iterable[date], width: int = WEB_WIDTH, progress: bool = False) -> list[np.ndarray]:
    """RGB frames, one per day, all of one size (even sides, as H.264 needs)."""
    days = list(days)
    renderer = SnapshotRenderer(data, dpi=100)
    out = []
    try:
        for day in tqdm(days, desc="frames", unit="day", disable=not progress):
            image = Image.open(io.BytesIO(renderer.render(day))).convert("RGB")
            height = round(image.height * width / image.width)
            image = image.resize((width - width % 2, height - height % 2), Image.LANCZOS)
            out.append(np.asarray(image))
    finally:
        renderer.close()
    return out


def write_animation(data: MapData, days: Iterable[date], out_dir: str | Path, stem: str = "east_mosul",
                    width: int = WEB_WIDTH, seconds_per_frame: float = FRAME_SECONDS,
                    progress: bool = False) -> tuple[Path, Path]:
    """Write ``STEM.gif`` and ``STEM.mp4`` into ``out_dir``; returns both paths."""
    out_dir = Path(out_dir)
    images = frames(data, days, width, progress)
    if not images:
        raise ValueError("no days to animate")
    gif = iio.imwrite("<bytes>", images, extension=".gif", duration=int(seconds_per_frame * 1000), loop=0)
    mp4 = iio.imwrite("<bytes>", images, extension=".mp4", plugin="pyav" if _has_pyav() else "FFMPEG",
                      **_mp4_options(seconds_per_frame))
    return (atomic_write_bytes(out_dir / f"{stem}.gif", gif), atomic_write_bytes(out_dir / f"{stem}.mp4", mp4))


def _has_pyav() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def _mp4_options(seconds_per_frame: float) -> dict:
    fps = 1 / seconds_per_frame
    if _has_pyav():
        return {"codec": "libx264", "fps": fps}
    # imageio's ffmpeg plugin: a fixed frame rate, yuv420p so browsers and phones play it
    return {"fps": fps, "codec": "libx264", "pixelformat": "yuv420p", "macro_block_size": 2}
