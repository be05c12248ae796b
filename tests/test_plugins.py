"""The hook contract: plugins from outside the package add stages and engines; faults are caught."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import ocrprep
from ocrprep.errors import InputError, PluginError, UsageError
from ocrprep.hookspecs import RecognizeOptions
from ocrprep.plugins import Host

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


def test_the_built_in_engine_still_answers_by_default_with_a_plugin_loaded(text_image):
    assert ocrprep.recognize(text_image("88", size=40), plugins=[EXTRA]).engine == "tesseract"


def test_unknown_engine_lists_the_engines():
    with pytest.raises(UsageError, match="no engine named 'nope'; engines: extra_plugin, tesseract"):
        Host([EXTRA]).recognize(np.full((5, 5), 255, np.uint8), None, RecognizeOptions(engine="nope"))


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
    monkeypatch.setenv("OCRPREP_DISABLE_PLUGINS", "tesseract")
    assert Host().engines() == []


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
    assert sorted(hooks) == ["preprocess_stages", "recognize"]
    for name in hooks:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert "Called" in doc and "Return" in doc and "None" in doc, name
        assert f"def {name}(" in tests, f"no test plugin implements {name}"


def test_a_plugin_given_twice_is_registered_once(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))
    host = Host(["extra_plugin", "extra_plugin"])
    assert [info.name for info in host.plugin_infos()].count("extra_plugin") == 1
