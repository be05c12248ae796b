"""The deskew stage: finds the tilt, straightens it so Tesseract reads the page, keeps the contract."""

from __future__ import annotations

import importlib.metadata

import cv2
import numpy as np
import ocrprep_deskew
import pytest
from ocrprep_deskew import deskew, estimate_skew, rotate, rotation
from PIL import Image, ImageDraw, ImageFont

import ocrprep
from ocrprep import Scan, Warped
from ocrprep.errors import UsageError
from ocrprep.metrics import cer, normalize
from ocrprep.plugins import Host
from ocrprep.testing import check_plugin

LINES = [
    "Invoice 2024-03-15 Total 1,234.56",
    "Ref 40417-22911 Tel 555-0142",
    "The quick brown fox jumps over",
    "the lazy dog 0123456789",
]


def plugins() -> list[str]:
    """The plugin by module name, as with --plugin, unless pip installed it (its entry point loads it)."""
    installed = {ep.name for ep in importlib.metadata.entry_points(group="ocrprep")}
    return [] if "deskew" in installed else ["ocrprep_deskew"]


def page(lines: list[str] = LINES, size: int = 28) -> np.ndarray:
    """Lines of black text on a white page, level."""
    font = ImageFont.load_default(size=size)
    img = Image.new("L", (900, 60 + len(lines) * 2 * size), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * 2 * size), line, font=font, fill=0)
    return np.asarray(img).copy()


def straightened(image: np.ndarray, **args: float) -> np.ndarray:
    """The pixels ``deskew`` returns for ``image``, rotated (a Warped) or not (an array)."""
    result = deskew(Scan(image, 300), **args)
    return result.pixels if isinstance(result, Warped) else result


def test_the_plugin_keeps_the_hook_contract():
    check_plugin(ocrprep_deskew, examples={"tilted page": rotate(page(), 4)})


@pytest.mark.parametrize("angle", [-9.5, -3.0, -0.5, 0.0, 1.3, 4.0, 8.0])
def test_the_tilt_it_finds_is_the_one_the_page_was_turned_by(angle):
    assert estimate_skew(rotate(page(), angle)) == pytest.approx(angle, abs=0.1)


def test_a_tilt_beyond_max_angle_is_reported_at_the_limit():
    assert estimate_skew(rotate(page(), 8.0), max_angle=5.0) == 5.0


def test_a_straightened_page_is_read_again():
    truth = normalize(" ".join(LINES))
    tilted = rotate(page(), 5.0)
    before = normalize(ocrprep.recognize(tilted, dpi=300).text)
    after = normalize(ocrprep.recognize(straightened(tilted), dpi=300).text)
    assert cer(truth, before) > 0.2
    assert after == truth
    piped = ocrprep.recognize(tilted, pipeline="deskew", dpi=300, plugins=plugins())
    assert normalize(piped.text) == truth


def test_pages_without_a_direction_are_returned_unchanged():
    dot = np.full((50, 50), 255, np.uint8)
    dot[25, 25] = 0
    for image in (np.full((40, 60), 255, np.uint8), np.zeros((40, 60), np.uint8), dot):
        result = deskew(Scan(image))
        assert not isinstance(result, Warped) and np.array_equal(result, image)


def test_a_tilt_below_min_angle_is_left_alone():
    tilted = rotate(page(), 0.5)
    kept = deskew(Scan(tilted), min_angle=1.0)
    assert not isinstance(kept, Warped) and np.array_equal(kept, tilted)
    turned = deskew(Scan(tilted))
    assert isinstance(turned, Warped) and not np.array_equal(turned.pixels, tilted)


def test_the_rotation_is_returned_as_warped_so_the_page_maps_back_to_the_input():
    tilted = rotate(page(), 4.0)
    result = deskew(Scan(tilted, 300))
    assert isinstance(result, Warped) and result.scale_factor == pytest.approx(1.0)
    assert np.array_equal(result.pixels, rotate(tilted, -4.0))
    expected = Warped.affine(result.pixels, rotation(tilted.shape, -4.0)).matrix
    assert np.allclose(result.matrix, expected)
    scan = Host(plugins()).pipeline("deskew").process(tilted, 300)
    assert scan.dpi == 300 and scan.pixels.shape == tilted.shape
    height, width = tilted.shape
    centre = np.array([width / 2, height / 2, 1.0])
    corner = np.array([0.0, 0.0, 1.0])
    assert np.allclose(scan.to_input @ centre, centre), "it turns about the page's centre"
    assert not np.allclose(scan.to_input @ corner, corner)


def test_rotation_is_the_matrix_rotate_uses():
    image = page()
    height, width = image.shape
    matrix = rotation(image.shape, 3.0)
    assert matrix.shape == (2, 3)
    by_hand = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    assert np.array_equal(rotate(image, 3.0), by_hand)


def test_the_page_keeps_its_size_white_corners_and_black_and_white_pixels():
    binary = np.where(page() < 128, 0, 255).astype(np.uint8)
    level = straightened(rotate(binary, 6.0))
    assert level.shape == binary.shape
    assert set(np.unique(level)) == {0, 255}
    gray = np.full((100, 300), 180, np.uint8)
    gray[45:55, 20:280] = 0
    turned = straightened(rotate(gray, 5.0))
    assert turned[0, 0] == turned[-1, -1] == 255


def test_it_is_usable_by_name_in_a_pipeline_and_its_limits_are_enforced():
    host = Host(plugins())
    assert host.stages["deskew"].plugin in ("deskew", "ocrprep_deskew")
    cleaned = host.pipeline("deskew(max_angle=6) | threshold(160)").run(rotate(page(), 3.0))
    assert estimate_skew(cleaned) == 0.0 and set(np.unique(cleaned)) == {0, 255}
    with pytest.raises(UsageError, match="parameter max_angle must be at most 45"):
        host.pipeline("deskew(max_angle=50)")
