"""Bounds on the files reportqa reads: size, pages, zip contents, markup nesting and entities.

Each check raises `RefusedFileError` naming the limit, its value and the `REPORTQA_*` setting that
raises it. They look at the file before the loaders do (a zip's members are inflated here, chunk
by chunk, with their real sizes counted, since a zip's directory can lie), so a hostile file is
refused without being parsed. Time and memory are bounded by the parse worker (`corpus.worker`).
"""

from __future__ import annotations

import math
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from corpus.errors import RefusedFileError, UnreadableReportError
from corpus.settings import Limits

MB = 1_000_000
_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip member's local file header (APPNOTE 4.3.7)
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_ENTITY = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_ENTITY_TEXT = re.compile(r"<!\s*ENTITY", re.I)


def current_limits() -> Limits:
    """The limits the environment sets now (read on every file: a worker serves many callers)."""
    return Limits.from_env()


def refuse(path: Path, limit: str, value: float, setting: str | None, unit: str, actual: float | None,
           what: str) -> RefusedFileError:
    """A `RefusedFileError` whose English message names the limit, the value and the setting.

    `what` leads up to the limit: 「the file is larger than」 → 「… than the limit of 50 MB (80.5 MB); set …」.
    """
    measured = f" ({actual:g} {unit})" if actual is not None else ""
    hint = f"; set {setting} higher to read it" if setting else ""
    return RefusedFileError(f"{path}: {what} the limit of {value:g} {unit}{measured}{hint}", limit, value, setting,
                            unit, actual)  # fmt: skip


def check_file(path: Path, limits: Limits | None = None) -> None:
    """Refuse a file over a limit before it is parsed; files with other problems are left to the loaders."""
    limits = limits or current_limits()
    if not path.is_file():
        return
    check_size(path, limits)
    suffix = path.suffix.lower()  # .docx and .html are checked by their loaders (`check_zip`, `check_markup`)
    if suffix == ".pdf":
        check_pages(path, _pdf_pages(path), limits)
    elif suffix in _IMAGE_SUFFIXES:
        check_pages(path, _image_frames(path), limits)


def check_size(path: Path, limits: Limits) -> None:
    """The file's size on disk, from `stat` (nothing is read)."""
    size = path.stat().st_size
    if limits.max_file_mb and size > limits.max_file_mb * MB:
        raise refuse(path, "file_size", limits.max_file_mb, "REPORTQA_MAX_FILE_MB", "MB", round(size / MB, 1),
                     "the file is larger than")  # fmt: skip


def check_pages(path: Path, pages: int | None, limits: Limits) -> None:
    """A page count (PDF pages, image frames) against `REPORTQA_MAX_PAGES`."""
    if pages is not None and limits.max_pages and pages > limits.max_pages:
        raise refuse(path, "pages", limits.max_pages, "REPORTQA_MAX_PAGES", "pages", pages,
                     "the document has more pages than")


def _pdf_pages(path: Path) -> int | None:
    """The page count from the PDF's page tree (pdfium, without parsing any page); None if unreadable."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError:
        return None  # damaged or encrypted: the PDF loader says which
    try:
        return len(document)
    finally:
        document.close()


def _image_frames(path: Path) -> int | None:
    """The number of frames (pages) of an image file, from its header."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    except (UnidentifiedImageError, OSError, ValueError):
        return None


# -- zip containers (.docx) ------------------------------------------------------------------------------


def check_zip(path: Path, limits: Limits) -> None:
    """Member count and total inflated size, from the directory and again while inflating every member.

    Then the XML members are fed to `MarkupGuard` as they inflate (nesting depth, no DTD or entities).
    Memory stays bounded: members are inflated in 64 KB pieces and nothing is kept.
    """
    budget = limits.max_unzipped_mb * MB if limits.max_unzipped_mb else float("inf")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: the loader reports it
    if limits.max_zip_members and len(members) > limits.max_zip_members:
        raise refuse(path, "zip_members", limits.max_zip_members, "REPORTQA_MAX_ZIP_MEMBERS", "members",
                     len(members), "the archive holds more files than")  # fmt: skip
    declared = sum(m.file_size for m in members)
    if declared > budget:
        raise _unzipped(path, limits, declared, "the archive's files inflate to more than")
    with path.open("rb") as handle:
        total = 0
        for member in members:  # first the real sizes, which is quick (zlib alone) …
            for chunk in _inflate(path, handle, member):
                total += len(chunk)
                if total > budget:
                    raise _unzipped(path, limits, total, "the archive really inflates (whatever its directory says) to more than")
        for member in members:  # … then the XML, through lxml
            if member.filename.endswith((".xml", ".rels")):
                guard = MarkupGuard(path, limits, xml=True)
                for chunk in _inflate(path, handle, member):
                    guard.feed(chunk)
                guard.close()


def _unzipped(path: Path, limits: Limits, size: float, what: str) -> RefusedFileError:
    return refuse(path, "unzipped_size", limits.max_unzipped_mb, "REPORTQA_MAX_UNZIPPED_MB", "MB",
                  math.ceil(size / MB * 10) / 10, what)  # fmt: skip


def _inflate(path: Path, handle: IO[bytes], member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes as they really inflate, in bounded chunks, whatever sizes its headers declare."""
    handle.seek(member.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        return  # a broken local header: zipfile (and so the loader) refuses the archive
    fields = _LOCAL_HEADER.unpack(header)
    handle.seek(fields[10] + fields[11], 1)  # the member's name and extra field come before its data
    left = member.compress_size
    if member.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            data = handle.read(min(_CHUNK, left))
            if not data:
                return
            left -= len(data)
            yield data
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise UnreadableReportError(f"{path}: a .docx member uses compression method "
                                    f"{member.compress_type}, which Word never writes")  # fmt: skip
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    while not inflater.eof:
        data = handle.read(_CHUNK) if left > 0 else b""
        left -= len(data)
        pending = inflater.unconsumed_tail + data if inflater.unconsumed_tail else data
        if not pending:
            return
        try:
            out = inflater.decompress(pending, _CHUNK)
            while out:
                yield out
                out = inflater.decompress(inflater.unconsumed_tail, _CHUNK) if inflater.unconsumed_tail else b""
        except zlib.error:
            return  # corrupt data: zipfile refuses it when the loader reads it


# -- HTML and XML -----------------------------------------------------------------------------------------


class _Depth:
    """An lxml parser target that only counts element nesting and stops past the limit."""

    def __init__(self, guard: MarkupGuard) -> None:
        self.guard = guard
        self.depth = 0

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        self.depth += 1
        if self.guard.limits.max_depth and self.depth > self.guard.limits.max_depth:
            raise self.guard.too_deep()

    def end(self, tag: str) -> None:
        self.depth -= 1

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


class MarkupGuard:
    """Streams HTML or XML through lxml counting nesting depth; refuses DTDs and entity declarations.

    No entity is resolved, no DTD or network resource loaded, lxml's `huge_tree` stays off. A
    syntax error is not this guard's business: the loader reports it.
    """

    def __init__(self, path: Path, limits: Limits, xml: bool) -> None:
        from lxml import etree

        self.path, self.limits, self.xml = path, limits, xml
        target = _Depth(self)
        if xml:
            self.parser: Any = etree.XMLParser(target=target, resolve_entities=False, no_network=True,
                                               load_dtd=False, huge_tree=False)  # fmt: skip
        else:
            self.parser = etree.HTMLParser(target=target, no_network=True, huge_tree=False)
        self.tail = b""
        self.broken = False

    def too_deep(self) -> RefusedFileError:
        """The refusal for markup nested deeper than `REPORTQA_MAX_DEPTH`."""
        return refuse(self.path, "nesting_depth", self.limits.max_depth, "REPORTQA_MAX_DEPTH", "levels", None,
                      "its elements are nested deeper than")  # fmt: skip

    def feed(self, chunk: bytes) -> None:
        """Check the next piece of the document."""
        window = self.tail + chunk
        if self.xml and _ENTITY.search(window):
            raise RefusedFileError(
                f"{self.path}: an XML part declares a DTD or entities (an entity-expansion bomb?); "
                "Word documents never do, so the file is not read", "entities")  # fmt: skip
        self.tail = window[-16:]
        self._parse(self.parser.feed, chunk)

    def close(self) -> None:
        """End of the document."""
        self._parse(self.parser.close)

    def _parse(self, step: Any, *args: Any) -> None:
        from lxml import etree

        if self.broken:
            return
        try:
            step(*args)
        except etree.LxmlError:
            self.broken = True  # a syntax error: the loader reports it


def check_markup(path: Path, text: str, limits: Limits) -> None:
    """An HTML page: no entity declarations, and elements nested no deeper than `REPORTQA_MAX_DEPTH`."""
    sample = text
    if _ENTITY_TEXT.search(sample):
        raise RefusedFileError(
            f"{path}: the page declares XML entities (an entity-expansion bomb?); web pages never need to, "
            "so the file is not read", "entities")  # fmt: skip
    guard = MarkupGuard(path, limits, xml=False)
    for start in range(0, len(sample), _CHUNK):
        guard._parse(guard.parser.feed, sample[start : start + _CHUNK])
    guard.close()


# -- names from users -------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)
_MAX_NAME = 200  # bytes of UTF-8, under the usual 255-byte limit of a file name


def safe_filename(name: str, default: str = "upload") -> str:
    """A user-given file name made safe to join to a folder (the name is never trusted as a path).

    The last path component only, without separators, control characters, leading dots or reserved
    device names; never empty, never `..`. `safe_filename("../../etc/passwd")` is `"passwd"`; `safe_filename("..")` is `"upload"`.
    """
    base = unicodedata.normalize("NFC", str(name)[-4096:]).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base or set(base) <= {"_", "."}:
        base = default
    if _RESERVED.match(base):
        base = "_" + base
    if len(base.encode("utf-8")) > _MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        suffix = "." + ext if dot and stem and len(ext) <= 10 else ""
        stem = (stem if suffix else base)[:_MAX_NAME]
        while len((stem + suffix).encode("utf-8")) > _MAX_NAME:
            stem = stem[:-1]
        base = stem + suffix
    return base


__all__ = ["MarkupGuard", "check_file", "check_markup", "check_zip", "current_limits", "refuse", "safe_filename"]
