"""OCR of page images (scanned PDFs, photos, image files): pages read in parallel, cached by file hash.

`read_pages` turns page images into `Block`s the rest of the corpus layer reads like any other
format: prose lines, and table rows rebuilt from the page's ruled grid, with a `?` for each cell
that could not be read with certainty (the block's notes say which and why).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from corpus.loaders import Block
from corpus.ocr.page import UNREAD, PageRead, has_grid, read_page

log = logging.getLogger(__name__)

OCR_VERSION = "6"  # bump when the reading of pages changes: cached pages are read again


def cache_dir() -> Path:
    """Where OCR results are kept: `REPORTQA_HOME/ocr` (one JSON file per source file's content hash)."""
    home = os.environ.get("REPORTQA_HOME") or str(Path.home() / ".cache" / "reportqa")
    return Path(home).expanduser() / "ocr"


def _cached(key: str) -> dict[str, Any]:
    path = cache_dir() / f"{key}.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if data.get("version") == OCR_VERSION else {}


def _store(key: str, pages: dict[str, Any]) -> None:
    path = cache_dir() / f"{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": OCR_VERSION, "pages": pages}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _worker(args: tuple[np.ndarray, float | None]) -> dict[str, Any]:
    import cv2

    from corpus.ocr import page

    cv2.setNumThreads(1)
    page.THREADS = 1  # one thread per process: the pages run side by side
    page.engine.cache_clear()
    return page.read_page(*args).to_dict()


def read_images(
    images: Sequence[tuple[int, np.ndarray, float | None]], key: str | None, desc: str = "OCR"
) -> dict[int, dict[str, Any]]:
    """OCR each (page number, image, dpi), reusing the cache under `key`; page number -> page read."""
    done: dict[int, dict[str, Any]] = {}
    cached: dict[str, Any] = _cached(key).get("pages", {}) if key else {}
    todo = []
    for number, image, dpi in images:
        if str(number) in cached:
            done[number] = cached[str(number)]
        else:
            todo.append((number, image, dpi))
    if todo:
        bar = tqdm(total=len(todo), desc=desc, unit="page", disable=len(todo) < 2 and not log.isEnabledFor(logging.INFO))
        workers = min(len(todo), os.cpu_count() or 1, 4)
        if workers > 1:
            # spawn, not fork: a forked child can deadlock on locks held by the parent's OpenCV or
            # onnxruntime threads. (A script calling this needs the `if __name__ == "__main__":` guard.)
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                for (number, _, _), result in zip(todo, pool.map(_worker, [(i, d) for _, i, d in todo]), strict=True):
                    done[number] = result
                    bar.update()
        else:
            for number, image, dpi in todo:
                done[number] = read_page(image, dpi).to_dict()
                bar.update()
        bar.close()
        if key:
            _store(key, {**cached, **{str(n): r for n, r in done.items()}})
    return done


def page_blocks(read: dict[str, Any], number: int | None) -> list[Block]:
    """The blocks of one OCR'd page; the first carries the page's warnings and unread cells as notes."""
    page = PageRead(**read)
    notes = [f"page {number}: {w}" if number else w for w in page.warnings]
    blocks: list[Block] = []
    for item in page.items:
        if item["kind"] == "text":
            if blocks and blocks[-1].text:  # consecutive lines are one run of prose, as a text PDF gives it
                blocks[-1] = Block(text=blocks[-1].text + "\n" + item["text"], page=number, ocr=True)
            else:
                blocks.append(Block(text=item["text"], page=number, ocr=True))
            continue
        rows = tuple(tuple(r) for r in item["rows"])
        doubts = tuple({"page": number, **d} for d in item["doubts"])
        risks = tuple({"page": number, **d} for d in item.get("risks", ()))
        blocks.append(Block(rows=rows, page=number, ocr=True, doubts=doubts, risks=risks))
    if not blocks:
        blocks.append(Block(text="", page=number, ocr=True))
    blocks[0] = dataclasses.replace(blocks[0], notes=tuple(notes))
    return blocks


__all__ = ["OCR_VERSION", "UNREAD", "cache_dir", "has_grid", "page_blocks", "read_images"]
