"""docs/plugins.md, the plugin author's guide: every hook documented and tested, its example works."""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from ocrprep import hookspecs
from ocrprep.plugins import DISABLE_ENV, TRACE_ENV
from ocrprep.testing import check_engine, check_plugin

from .conftest import console_script

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
TEXT = GUIDE.read_text(encoding="utf-8")
HOOKS = sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "ocrprep_spec"))
# A code block whose first line is a comment naming a file: the guide's example files.
FILE_BLOCK = re.compile(r"```(?:python|toml)\n# (?P<path>[\w./-]+)\n(?P<body>.*?)```", re.DOTALL)


def section(hook: str) -> str:
    """The text of ``## Hook: <hook>`` up to the next ``## `` heading; empty when there is none."""
    match = re.search(rf"^## Hook: {hook}\n(?P<body>.*?)(?=^## |\Z)", TEXT, re.MULTILINE | re.DOTALL)
    return match["body"] if match else ""


def example_files() -> dict[str, str]:
    return {m["path"]: f"# {m['path']}\n{m['body']}" for m in FILE_BLOCK.finditer(TEXT)}


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hooks_are_the_ones_this_guide_was_written_for():
    assert HOOKS == ["preprocess_stages", "recognize_engines"], (
        "a hook changed: document it in docs/plugins.md"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_with_its_signature_arguments_return_and_an_example(hook):
    body = section(hook)
    assert body, f"docs/plugins.md has no '## Hook: {hook}' section"
    signature = inspect.signature(getattr(hookspecs, hook))  # annotations are strings here
    parameters = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    shown = f"def {hook}({parameters}) -> {signature.return_annotation}: ..."
    assert shown in body, f"the '{hook}' section must show {shown}"
    for part in ("**When:**", "**Arguments:**", "**Return:**", "None", "@hookimpl"):
        assert part in body, f"the '{hook}' section lacks {part}"
    assert body.count("```python") >= 2, f"the '{hook}' section needs an example besides the signature"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_implemented_by_a_plugin_the_tests_use(hook):
    tests = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py"))
    assert re.search(rf"^\s*def {hook}\(", tests, re.MULTILINE), f"no plugin in tests/ implements {hook}"


def test_the_guide_says_how_to_load_disable_trace_and_list_plugins_and_that_they_run_with_your_rights():
    for text in ("--plugin", "--disable-plugin", DISABLE_ENV, TRACE_ENV, "ocrprep plugins", "ocrprep stages"):
        assert text in TEXT, text
    assert "run code with the rights of the user" in TEXT
    assert "ocrprep-NAME" in TEXT and "twine upload" in TEXT and "pip install -e" in TEXT


def test_the_guides_example_plugin_and_its_tests_pass(tmp_path, monkeypatch):
    files = example_files()
    module = tmp_path / "ocrprep_border.py"
    module.write_text(files["src/ocrprep_border/__init__.py"])
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ocrprep_border", raising=False)
    check_plugin(load(module, "ocrprep_border"))
    (tmp_path / "test_border.py").write_text(files["tests/test_ocrprep_border.py"])
    tests = load(tmp_path / "test_border.py", "test_border")
    for name in [n for n in dir(tests) if n.startswith("test_")]:
        getattr(tests, name)()


def test_the_guides_example_engine_passes_the_kit(tmp_path):
    path = tmp_path / "ocrprep_oneline.py"
    path.write_text(example_files()["ocrprep_oneline.py"])
    (engine,) = load(path, "ocrprep_oneline").recognize_engines()
    assert check_engine(engine, digits=False).text == "4711"


def test_the_guides_package_installs_with_pip_and_its_stage_appears(tmp_path):
    package = tmp_path / "ocrprep-border"
    for path, text in example_files().items():
        (package / path).parent.mkdir(parents=True, exist_ok=True)
        (package / path).write_text(text)
    (package / "README.md").write_text("# ocrprep-border\n")
    (package / "src" / "ocrprep_border" / "py.typed").touch()
    metadata = tomllib.loads((package / "pyproject.toml").read_text())
    assert metadata["project"]["entry-points"]["ocrprep"] == {"border": "ocrprep_border"}
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(package)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    listing = subprocess.run(
        [console_script(), "stages"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site)},
        timeout=120,
    )
    assert "whiten-border  [border]  Paint a frame around the page white" in listing.stdout
