"""A corpus of bad and awkward inputs, generated on the fly (nothing binary is committed)."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from .conftest import render_text, save


def _png_claiming(path: Path, width: int, height: int) -> None:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    save(path, np.zeros((1, 1), np.uint8))
    data = bytearray(path.read_bytes())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    path.write_bytes(bytes(data))


def _multipage_with_corrupt_second_page(path: Path) -> None:
    pages = [Image.fromarray(render_text(t, size=40)) for t in ("111", "222", "333")]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate", dpi=(300, 300))
    with Image.open(path) as img:
        img.seek(1)
        offset, length = img.tag_v2[273][0], img.tag_v2[279][0]
    data = bytearray(path.read_bytes())
    data[offset : offset + length] = b"\x00" * length
    path.write_bytes(bytes(data))


def _truncated(path: Path, image: Image.Image, **params: object) -> None:
    image.save(path, **params)
    path.write_bytes(path.read_bytes()[: max(40, path.stat().st_size // 3)])


def make_corpus(folder: Path) -> tuple[set[str], set[str], set[str]]:
    """Write the corpus; return (names that every command must reject, names only compare/ocr
    reject, labels of the good pages)."""
    text = Image.fromarray(render_text("Total 42.50", size=40))
    save(folder / "good.png", render_text("Total 42.50", size=40))
    (folder / "good.gt.txt").write_text("Total 42.50\n")
    (folder / "zero.png").write_bytes(b"")
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300), np.uint8))
    _truncated(folder / "cut_png.png", noise)
    _truncated(folder / "cut_jpeg.jpg", text.convert("RGB"), quality=90)
    _truncated(folder / "cut_tiff.tif", text, compression="tiff_deflate")
    (folder / "notes.png").write_text("this is a text file with an image name\n")
    (folder / "folder.png").mkdir()
    _png_claiming(folder / "bomb.png", 100_000, 100_000)
    os.symlink(folder / "deleted.png", folder / "dangling.png")
    save(folder / "one_pixel.png", np.zeros((1, 1), np.uint8))
    save(folder / "long.png", np.full((1, 100_000), 255, np.uint8))  # read shrunk to Tesseract's 32,767
    save(folder / "deep16.png", (render_text("16 bit", size=40).astype(np.uint16) * 257))
    text.convert("RGBA").save(folder / "rgba.png")
    text.convert("P").save(folder / "palette.png")
    text.convert("CMYK").save(folder / "cmyk.jpg")
    text.convert("1").save(folder / "bilevel.tif")
    _multipage_with_corrupt_second_page(folder / "pages.tif")
    os.makedirs(os.fsencode(folder), exist_ok=True)
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.png"), "wb") as handle:  # Latin-1 name
        Image.fromarray(render_text("café", size=40)).save(handle, format="PNG")
    save(folder / "latin1_truth.png", render_text("Preis 3", size=40))
    (folder / "latin1_truth.gt.txt").write_bytes("Prüfung".encode("latin-1"))
    page = np.full((7016, 4960), 255, np.uint8)  # A4 at 600 DPI
    words = render_text("A4 page at 600 DPI", size=80)
    page[400 : 400 + words.shape[0], 400 : 400 + words.shape[1]] = words
    save(folder / "a4_600dpi.png", page, dpi=600)
    always_bad = {"zero.png", "cut_png.png", "cut_jpeg.jpg", "cut_tiff.tif", "notes.png", "bomb.png",
                  "dangling.png", "pages.tif[2]"}  # fmt: skip
    bad_to_read = {"latin1_truth.png"}
    good = {"good.png", "one_pixel.png", "long.png", "deep16.png", "rgba.png", "palette.png", "cmyk.jpg",
            "bilevel.tif", "pages.tif[1]", "pages.tif[3]", "caf\ufffd.png", "a4_600dpi.png"}  # fmt: skip
    return always_bad, bad_to_read, good
