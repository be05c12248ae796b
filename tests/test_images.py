"""Reading every page in any mode with DPI and orientation; writing outputs atomically."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from ocrprep.errors import InputError
from ocrprep.images import PageError, expand_inputs, read_pages, to_gray, write_image


def test_every_page_of_a_multipage_tiff_with_its_dpi(tmp_path):
    path = tmp_path / "two.tif"
    first, second = Image.new("L", (8, 4), 255), Image.new("L", (8, 4), 0)
    first.save(path, save_all=True, append_images=[second], dpi=(200, 200))
    pages = list(read_pages(path))
    assert [(p.number, p.count, p.dpi, p.stem, p.label) for p in pages] == [
        (1, 2, 200, "two.1", f"{path}[1]"),
        (2, 2, 200, "two.2", f"{path}[2]"),
    ]
    assert pages[0].image.max() == 255 and pages[1].image.max() == 0


def test_exif_orientation_is_applied(tmp_path):
    img = Image.new("L", (6, 2), 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    img.save(tmp_path / "r.jpg", exif=exif)
    (page,) = read_pages(tmp_path / "r.jpg")
    assert page.image.shape == (6, 2)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16"])
def test_any_pillow_mode_becomes_gray_with_dark_ink(tmp_path, mode):
    rgb = Image.new("RGB", (10, 10), (255, 255, 255))
    rgb.paste((0, 0, 0), (2, 2, 8, 8))
    img = rgb.convert("L").convert(mode) if mode in ("1", "I;16") else rgb.convert(mode)
    suffix = ".jpg" if mode == "CMYK" else ".tif" if mode == "I;16" else ".png"
    img.save(tmp_path / f"x{suffix}")
    (page,) = read_pages(tmp_path / f"x{suffix}")
    gray = to_gray(page.image)
    assert gray.dtype == np.uint8 and gray.shape == (10, 10)
    assert gray[5, 5] < 40 and gray[0, 0] > 215


def test_to_gray_composites_transparency_on_white_and_scales_16_bit_and_bool():
    rgba = np.zeros((1, 2, 4), np.uint8)
    rgba[0, 1] = (0, 0, 0, 255)  # opaque black; pixel 0 is fully transparent
    assert to_gray(rgba).tolist() == [[255, 0]]
    assert to_gray(np.array([[0, 65535]], np.uint16)).tolist() == [[0, 255]]
    assert to_gray(np.array([[True, False]])).tolist() == [[255, 0]]
    assert to_gray(np.array([[[255, 0, 0]]], np.uint8)).tolist() == [[76]]
    assert all(to_gray(a).dtype == np.uint8 and to_gray(a).ndim == 2 for a in (rgba, np.zeros((2, 2, 1))))


def test_to_gray_refuses_layouts_that_are_not_images():
    with pytest.raises(InputError, match=r"unsupported image layout \(2, 2, 5\)"):
        to_gray(np.zeros((2, 2, 5), np.uint8))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "cannot read as an image"), (b"not an image", "cannot read as an image")],
)
def test_unreadable_files_raise_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        list(read_pages(path))
    with pytest.raises(InputError, match="no such file"):
        list(read_pages(tmp_path / "missing.png"))


def test_truncated_png_is_an_input_error(tmp_path):
    path = tmp_path / "cut.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:500])
    (page,) = read_pages(path)
    assert isinstance(page, PageError) and page.label == str(path) and "cannot read this page" in str(page)


def test_write_image_keeps_dpi_and_leaves_no_temporary_file(tmp_path):
    image = np.full((5, 7), 255, np.uint8)
    write_image(tmp_path / "out" / "a.png", image, 600)
    write_image(tmp_path / "out" / "a.tif", image, 600)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "a.tif"]
    for name in ("a.png", "a.tif"):
        (page,) = read_pages(tmp_path / "out" / name)
        assert page.dpi == 600 and np.array_equal(page.image, image)


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path):
    target = tmp_path / "a.png"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_image(target, np.zeros((2, 2), np.complex64), None)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]


def test_folders_expand_to_their_images_in_order(tmp_path):
    for name in ("b.png", "a.TIF", "notes.txt", "c.gt.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.TIF", "b.png"]


def test_outputs_get_the_usual_permissions_not_private_temporary_ones(tmp_path):
    write_image(tmp_path / "a.png", np.zeros((2, 2), np.uint8), None)
    assert (tmp_path / "a.png").stat().st_mode & 0o777 == 0o666 & ~_current_umask()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
