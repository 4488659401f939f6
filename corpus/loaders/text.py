"""Plain text and markdown: UTF-8, with a GB18030 fallback for reports saved by Chinese tools."""

from __future__ import annotations

from pathlib import Path

from corpus.errors import UnreadableReportError
from corpus.loaders import Block


def decode(data: bytes, name: str) -> str:
    """Decode report bytes as UTF-8 (BOM allowed) or GB18030; refuse binary data."""
    if b"\x00" in data[:4096]:
        raise UnreadableReportError(f"{name}: looks like binary data, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise UnreadableReportError(f"{name}: not readable as UTF-8 or GB18030 text")


def _looks_like_text(text: str) -> bool:
    """Most characters are printable: rejects binary data that happens to decode."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f") or ch == "\ufffd")
    return bad / len(sample) < 0.01


def load(path: Path) -> list[Block]:
    """One text block holding the whole file; pipe and tab rows stay in the text."""
    return [Block(text=decode(path.read_bytes(), str(path)))]
