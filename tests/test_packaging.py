"""ocrprep as a user gets it: the sdist and the wheel, installed with pip into a fresh venv.

The editable install the rest of the suite runs on reads templates from the source tree and has the dev
extra beside it, so it cannot show that the wheel ships the package data or that the runtime
dependencies suffice. Here the sdist and the wheel are built (from a copy of the sources, so nothing is
left in the repository), the wheel alone is installed with its dependencies from the package index, and
the demo runs from it. A quick test checks that every module ``src/ocrprep`` imports comes from a
distribution in ``[project].dependencies``, or is an optional one imported only where it is needed.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import ocrprep

from .test_plugin_packages import ROOT, copy_source, pip_install, run

PACKAGE = ROOT / "src" / "ocrprep"
TEMPLATES = sorted(p.name for p in (PACKAGE / "templates").iterdir() if p.is_file())
SAMPLES = sorted(p.name for p in (ROOT / "sample_scans").glob("*.png"))
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Imported only inside the functions that need them, never by `import ocrprep`: distributed (and dask)
# where the batch runs on a Dask cluster, which the `dask` extra installs; pandas for ocrprep.tesseract's
# Output.DATAFRAME, which (as in pytesseract) only a caller who has pandas asks for.
OPTIONAL_MODULES = {"distributed", "dask", "pandas"}


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    """The normalized distribution names of PEP 508 requirement strings."""
    names = (re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", r) for r in requirements)
    return {normalized(match.group(1)) for match in names if match}


def imports(node: ast.AST, in_function: bool = False) -> Iterator[tuple[str, bool]]:
    """(top-level module, whether inside a function) of every absolute import below ``node``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import):
            yield from ((alias.name.partition(".")[0], in_function) for alias in child.names)
        elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
            yield child.module.partition(".")[0], in_function
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from imports(child, inside)


def imported_modules(*, at_import_time: bool = False) -> dict[str, set[str]]:
    """Module -> the files under src/ocrprep importing it (only outside functions, if ``at_import_time``)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for module, in_function in imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not (at_import_time and in_function):
                found.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared(declared: set[str]) -> dict[str, list[str]]:
    """Third-party modules ocrprep imports that no distribution in ``declared`` provides."""
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for module, files in imported_modules().items():
        if module == "ocrprep" or module in sys.stdlib_module_names or module in OPTIONAL_MODULES:
            continue
        if not {normalized(d) for d in providers.get(module, [])} & declared:
            missing[module] = sorted(files)
    return missing


def test_every_module_ocrprep_imports_comes_from_a_declared_dependency():
    declared = requirement_names(PROJECT["dependencies"])
    assert undeclared(declared) == {}
    # The check can fail: without scipy declared, measure.py's import of it is reported.
    assert "scipy" in undeclared(declared - {"scipy"})
    assert "distributed" in requirement_names(PROJECT["optional-dependencies"]["dask"])
    at_import_time = imported_modules(at_import_time=True)
    assert {m: at_import_time[m] for m in OPTIONAL_MODULES & at_import_time.keys()} == {}
    assert "scipy" in at_import_time  # measure.py imports it at the top: the split is not vacuous


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel, built the way a release is (the wheel from the sdist)."""
    work = tmp_path_factory.mktemp("build")
    source, out = copy_source("ocrprep", work), work / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", out, source], capture_output=True, text=True, timeout=1200
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


def test_the_sdist_and_the_wheel_carry_the_templates_and_py_typed(dist):
    (sdist,), (wheel,) = dist.glob("ocrprep-*.tar.gz"), dist.glob("ocrprep-*.whl")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.partition("/")[2] for name in archive.getnames()}
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())

    assert TEMPLATES, "src/ocrprep/templates is empty"
    assert {f"src/ocrprep/templates/{name}" for name in TEMPLATES} <= in_sdist
    assert "src/ocrprep/py.typed" in in_sdist
    assert {f"ocrprep/templates/{name}" for name in TEMPLATES} <= in_wheel
    assert "ocrprep/py.typed" in in_wheel


def test_the_wheel_alone_in_a_fresh_venv_runs_the_demo_without_the_dev_extra(dist, tmp_path):
    (wheel,) = dist.glob("ocrprep-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    python, bin_dir = venv / "bin" / "python", venv / "bin"
    pip_install(python, wheel)
    # Outside the repository and with no PYTHONPATH, only the installed package can be imported.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": "", "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    version = run(bin_dir / "ocrprep", "--version", env=env, cwd=elsewhere)
    assert version.returncode == 0, version.stderr
    assert f"version {ocrprep.__version__}" in version.stdout

    probe = (
        "import json, ocrprep; from importlib.resources import files; t = files('ocrprep') / 'templates'; "
        "print(json.dumps([ocrprep.__file__, sorted(p.name for p in t.iterdir()), "
        "(files('ocrprep') / 'py.typed').is_file()]))"
    )
    data = run(python, "-c", probe, env=env, cwd=elsewhere)
    assert data.returncode == 0, data.stderr
    module_file, templates, typed = json.loads(data.stdout)
    assert Path(module_file).is_relative_to(venv)
    assert sorted(templates) == TEMPLATES and typed

    compare = run(
        bin_dir / "ocrprep", "compare", ROOT / "sample_scans", "--json", tmp_path / "compare.json",
        env=env, cwd=elsewhere,
    )  # fmt: skip
    assert compare.returncode == 0, compare.stderr[-3000:]
    report = json.loads((tmp_path / "compare.json").read_text(encoding="utf-8"))
    assert sorted(Path(page["path"]).name for page in report["files"]) == SAMPLES
    assert report["errors"] == []

    listing = run(python, "-m", "pip", "list", "--format", "json", env=env, cwd=elsewhere)
    assert listing.returncode == 0, listing.stderr
    installed = {normalized(p["name"]) for p in json.loads(listing.stdout)}
    extras = PROJECT["optional-dependencies"]
    dev_only = requirement_names(extras["dev"] + extras["dask"]) - {"ocrprep"}
    assert {"mypy", "playwright", "hypothesis", "pytest", "ruff", "ocrmypdf", "distributed"} <= dev_only
    assert installed & dev_only == set()
    assert "ocrprep" in installed
