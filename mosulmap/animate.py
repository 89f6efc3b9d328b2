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


def shared_palette(first: Image.Image, data: MapData) -> Image.Image:
    """A 256-colour palette: the state colours as the legend and the map draw them (each fill
    opacity over the white legend box and over the map's ground), then the first frame's own
    colours. Every frame is mapped to it, so a swatch keeps its colour from frame to frame."""
    from matplotlib.colors import to_rgb

    from mosulmap.style import ASSUMED_OPACITY, DISPUTED_EDGE, GEOMETRY_STYLES, shown_color
    from mosulmap.timeline import SHOWN

    initial = data.timeline.initial
    disputed = tuple(round(255 * c) for c in to_rgb(DISPUTED_EDGE))
    exact: list[tuple[int, ...]] = [(0, 0, 0), (255, 255, 255), disputed]
    opacities = {o for o, *_ in GEOMETRY_STYLES.values()} | {ASSUMED_OPACITY}
    for key in SHOWN:
        rgb = to_rgb(shown_color(key, initial))
        for ground in ((1.0, 1.0, 1.0), to_rgb("#f4f1ea")):
            for alpha in sorted(opacities):
                exact.append(tuple(round(255 * (alpha * c + (1 - alpha) * g)) for c, g in zip(rgb, ground)))
    exact = list(dict.fromkeys(exact))[:96]
    free = 256 - len(exact)
    rest = first.quantize(colors=free, method=Image.Quantize.MEDIANCUT).getpalette()[:3 * free]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for rgb in exact for v in rgb] + rest + [0] * (768 - 3 * len(exact) - len(rest)))
    return palette


def to_palette(frame: np.ndarray, palette: Image.Image) -> Image.Image:
    """An RGB frame mapped to the nearest colour of ``palette`` exactly (Pillow's own mapping
    rounds colours, so a legend swatch could drift between frames)."""
    colours = np.asarray(palette.getpalette()[:768], dtype=np.int32).reshape(-1, 3)
    packed = (frame[..., 0].astype(np.int32) << 16) | (frame[..., 1].astype(np.int32) << 8) | frame[..., 2]
    unique, inverse = np.unique(packed.ravel(), return_inverse=True)
    rgb = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1)
    nearest = np.empty(len(unique), dtype=np.uint8)
    for start in range(0, len(unique), 4096):  # bounded memory: 4096 colours x 256 entries at a time
        block = rgb[start:start + 4096]
        nearest[start:start + 4096] = ((block[:, None, :] - colours[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    image = Image.fromarray(nearest[inverse].reshape(packed.shape), mode="P")
    image.putpalette(palette.getpalette()[:768])
    return image


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
    palette: Image.Image | None = None
    try:
        writer = None
        for frame in iter_frames(data, days, width, progress):
            if palette is None:  # one palette for every frame, holding the legend's colours exactly
                palette = shared_palette(Image.fromarray(frame), data)
            if writer is None:
                writer = imageio_ffmpeg.write_frames(str(tmp_mp4), (frame.shape[1], frame.shape[0]),
                                                     fps=1 / seconds_per_frame, codec="libx264",
                                                     macro_block_size=2, ffmpeg_log_level="error")
                writer.send(None)
            writer.send(np.ascontiguousarray(frame))
            paletted.append(to_palette(frame, palette))
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
