"""The installed ``ocrprep`` command: exit codes, outputs, errors, JSON keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ocrprep.images import read_pages

from .conftest import PLUGINS, checksums, error_lines, save

EXTRA = PLUGINS / "extra_plugin.py"


@pytest.fixture
def batch(tmp_path, text_image):
    """Two readable scans (one with ground truth) and a corrupt one, in one folder."""
    folder = tmp_path / "in"
    folder.mkdir()
    noisy = text_image("4711", size=48)
    rng = np.random.default_rng(1)
    noisy[rng.random(noisy.shape) < 0.01] = 0
    save(folder / "a.png", noisy)
    (folder / "a.gt.txt").write_text("4711\n")
    save(folder / "b.png", text_image("OK 12", size=48))
    (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    return folder


def test_compare_reports_good_files_names_the_bad_one_and_touches_no_input(ocrprep_cli, batch, tmp_path):
    before = checksums(batch.iterdir())
    result = ocrprep_cli("compare", batch, "--json", tmp_path / "r.json")
    assert result.returncode == 3, result.stderr
    errors = error_lines(result.stderr)
    assert errors == [f"Error: {batch / 'c.png'}: " + errors[0].split(": ", 2)[2]]
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert set(files) == {"a.png", "b.png"}
    for f in files.values():
        assert {"text", "cer", "confidence"} <= set(f["before"]) and {"text", "cer", "confidence"} <= set(
            f["after"]
        )
    assert files["b.png"]["before"]["cer"] is None
    assert files["a.png"]["after"]["text"] == "4711"
    summary = report["summary"]
    assert summary["files"] == 2 and summary["cer_after"] == files["a.png"]["after"]["cer"]
    assert {"cer_before", "cer_after"} <= set(summary)
    assert "a.png" in result.stdout and "CER before" in result.stdout
    assert checksums(batch.iterdir()) == before


def test_clean_writes_lossless_outputs_with_dpi_and_every_stage(ocrprep_cli, batch, tmp_path):
    out, stages = tmp_path / "out", tmp_path / "stages"
    result = ocrprep_cli(
        "clean", batch / "a.png", batch / "b.png", "-o", out, "--save-stages", stages, "--pipeline", "classic"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "b.png"]
    (page,) = read_pages(out / "a.png")
    assert page.dpi == 300 and set(np.unique(page.image)) <= {0, 255}
    assert sorted(p.name for p in stages.iterdir() if p.name.startswith("a.")) == [
        "a.1-grayscale.png",
        "a.2-threshold.png",
        "a.3-opening.png",
        "a.4-remove-specks.png",
    ]


def test_clean_to_a_single_file_and_never_over_its_input(ocrprep_cli, batch, tmp_path):
    result = ocrprep_cli(
        "clean", batch / "a.png", "-o", tmp_path / "one.tif", "--pipeline", "threshold(otsu)"
    )
    assert result.returncode == 2 and "Error: stage threshold: parameter value expects int" in result.stderr
    result = ocrprep_cli("clean", batch / "a.png", "-o", tmp_path / "one.tif")
    assert result.returncode == 0 and (tmp_path / "one.tif").exists()
    before = checksums([batch / "a.png"])
    result = ocrprep_cli("clean", batch / "a.png", "-o", batch / "a.png")
    assert result.returncode == 3 and "would overwrite an input" in result.stderr
    assert checksums([batch / "a.png"]) == before


def test_usage_errors_exit_2_without_a_traceback(ocrprep_cli, batch):
    result = ocrprep_cli("ocr", batch / "a.png", "--pipeline", "blur(2)", "--clean")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Error: unknown stage 'blur'; available stages:")
    assert "Traceback" not in result.stderr
    verbose = ocrprep_cli("ocr", batch / "a.png", "--pipeline", "blur(2)", "--clean", "--verbose")
    assert "Traceback" in verbose.stderr


@pytest.mark.parametrize("command", ["ocr", "compare", "tune"])
def test_the_shared_engine_options_are_checked_alike_in_every_command(ocrprep_cli, batch, command):
    result = ocrprep_cli(command, batch / "a.png", "-c", "novalue")
    assert result.returncode == 2 and result.stderr == "Error: -c expects NAME=VALUE, got 'novalue'\n"


def test_missing_tesseract_exits_4_with_a_hint(ocrprep_cli, batch):
    result = ocrprep_cli("ocr", batch / "a.png", env={"TESSERACT_CMD": "/nonexistent/tesseract"})
    assert result.returncode == 4
    assert "Error: Tesseract not found" in result.stderr and "apt-get install" in result.stderr


def test_ocr_prints_text_before_or_after_cleaning(ocrprep_cli, batch):
    assert ocrprep_cli("ocr", batch / "b.png").stdout.strip() == "OK 12"
    cleaned = ocrprep_cli("ocr", batch / "a.png", "--clean", "--digits")
    assert cleaned.returncode == 0 and cleaned.stdout.strip() == "4711"
    wiped = ocrprep_cli("ocr", batch / "b.png", "--clean", "--pipeline", "threshold | opening(radius=6)")
    assert wiped.stdout.strip() == "OK 12", "a cleaned page that reads no word is read as it is"


def test_an_outside_plugin_shows_in_plugins_and_stages_and_is_used(ocrprep_cli, batch):
    listing = ocrprep_cli("plugins", "--plugin", EXTRA)
    assert "extra_plugin" in listing.stdout and "median" in listing.stdout and "0.9" in listing.stdout
    assert "median" in ocrprep_cli("stages", "--plugin", EXTRA).stdout
    result = ocrprep_cli(
        "ocr",
        batch / "b.png",
        "--clean",
        "--pipeline",
        "threshold | median(5)",
        "--engine",
        "oneline",
        "--plugin",
        EXTRA,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "OK 12"


def test_an_entry_point_plugin_is_found_without_any_option(ocrprep_cli, batch, tmp_path):
    dist = tmp_path / "site" / "ocrprep_extra-1.2.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ocrprep-extra\nVersion: 1.2\n")
    (dist / "entry_points.txt").write_text("[ocrprep]\nextra = extra_plugin\n")
    env = {"PYTHONPATH": f"{tmp_path / 'site'}:{PLUGINS}"}
    listing = ocrprep_cli("plugins", env=env)
    assert any("extra" in line and "1.2" in line for line in listing.stdout.splitlines())
    assert "median" in ocrprep_cli("stages", env=env).stdout
    result = ocrprep_cli("ocr", batch / "b.png", "--engine", "oneline", env=env)
    assert result.stdout.strip() == "OK 12"
    disabled = ocrprep_cli("stages", "--disable-plugin", "extra", env=env)
    assert "median" not in disabled.stdout


def test_python_dash_m_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "ocrprep", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "compare" in result.stdout


def test_compare_writes_csv_and_gates_on_worse_cer(ocrprep_cli, tmp_path, text_image):
    folder = tmp_path / "clean"
    folder.mkdir()
    save(folder / "thin.png", text_image("1.5, 2.5", size=22))
    (folder / "thin.gt.txt").write_text("1.5, 2.5\n")
    csv_path = tmp_path / "r.csv"
    # Dropping the points and commas is sure to make a clean scan worse (not blank: that is read as it is).
    misread = "threshold | remove-specks(min_size=40)"
    worse = ocrprep_cli("compare", folder, "--pipeline", misread, "--csv", csv_path, "--fail-if-worse")
    assert worse.returncode == 6, worse.stderr
    assert "Error: cleanup made CER worse" in worse.stderr
    assert "verdict:" in worse.stdout
    rows = csv_path.read_text().splitlines()
    assert rows[0].startswith("path,status,cer_change") and rows[1].split(",")[1] == "worse"
    tolerant = ocrprep_cli("compare", folder, "--pipeline", misread, "--fail-if-worse", "5")
    assert tolerant.returncode == 0


def test_compare_without_inputs_runs_on_sample_scans_here(ocrprep_cli, tmp_path, text_image):
    (tmp_path / "sample_scans").mkdir()
    save(tmp_path / "sample_scans" / "x.png", text_image("5", size=40))
    result = ocrprep_cli("compare", cwd=tmp_path)
    assert result.returncode == 0 and "sample_scans/x.png" in result.stdout
    assert "no ground truth for 1 file(s): sample_scans/x.png" in result.stdout
    assert "comparing" not in result.stderr, "no progress bar when stderr is not a terminal"
    empty = ocrprep_cli("compare", cwd=tmp_path / "sample_scans")
    assert empty.returncode == 2 and "no INPUT given and no sample_scans/ folder" in empty.stderr


def _dist(site: Path, name: str, entry_points: str) -> None:
    """A minimal installed distribution: what pip leaves in site-packages."""
    dist = site / f"{name.replace('-', '_')}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[ocrprep]\n{entry_points}\n")


def test_a_broken_installed_plugin_is_reported_once_and_the_others_load(ocrprep_cli, tmp_path):
    site = tmp_path / "site"
    _dist(site, "ocrprep-broken", "broken = broken_on_import")
    _dist(site, "ocrprep-extra", "extra = extra_plugin")
    (site / "broken_on_import.py").write_text("raise ImportError('needs libfoo')\n")
    result = ocrprep_cli("plugins", "--json", env={"PYTHONPATH": f"{site}:{PLUGINS}"})
    assert result.returncode == 0
    warnings = [line for line in result.stderr.splitlines() if "broken" in line]
    assert warnings == [
        "Warning: plugin broken (from ocrprep-broken) failed to load and is skipped: needs libfoo"
    ]
    listed = {p["name"]: p for p in json.loads(result.stdout)}
    assert listed["extra"]["distribution"] == "ocrprep-extra" and listed["extra"]["version"] == "1.0"
    assert listed["extra"]["stages"] == ["median"] and listed["extra"]["engines"] == ["oneline"]
    assert listed["despeckle"]["distribution"] == "ocrprep" and listed["despeckle"]["engines"] == []


def test_trace_prints_each_hook_call_with_its_time(ocrprep_cli, batch):
    result = ocrprep_cli("ocr", batch / "b.png", env={"OCRPREP_TRACE_PLUGINS": "1"})
    traced = [line for line in result.stderr.splitlines() if line.startswith("ocrprep trace:")]
    assert any(
        line.startswith("ocrprep trace: engine tesseract.read [tesseract] ") and line.endswith(" ms")
        for line in traced
    )
    assert any("recognize_engines [tesseract]" in line for line in traced)
    assert any("preprocess_stages [despeckle]" in line for line in traced)
    assert "ocrprep trace" not in ocrprep_cli("ocr", batch / "b.png").stderr


def test_a_stage_that_raises_names_file_stage_and_plugin_and_the_batch_goes_on(ocrprep_cli, batch, tmp_path):
    result = ocrprep_cli(
        "clean", batch / "a.png", batch / "b.png", "-o", tmp_path / "out",
        "--pipeline", "threshold | explode",
        "--plugin", PLUGINS / "faulty_plugin.py",
    )  # fmt: skip
    assert result.returncode == 3
    errors = error_lines(result.stderr)
    assert errors == [
        f"Error: {batch / name}: stage explode of plugin faulty_plugin failed: RuntimeError: boom"
        for name in ("a.png", "b.png")
    ]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_compare_writes_an_html_report_with_the_images(ocrprep_cli, batch, tmp_path):
    html = tmp_path / "r.html"
    result = ocrprep_cli("compare", batch / "a.png", batch / "b.png", "--html", html)
    assert result.returncode == 0, result.stderr
    page = html.read_text()
    assert page.count("data:image/png;base64,") >= 6 and "a.png" in page and "b.png" in page


def test_stages_lists_each_default_as_a_pipeline_writes_it(ocrprep_cli):
    listing = ocrprep_cli("stages").stdout
    for shown in ("size = auto", "window = 25", "method = fixed", "factor = auto"):
        assert f"    {shown}  :" in listing, shown


IMAGE_LIBRARIES = (
    "numpy._core",
    "cv2.data",
    "PIL._imaging",
    "scipy._lib",
    "skimage._shared",
    "pytesseract.pytesseract",
)
"""A module each image library imports when it is really loaded, not merely made lazy by ocrprep.libs."""


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["stages"], ["plugins"], ["ocr", "--help"]])
def test_commands_that_read_no_image_load_no_image_library(args):
    script = (
        "import sys\nfrom ocrprep.cli import main\nsys.argv = ['ocrprep', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('loaded:', [m for m in {IMAGE_LIBRARIES!r} if m in sys.modules], file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout, result.stderr
    assert result.stderr.splitlines()[-1] == "loaded: []"


def test_threads_that_first_use_a_library_together_all_get_it_whole():
    """OCRmyPDF calls the plugin from several threads at once: none may see a half-imported cv2."""
    script = (
        "import threading\nfrom ocrprep.libs import cv2, np, skimage\n"
        "start, failed = threading.Barrier(8), []\n"
        "def use():\n    start.wait()\n    try:\n"
        "        cv2.norm(np.zeros(3), np.zeros(3), cv2.NORM_INF); skimage.morphology.disk\n"
        "    except AttributeError as error:\n        failed.append(repr(error))\n"
        "threads = [threading.Thread(target=use) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\nprint(failed)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
