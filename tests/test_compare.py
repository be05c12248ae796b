"""End to end: before/after OCR of sample_scans/ with the default pipeline and the real Tesseract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ocrprep

SAMPLES = Path(__file__).parents[1] / "sample_scans"


@pytest.fixture(scope="module")
def report():
    return ocrprep.compare([SAMPLES]).as_dict()


def test_cleanup_lowers_cer_on_sample_scans(report):
    summary = report["summary"]
    assert summary["files"] == summary["files_with_truth"] == len(list(SAMPLES.glob("*.png")))
    assert summary["failed"] == 0
    assert summary["cer_after"] < summary["cer_before"]


def test_every_speckled_scan_improves_and_the_clean_page_does_not_get_worse(report):
    for page in report["files"]:
        name = Path(page["path"]).stem
        if name == "clean_page":
            assert page["after"]["cer"] <= page["before"]["cer"]
        elif not name.startswith("text_"):
            assert page["after"]["cer"] < page["before"]["cer"], name


def test_api_report_matches_the_json_schema(report):
    assert set(report) >= {"files", "summary", "pipeline", "engine", "errors"}
    assert report["pipeline"].startswith("grayscale | threshold(value=160)")
    first = report["files"][0]
    assert set(first["before"]) == set(first["after"]) == {"text", "cer", "confidence"}


def test_clean_accepts_a_path_a_pillow_image_and_an_array(tmp_path):

    path = SAMPLES / "amount_01.png"
    from_path = ocrprep.clean(path)
    with Image.open(path) as img:
        from_pillow = ocrprep.clean(img)
        from_array = ocrprep.clean(np.asarray(img))
    assert (from_path == from_pillow).all() and (from_path == from_array).all()
