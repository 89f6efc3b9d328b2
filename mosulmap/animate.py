"""Animation: the daily snapshots as an animated GIF and an MP4, to drop into a story.

One frame per dated map (each day on which something changed, or every day), each the PNG
snapshot of that day (legend, front line, source line) with the date as a caption, scaled to a
web article's width. Pillow writes the GIF and imageio-ffmpeg (whose
wheel carries its own ffmpeg) the H.264 MP4, frame by frame. Both files are written atomically.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image
from tqdm import tqdm

from mosulmap.errors import MosulmapError
from mosulmap.io import atomic_write_bytes
from mosulmap.render import MapData
from mosulmap.snapshot import SnapshotRenderer

WEB_WIDTH = 800  # pixels: a web article's column
FRAME_SECONDS = 0.8
MAX_WIDTH = 2000  # pixels: beyond this a frame is larger than the snapshot it is scaled from
SECONDS_RANGE = (0.05, 60.0)


def check_options(width: int, seconds_per_frame: float) -> None:
    """Refuse sizes and speeds no encoder can honour, before any frame is drawn."""
    if not isinstance(width, int) or not 16 <= width <= MAX_WIDTH:
        raise MosulmapError(f"--width must be a whole number of pixels from 16 to {MAX_WIDTH} (got {width!r})")
    low, high = SECONDS_RANGE
    if not (isinstance(seconds_per_frame, (int, float)) and math.isfinite(seconds_per_frame)
            and low <= seconds_per_frame <= high):
        raise MosulmapError(f"--seconds must be from {low:g} to {high:g} per frame (got {seconds_per_frame!r})")


def iter_frames(data: MapData, days: Iterable[date], width: int = WEB_WIDTH,
                progress: bool = False) -> Iterator[np.ndarray]:
    """RGB frames, one per day, all of one size (even sides, as H.264 needs), drawn one at a time."""
    days = list(days)
    renderer = SnapshotRenderer(data, dpi=100)
    try:
        for day in tqdm(days, desc="frames", unit="day", disable=not progress):
            image = Image.open(io.BytesIO(renderer.render(day))).convert("RGB")
            height = round(image.height * width / image.width)
            image = image.resize((width - width % 2, height - height % 2), Image.LANCZOS)
            yield np.asarray(image)
    finally:
        renderer.close()


def frames(data: MapData, days: Iterable[date], width: int = WEB_WIDTH, progress: bool = False) -> list[np.ndarray]:
    """Every frame in memory (for a notebook; :func:`write_animation` streams them)."""
    return list(iter_frames(data, days, width, progress))


def write_animation(data: MapData, days: Iterable[date], out_dir: str | Path, stem: str | None = None,
                    width: int = WEB_WIDTH, seconds_per_frame: float = FRAME_SECONDS,
                    progress: bool = False) -> tuple[Path, Path]:
    """Write ``STEM.gif`` and ``STEM.mp4`` into ``out_dir``; returns both paths.

    Frames go to the MP4 encoder as they are drawn; the GIF keeps each frame as 8-bit palette
    indices (a third of its RGB size) until it is written. Both files appear atomically."""
    check_options(width, seconds_per_frame)
    days = list(days)
    if not days:
        raise MosulmapError("no days to animate")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or data.campaign.stem
    gif_path, mp4_path = out_dir / f"{stem}.gif", out_dir / f"{stem}.mp4"
    tmp_mp4 = out_dir / f".{stem}.mp4.{os.getpid()}.tmp.mp4"
    paletted: list[Image.Image] = []
    try:
        writer = None
        for frame in iter_frames(data, days, width, progress):
            if writer is None:
                writer = imageio_ffmpeg.write_frames(str(tmp_mp4), (frame.shape[1], frame.shape[0]),
                                                     fps=1 / seconds_per_frame, codec="libx264",
                                                     macro_block_size=2, ffmpeg_log_level="error")
                writer.send(None)
            writer.send(np.ascontiguousarray(frame))
            paletted.append(Image.fromarray(frame).quantize(colors=255, method=Image.Quantize.MEDIANCUT))
        writer.close()
        buffer = io.BytesIO()
        paletted[0].save(buffer, format="GIF", save_all=True, append_images=paletted[1:],
                         duration=int(seconds_per_frame * 1000), loop=0)
        atomic_write_bytes(gif_path, buffer.getvalue())
        os.chmod(tmp_mp4, 0o644)
        os.replace(tmp_mp4, mp4_path)
    finally:
        tmp_mp4.unlink(missing_ok=True)
    return gif_path, mp4_path
