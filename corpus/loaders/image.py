"""Image files (.png, .jpg, .jpeg, .tif — a scan or a photo of a printed report): every frame OCR'd."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from corpus.errors import UnreadableReportError
from corpus.loaders import Block


def load(path: Path) -> list[Block]:
    """OCR blocks of each frame (a multi-page TIFF has several); a frame is a page, numbered from 1."""
    from corpus.ocr import OCR_VERSION, page_blocks, read_images

    data = path.read_bytes()
    try:
        with Image.open(path) as image:
            dpi = image.info.get("dpi")
            frames = [
                (n, np.asarray(ImageOps.exif_transpose(frame).convert("L")), _dpi(dpi))
                for n, frame in enumerate(ImageSequence.Iterator(image), start=1)
            ]
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableReportError(f"{path}: not a readable image ({type(exc).__name__}: {exc})") from exc
    key = hashlib.sha256(data).hexdigest() + "-" + OCR_VERSION
    reads = read_images(frames, key, desc=f"OCR {path.name}")
    return [b for n, _, _ in frames for b in page_blocks(reads[n], n)]


def _dpi(value: object) -> float | None:
    """The resolution an image file records, when it records a plausible one (photos often say 72)."""
    if isinstance(value, tuple) and value and isinstance(value[0], int | float) and 100 <= float(value[0]) <= 1200:
        return float(value[0])
    return None
