"""Read pages from image files (all pages, DPI, EXIF orientation) and write outputs atomically."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from .errors import InputError
from .libs import Image, ImageOps, cv2, np

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pdf"})
PDF_DPI = 300
"""The resolution PDF pages are rendered at unless asked otherwise."""
MAX_IMAGE_BYTES = 1 << 30
"""Files above this size are refused before they are read."""
_EXPECTED = "expected a complete PNG, JPEG, TIFF, BMP, WebP or PDF file"

log = logging.getLogger(__name__)
DPI_RANGE = (50, 4800)
"""The resolutions a file may state and be believed."""
BAND_PIXELS = 1 << 20
"""Pixels copied at a time from a decoded image (see :func:`pil_to_array`)."""


@dataclass(frozen=True)
class FileGrid:
    """The size and DPI of an image file's own pixels: where the word boxes of a page go that was
    read smaller to fit the memory budget."""

    width: int
    height: int
    dpi: int | None


@dataclass(frozen=True)
class Page:
    """One page of an input file, as read: pixels in the file's own mode, upright."""

    path: Path
    number: int
    """Page number, from 1."""
    count: int
    """Pages in the file (1 for everything but multi-page TIFFs)."""
    image: np.ndarray
    dpi: int | None
    file_grid: FileGrid | None = None
    """The file's own pixels, when ``image`` was shrunk from them to fit the memory budget."""

    @property
    def label(self) -> str:
        """How messages and reports name the page: the path, plus ``[n]`` in a multi-page file."""
        shown = display_path(self.path)
        return f"{shown}[{self.number}]" if self.count > 1 else shown

    @property
    def stem(self) -> str:
        """File-name stem for outputs and ground truth: ``name``, or ``name.<n>`` in a multi-page file."""
        return f"{self.path.stem}.{self.number}" if self.count > 1 else self.path.stem


def display_path(path: Path) -> str:
    """The path as printable text: bytes that are not UTF-8 in a file name show as U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def expand_inputs(inputs: Iterable[Path], follow_symlinks: bool = False) -> list[Path]:
    """Files as given, directories replaced by the image files directly inside them, sorted.

    A symbolic link inside a directory that leads out of it is left out with a warning, unless
    ``follow_symlinks``; links named directly on the command line are followed.
    """
    paths: list[Path] = []
    for path in inputs:
        if not path.is_dir():
            paths.append(path)
            continue
        for entry in sorted(path.iterdir()):
            if entry.suffix.lower() not in IMAGE_SUFFIXES or entry.is_dir():
                continue
            if (
                entry.is_symlink()
                and not follow_symlinks
                and not entry.resolve().is_relative_to(path.resolve())
            ):
                log.warning("%s: link to a file outside %s, not followed; use --follow-symlinks",
                            display_path(entry), display_path(path))  # fmt: skip
                continue
            paths.append(entry)
    return paths


class PageError(InputError):
    """One page of a multi-page file could not be read; the other pages can still be used."""

    def __init__(self, label: str, message: str) -> None:
        super().__init__(message)
        self.label = label


def read_pages(
    path: Path, pdf_dpi: int = PDF_DPI, max_pixels: int | None = None, pdf_password: str | None = None
) -> Iterator[Page | PageError]:
    """Every page of ``path``, upright (EXIF orientation applied), with its DPI when the file has one.

    A PDF's pages are rendered in gray at ``pdf_dpi``. A page of more than ``max_pixels`` (the
    memory budget's share) is rendered, or shrunk after decoding, to fit, its DPI scaled, with one
    warning. Raises InputError, with what to do, when the
    file cannot be opened; a page that cannot be decoded is yielded as a PageError in its place, and
    the next pages are still read.
    """
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise InputError(f"file is larger than {MAX_IMAGE_BYTES >> 20} MiB; split or shrink it")
        if path.suffix.lower() == ".pdf":
            yield from _pdf_pages(path, pdf_dpi, max_pixels, pdf_password)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
    except FileNotFoundError:
        raise InputError("no such file; check the path") from None
    except PermissionError:
        raise InputError("permission denied; make the file readable") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError(f"image has too many pixels to read safely ({exc})") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise InputError(f"cannot read as an image ({exc}); {_EXPECTED}") from None
    # close(), not the image file's own with block (which only closes the file), frees the decoded pixels
    with contextlib.closing(img):
        count = getattr(img, "n_frames", 1)
        frames = (_frame(img, path, number, count, max_pixels) for number in range(1, count + 1))
        if count > 1:
            yield from frames
            return
        only = next(frames)
    yield only  # once the image is closed: Pillow's decoded copy of the pixels is gone while it is used


def _frame(img: Image.Image, path: Path, number: int, count: int, max_pixels: int | None) -> Page | PageError:
    """Frame ``number`` of ``count`` of an open image file, as a page within ``max_pixels``."""
    label = f"{display_path(path)}[{number}]" if count > 1 else display_path(path)
    try:
        img.seek(number - 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns of damaged metadata; the pixels decide
            ImageOps.exif_transpose(img, in_place=True)  # not a copy: a page-sized array less
            pixels = pil_to_array(img)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        return PageError(label, f"cannot read this page ({exc}); {_EXPECTED}")
    return _within(Page(path, number, count, pixels, _dpi(img, label)), max_pixels)


def _pdf_pages(
    path: Path, dpi: int, max_pixels: int | None, password: str | None
) -> Iterator[Page | PageError]:
    """Render each page of a PDF with PDFium, as 8-bit gray at ``dpi`` (less where the page would
    not fit ``max_pixels``), opening it with ``password`` when it is encrypted."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as exc:
        if b"/Encrypt" not in path.read_bytes():
            raise InputError(f"cannot read as a PDF ({exc}); expected a complete PDF with pages") from None
        if password is None:
            raise InputError("is encrypted; give its password with --pdf-password") from None
        raise InputError("is encrypted, and the --pdf-password given does not open it") from None
    try:
        count = len(document)
        if count == 0:
            raise InputError("is a PDF without pages")
        for number in range(1, count + 1):
            label = f"{display_path(path)}[{number}]" if count > 1 else display_path(path)
            try:
                page = document[number - 1]
                width, height = page.get_size()
                used = dpi
                if max_pixels and width * height * (dpi / 72) ** 2 > max_pixels:
                    used = max(1, math.floor(72 * math.sqrt(max_pixels / (width * height))))
                    log.warning("%s: the page would be %d Mpx at %d DPI, more than the memory budget "
                                "allows (--max-memory); rendered at %d DPI", label,
                                width * height * (dpi / 72) ** 2 / 1e6, dpi, used)  # fmt: skip
                bitmap = page.render(scale=used / 72, grayscale=True)
                pixels = np.asarray(bitmap.to_pil().convert("L")).copy()
                del bitmap
            except pdfium.PdfiumError as exc:
                yield PageError(label, f"cannot render this page ({exc})")
                continue
            yield Page(path, number, count, pixels, used)
    finally:
        document.close()


def _within(page: Page, max_pixels: int | None) -> Page:
    """``page`` shrunk to ``max_pixels`` when it has more, its DPI scaled, with a warning."""
    height, width = page.image.shape[:2]
    if not max_pixels or width * height <= max_pixels:
        return page
    factor = math.sqrt(max_pixels / (width * height))
    size = (max(1, int(width * factor)), max(1, int(height * factor)))
    small = cv2.resize(page.image, size, interpolation=cv2.INTER_AREA)
    dpi = None if page.dpi is None else max(1, round(page.dpi * factor))
    log.warning("%s: %dx%d px is more than the memory budget allows (--max-memory); read at %dx%d px",
                page.label, width, height, *size)  # fmt: skip
    return replace(page, image=small, dpi=dpi, file_grid=FileGrid(width, height, page.dpi))


def pil_to_array(img: Image.Image) -> np.ndarray:
    """Pixels of a Pillow image as numpy, keeping what ``to_gray`` needs (alpha, 16-bit depth).

    Copied a band of ``BAND_PIXELS`` at a time: numpy's conversion of a whole image goes through
    ``tobytes``, whose 64-KiB pieces and their joined copy made the read peak at three pages, one of
    which glibc then kept for the rest of the page's cleanup.
    """
    if img.mode == "1":
        img = img.convert("L")
    elif img.mode in ("P", "PA"):
        img = img.convert("RGBA" if img.mode == "PA" or "transparency" in img.info else "RGB")
    elif img.mode not in ("L", "LA", "RGB", "RGBA", "I", "F") and not img.mode.startswith("I;16"):
        img = img.convert("RGB")
    width, height = img.size
    rows = max(1, BAND_PIXELS // max(width, 1))
    first = np.asarray(img.crop((0, 0, width, min(rows, height))))
    pixels = np.empty((height, *first.shape[1:]), first.dtype)
    for top in range(0, height, rows):
        pixels[top : top + rows] = np.asarray(img.crop((0, top, width, min(top + rows, height))))
    return pixels


def to_gray(image: np.ndarray) -> np.ndarray:
    """A 2-D ``uint8`` grayscale copy of any image array; transparent parts become white paper.

    Accepts bool, 8-bit, 16-bit, integer and float (0..1) arrays with 1 to 4 channels
    (gray, gray+alpha, RGB, RGBA). Returns ``image`` itself when it is already 2-D ``uint8``.
    """
    if image.ndim == 2 and image.dtype == np.uint8:
        return image
    if image.ndim == 3 and image.shape[2] in (2, 4):
        color, alpha = image[..., :-1], _to_unit(image[..., -1])
        gray = _luma(_to_unit(color)) * alpha + (1.0 - alpha)
    elif image.ndim == 3 and image.shape[2] in (1, 3):
        gray = _luma(_to_unit(image))
    elif image.ndim == 2:
        gray = _to_unit(image)
    else:
        raise InputError(f"unsupported image layout {image.shape}; expected gray, RGB or RGBA")
    gray8: np.ndarray = np.rint(gray * 255.0).astype(np.uint8)
    return gray8


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for writing so that it appears complete or not at all.

    The data goes to a hidden file beside the target, which is renamed into place once it is flushed
    to disk; on any error the hidden file is removed and the target is left as it was.
    """
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    _WRITING.add(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp made it private; give it the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _WRITING.discard(tmp)


_WRITING: set[str] = set()
"""The hidden files of this process's writes in progress."""


def remove_partial_outputs() -> None:
    """Delete the hidden files of writes in progress, for a process told to stop at once (a worker
    the pool terminates after another worker died)."""
    for tmp in list(_WRITING):
        Path(tmp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_image(path: Path, image: np.ndarray, dpi: int | None) -> None:
    """Write ``image`` losslessly (TIFF for a ``.tif``/``.tiff`` path, else PNG) with its DPI, atomically."""
    fmt = "TIFF" if path.suffix.lower() in (".tif", ".tiff") else "PNG"
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    with atomic_file(path) as handle:
        Image.fromarray(image).save(handle, format=fmt, **extra)


def _dpi(img: Image.Image, label: str) -> int | None:
    """The resolution the file states; None when it states none, or one no scan has (``DPI_RANGE``),
    which is said in a warning: Tesseract sized text from a 1-DPI or a 20,000-DPI tag badly."""
    dpi = img.info.get("dpi")
    if not dpi:
        return None
    value = round(float(dpi[0]))
    low, high = DPI_RANGE
    if not low <= value <= high:
        log.warning(
            "%s: states %d DPI, outside %d-%d; its resolution is taken as unknown", label, value, low, high
        )
        return None
    return value


def _to_unit(values: np.ndarray) -> np.ndarray:
    """Scale to float32 in 0..1 by the dtype's range (floats are taken as 0..1 already)."""
    if values.dtype == bool:
        return values.astype(np.float32)
    if values.dtype == np.uint8:
        return values.astype(np.float32) / 255.0
    if np.issubdtype(values.dtype, np.integer):
        top = 255.0 if values.max(initial=0) <= 255 else 65535.0
        values = values.astype(np.float32) / top
    unit: np.ndarray = np.clip(values.astype(np.float32), 0.0, 1.0)
    return unit


def _luma(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma, the weights Pillow uses for mode ``L``."""
    if rgb.shape[-1] == 1:
        return rgb[..., 0]
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def load_image(source: str | Path | Image.Image | np.ndarray) -> tuple[np.ndarray, int | None]:
    """Pixels and DPI from a path (its first page), a Pillow image, or an array (no DPI)."""
    if isinstance(source, np.ndarray):
        return source, None
    if isinstance(source, Image.Image):
        return pil_to_array(ImageOps.exif_transpose(source)), _dpi(source, "the image")
    path = Path(source)
    try:
        page = next(read_pages(path))
        if isinstance(page, PageError):
            raise page
    except InputError as exc:
        raise InputError(f"{display_path(path)}: {exc}") from None
    return page.image, page.dpi
