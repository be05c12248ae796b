"""End to end: before/after OCR of sample_scans/ with the default pipeline and the real Tesseract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ocrprep
from ocrprep.comparison import verdict

from .conftest import save

SAMPLES = Path(__file__).parents[1] / "sample_scans"


@pytest.fixture(scope="module")
def report():
    return ocrprep.compare([SAMPLES]).as_dict()


def test_cleanup_lowers_cer_on_sample_scans(report):
    summary = report["summary"]
    assert summary["files"] == summary["files_with_truth"] == len(list(SAMPLES.glob("*.png")))
    assert summary["failed"] == 0
    assert summary["cer_after"] < summary["cer_before"]


def test_cleanup_fixes_every_scan_raw_tesseract_gets_wrong_and_harms_none(report):
    for page in report["files"]:
        before, after = page["before"]["cer"], page["after"]["cer"]
        assert after <= before, page["path"]
        if before > 0:
            assert after < before, page["path"]


def test_auto_keeps_every_decimal_point_and_comma_at_150_300_and_600_dpi(report):
    amounts = [p for p in report["files"] if Path(p["path"]).stem.startswith("dpi_")]
    assert len(amounts) == 9
    assert all(p["after"]["exact"] for p in amounts), [p["after"]["text"] for p in amounts]


def test_classic_loses_punctuation_that_auto_keeps():
    low_dpi = [p for p in sorted(SAMPLES.glob("dpi_*.png")) if not p.stem.startswith("dpi_600")]
    classic = ocrprep.compare(low_dpi, "classic").as_dict()["files"]
    assert not any(p["after"]["exact"] for p in classic), [p["after"]["text"] for p in classic]


def test_api_report_matches_the_json_schema(report):
    assert set(report) >= {"files", "summary", "pipeline", "engine", "errors"}
    assert report["pipeline"].startswith("grayscale | invert(mode=auto)")
    first = report["files"][0]
    assert set(first["before"]) == set(first["after"]) >= {"text", "cer", "confidence", "wer", "cer_digits"}


def test_clean_accepts_a_path_a_pillow_image_and_an_array(tmp_path):

    path = SAMPLES / "amount_01.png"
    from_path = ocrprep.clean(path)
    with Image.open(path) as img:
        from_pillow = ocrprep.clean(img)
        from_array = ocrprep.clean(np.asarray(img))
    assert (from_path == from_pillow).all() and (from_path == from_array).all()


def test_verdict_reads_the_interval():
    assert verdict((-0.3, -0.1)) == "helped"
    assert verdict((0.01, 0.2)) == "hurt"
    assert verdict((-0.1, 0.1)) == "no clear change"
    assert verdict(None) == "no ground truth"


def test_summary_has_every_rate_and_the_interval(report):
    summary = report["summary"]
    for key in ("wer", "cer_digits", "cer_mean", "exact", "confidence"):
        assert summary[f"{key}_before"] is not None and summary[f"{key}_after"] is not None, key
    low, high = summary["cer_change_ci95"]
    assert low <= summary["cer_change"] <= high
    assert summary["verdict"] == "helped"
    assert summary["improved"] + summary["worse"] + summary["same"] == summary["files"]
    assert summary["confusions"]["fixed"] and all(
        "\u00d7" in c["shown"] for c in summary["confusions"]["fixed"]
    )
    page = report["files"][0]
    assert set(page["confusions"]) == {"before", "after", "fixed", "introduced"}


def test_truth_from_another_folder_and_pages_without_truth(tmp_path, text_image):
    images, truths = tmp_path / "images", tmp_path / "truth"
    images.mkdir(), truths.mkdir()
    save(images / "a.png", text_image("1234", size=40))
    save(images / "b.png", text_image("99", size=40))
    (truths / "a.gt.txt").write_text("1234\n")
    data = ocrprep.compare([images], "none", truth_dir=truths).as_dict()
    pages = {Path(p["path"]).name: p for p in data["files"]}
    assert pages["a.png"]["before"]["cer"] == 0.0 and pages["b.png"]["before"]["cer"] is None
    assert pages["b.png"]["status"] == "no truth" and pages["b.png"]["text_change"] == 0.0
    assert data["summary"]["no_truth"] == [str(images / "b.png")]


def test_multipage_tiff_pages_use_numbered_truth(tmp_path, text_image):
    from PIL import Image as PILImage

    first, second = (PILImage.fromarray(text_image(t, size=40)) for t in ("111", "222"))
    first.save(tmp_path / "doc.tif", save_all=True, append_images=[second], dpi=(300, 300))
    (tmp_path / "doc.2.gt.txt").write_text("222")
    data = ocrprep.compare([tmp_path], "none").as_dict()
    assert [(p["path"].endswith("[1]"), p["truth"]) for p in data["files"]] == [(True, None), (False, "222")]


def test_keep_better_keeps_the_original_when_cleanup_hurts_confidence(tmp_path, text_image):
    save(tmp_path / "clean.png", text_image("Total 12.50", size=30))
    (tmp_path / "clean.gt.txt").write_text("Total 12.50")
    destroy = "threshold | opening(radius=1)"  # eats enough of the strokes to misread a digit
    plain = ocrprep.compare([tmp_path], destroy).as_dict()["files"][0]
    kept = ocrprep.compare([tmp_path], destroy, keep_better=True).as_dict()
    page = kept["files"][0]
    assert plain["after"]["cer"] > 0 and plain["kept"] == "cleaned"
    assert page["kept"] == "original" and page["after"] == page["before"] and page["after"]["cer"] == 0.0
    assert kept["summary"]["kept_original"] == 1


def test_a_cleaned_page_that_reads_no_word_is_read_as_it_is_instead(tmp_path, text_image):
    save(tmp_path / "total.png", text_image("Total 12.50", size=30))
    (tmp_path / "total.gt.txt").write_text("Total 12.50")
    blank = "threshold | opening(radius=4)"  # wipes every stroke
    assert not (ocrprep.clean(tmp_path / "total.png", blank) < 128).any()
    page = ocrprep.compare([tmp_path], blank).as_dict()["files"][0]
    assert page["kept"] == "original" and page["after"]["cer"] == 0.0
    assert ocrprep.recognize(tmp_path / "total.png", pipeline=blank).text == "Total 12.50"


def test_each_page_carries_the_measurement_of_its_scan(report):
    scan = next(p["scan"] for p in report["files"] if p["path"].endswith("amount_01.png"))
    assert scan["dpi"] == 300 and 60 < scan["char_height"] < 120 and scan["stroke_width"] > 3
