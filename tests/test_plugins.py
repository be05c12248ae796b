"""The hook contract: plugins from outside the package add stages and engines; faults are caught."""

from __future__ import annotations

import sys
import textwrap

import numpy as np
import pytest

import ocrprep
from ocrprep import Engine, RecognizeOptions
from ocrprep.errors import InputError, PluginError, UsageError
from ocrprep.plugins import Host
from ocrprep.testing import render_text
from ocrprep.types import Scan

from .conftest import PLUGINS

EXTRA = str(PLUGINS / "extra_plugin.py")


def test_a_plugin_path_adds_a_stage_that_chains_with_built_in_ones(text_image):
    noisy = text_image("42", size=40)
    noisy[::7, ::5] = 0
    cleaned = ocrprep.clean(noisy, "threshold(128) | median(size=3)", plugins=[EXTRA])
    host = Host([EXTRA])
    assert host.stages["median"].plugin == "extra_plugin"
    assert cleaned.shape == noisy.shape
    assert (cleaned[::7, ::5] == 0).sum() < (noisy[::7, ::5] == 0).sum()


def test_a_plugin_engine_answers_when_selected_by_name(text_image):
    result = ocrprep.recognize(
        text_image("7305", size=40), RecognizeOptions(engine="oneline"), plugins=[EXTRA]
    )
    assert (result.text, result.engine) == ("7305", "oneline")
    engine = Host([EXTRA]).engine("oneline")
    assert isinstance(engine, Engine) and engine.plugin == "extra_plugin" and engine.renders == {}


def test_the_built_in_engine_still_answers_by_default_with_a_plugin_loaded(text_image):
    assert ocrprep.recognize(text_image("88", size=40), plugins=[EXTRA]).engine == "tesseract"


def test_unknown_engine_lists_the_engines():
    host = Host([EXTRA])
    assert sorted(host.engines) == ["oneline", "tesseract"]
    with pytest.raises(UsageError, match="no engine named 'nope'; engines: oneline, tesseract"):
        host.recognize(np.full((5, 5), 255, np.uint8), None, RecognizeOptions(engine="nope"))
    with pytest.raises(UsageError, match="no engine named 'nope'; engines: oneline, tesseract"):
        host.engine("nope")


def test_a_document_comes_from_an_engine_that_can_write_it(text_image):
    host = Host([EXTRA])
    assert host.engine("tesseract", render="pdf").name == "tesseract"
    message = "engine oneline cannot write pdf output; engines that can: tesseract"
    with pytest.raises(UsageError, match=message):
        host.render("pdf", text_image("1"), 300, RecognizeOptions(engine="oneline"))
    assert host.render("pdf", text_image("12", size=40), 300, RecognizeOptions()).startswith(b"%PDF")


def plugin_file(tmp_path, name, body):
    """A plugin module ``name`` written to ``tmp_path`` with the usual imports and ``body``."""
    path = tmp_path / f"{name}.py"
    head = "from ocrprep import Engine, Recognition, Stage, hookimpl\n\n"
    path.write_text(head + textwrap.dedent(body))
    return str(path)


def test_an_engine_that_returns_the_wrong_thing_is_a_plugin_error(tmp_path):
    path = plugin_file(
        tmp_path,
        "liar_plugin",
        """
        @hookimpl
        def recognize_engines():
            return [Engine("liar", lambda image, dpi, options: "4711", "Text, not a Recognition.",
                           {"pdf": lambda image, dpi, options: "%PDF"})]
        """,
    )
    host = Host([path])
    blank = np.full((5, 5), 255, np.uint8)
    with pytest.raises(PluginError, match=r"engine liar returned str, not ocrprep\.Recognition"):
        host.recognize(blank, None, RecognizeOptions(engine="liar"))
    with pytest.raises(PluginError, match="engine liar wrote str as pdf, not bytes"):
        host.render("pdf", blank, None, RecognizeOptions(engine="liar"))


def test_an_engine_gets_a_read_only_image_and_a_hook_returning_other_objects_is_refused(tmp_path):
    path = plugin_file(
        tmp_path,
        "scribbler_plugin",
        """
        def scribble(image, dpi, options):
            image[0, 0] = 0
            return Recognition("", None, (), "scribbler")

        @hookimpl
        def recognize_engines():
            return [Engine("scribbler", scribble, "Writes into the image.")]
        """,
    )
    image = np.full((5, 5), 255, np.uint8)
    with pytest.raises(InputError, match="engine scribbler failed: ValueError"):
        Host([path]).recognize(image, None, RecognizeOptions(engine="scribbler"))
    assert (image == 255).all()
    wrong = plugin_file(
        tmp_path,
        "wrong_plugin",
        """
        @hookimpl
        def recognize_engines():
            return [Stage("x", lambda scan: scan.pixels.copy(), "A stage where an engine belongs.")]
        """,
    )
    message = r"plugin wrong_plugin returned Stage from recognize_engines; expected ocrprep\.Engine"
    with pytest.raises(PluginError, match=message):
        Host([wrong])


def test_two_plugins_with_one_engine_name_is_an_error_until_one_is_disabled(tmp_path):
    path = plugin_file(
        tmp_path,
        "rival_plugin",
        """
        @hookimpl
        def recognize_engines():
            return [Engine("tesseract", lambda image, dpi, options: Recognition("", None), "A rival.")]
        """,
    )
    with pytest.raises(PluginError, match="engine 'tesseract' comes from both tesseract and rival_plugin"):
        Host([path])
    assert Host([path], disabled=["tesseract"]).engines["tesseract"].plugin == "rival_plugin"


def test_a_misspelled_hook_is_refused():
    with pytest.raises(PluginError, match="preprocess_stage"):
        Host([str(PLUGINS / "misspelled_plugin.py")])


def test_two_plugins_with_one_stage_name_is_an_error_until_one_is_disabled():
    with pytest.raises(PluginError, match="stage 'threshold' comes from both despeckle and duplicate_plugin"):
        Host([str(PLUGINS / "duplicate_plugin.py")])
    host = Host([str(PLUGINS / "duplicate_plugin.py")], disabled=["despeckle"])
    assert host.stages["threshold"].plugin == "duplicate_plugin"


def test_disabling_a_plugin_removes_its_stages_and_engine(monkeypatch):
    assert "threshold" not in Host(disabled=["despeckle"]).stages
    assert "oneline" not in Host([EXTRA], disabled=["extra_plugin"]).engines
    monkeypatch.setenv("OCRPREP_DISABLE_PLUGINS", "tesseract")
    assert Host().engines == {}


def test_stage_and_engine_crashes_become_input_errors_naming_the_plugin():
    host = Host([str(PLUGINS / "faulty_plugin.py")])
    with pytest.raises(InputError, match="stage explode of plugin faulty_plugin failed: RuntimeError: boom"):
        host.pipeline("explode").run(np.full((4, 4), 255, np.uint8))
    with pytest.raises(InputError, match="engine crash failed: RuntimeError: engine fell over"):
        host.recognize(np.full((4, 4), 255, np.uint8), None, RecognizeOptions(engine="crash"))


def test_a_plugin_that_cannot_be_imported_is_a_plugin_error(tmp_path):
    broken = tmp_path / "broken_plugin.py"
    broken.write_text("import no_such_module_anywhere\n")
    with pytest.raises(PluginError, match=r"cannot load plugin .*broken_plugin\.py.*ModuleNotFoundError"):
        Host([str(broken)])
    with pytest.raises(PluginError, match="no such file"):
        Host([str(tmp_path / "absent.py")])


def test_a_dotted_module_name_loads_too(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))
    sys.modules.pop("extra_plugin", None)
    assert "median" in Host(["extra_plugin"]).stages


def test_every_hook_is_documented_and_exercised_by_a_test():
    from ocrprep import hookspecs

    tests = "".join(p.read_text() for p in PLUGINS.parent.rglob("*.py"))
    hooks = [name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "ocrprep_spec")]
    assert sorted(hooks) == ["preprocess_stages", "recognize_engines"]
    assert "called once" in (hookspecs.__doc__ or ""), "when the hooks are called"
    for name in hooks:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert "Return" in doc and "None" in doc and "error" in doc, name
        assert f"def {name}(" in tests, f"no test plugin implements {name}"


def test_a_plugin_given_twice_is_registered_once(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))
    host = Host(["extra_plugin", "extra_plugin"])
    infos = [info for info in host.plugin_infos() if info.name == "extra_plugin"]
    assert len(infos) == 1
    assert (infos[0].stages, infos[0].engines) == (("median",), ("oneline",))
    assert infos[0].hooks == ("preprocess_stages", "recognize_engines")


def _text_on_a_dark_band():
    """A line of dark text on a dark-gray band on white paper: Otsu's one level makes the band and
    its text one black block, Sauvola's local levels keep the letters."""
    line = render_text("the quick brown fox jumps", size=28, margin=40)
    height, width = line.shape
    page = np.full((3 * height, width + 100), 255, np.uint8)
    page[height : 2 * height, 50 : 50 + width] = np.where(line < 128, 20, 90)
    return page


def test_a_doubtful_cleaned_page_is_read_again_binarised():
    host, scan = Host(), Scan(_text_on_a_dark_band(), 300)
    assert host.read(scan, RecognizeOptions()).confidence is None  # no word read
    result, read = host.read_cleaned(scan, RecognizeOptions())
    assert result.text.strip() == "the quick brown fox jumps"
    assert set(np.unique(read.pixels)) == {0, 255}
    cleaned = ocrprep.recognize(_text_on_a_dark_band(), pipeline="grayscale", dpi=300)
    assert cleaned.text.strip() == "the quick brown fox jumps"


def test_one_line_reads_and_binary_pages_are_read_once():
    host, scan = Host(), Scan(_text_on_a_dark_band(), 300)
    one_line = RecognizeOptions(psm=7)
    result, read = host.read_cleaned(scan, one_line)
    assert read is scan and result == host.read(scan, one_line)
    binary = Scan(np.where(scan.pixels < 128, 0, 255).astype(np.uint8), 300)
    assert host.read_cleaned(binary, RecognizeOptions())[1] is binary


def test_a_surer_second_read_that_lost_words_is_not_kept(tmp_path):
    path = plugin_file(
        tmp_path,
        "forgetful_plugin",
        """
        import dataclasses
        from ocrprep.builtin.tesseract import read

        def forgetful(image, dpi, options):
            # Tesseract's read, doubtful on gray pages; of a binarised page only the first word, sure.
            result = read(image, dpi, options)
            if len(set(image.ravel().tolist())) > 2:
                return dataclasses.replace(result, confidence=40.0)
            word = dataclasses.replace(result.words[0], confidence=99.0)
            return Recognition(word.text, 99.0, (word,), "forgetful")

        @hookimpl
        def recognize_engines():
            return [Engine("forgetful", forgetful, "Loses words on binarised pages.")]
        """,
    )
    page = Scan(render_text("pack my box with five dozen jugs", size=28), 300)
    result, read = Host([path]).read_cleaned(page, RecognizeOptions(engine="forgetful"))
    assert read is page and result.text.strip() == "pack my box with five dozen jugs"
