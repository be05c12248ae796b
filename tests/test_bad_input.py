"""Bad input, injected faults, interruptions and hostile names: every error clear, nothing lost."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocrprep.images import display_path

from .conftest import (
    KILLER_PIPELINE,
    PLUGINS,
    checksums,
    console_script,
    error_lines,
    pages_with_a_killer,
    render_text,
    save,
)
from .corpus import make_corpus


def _error_names(stderr: str) -> list[str]:
    """The file names (with [page]) of the ``Error: FILE: reason`` lines."""
    return [
        Path(line[len("Error: ") :].split(": ", 1)[0]).name
        for line in stderr.splitlines()
        if line.startswith("Error: ")
    ]


def _output_name(label: str) -> str:
    """Where clean writes a page: ``pages.tif[2]`` to ``pages.2.png``, ``good.jpg`` to ``good.png``."""
    match = re.fullmatch(r"(.*)\.\w+\[(\d+)\]", label)
    return f"{match[1]}.{match[2]}.png" if match else f"{Path(label).stem}.png"


def _all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, *make_corpus(folder)


def test_clean_over_the_corpus_names_each_bad_file_once_and_does_the_rest(ocrprep_cli, corpus, tmp_path):
    folder, always_bad, readable, good = corpus
    before = checksums(_all_files(folder))
    result = ocrprep_cli("clean", folder, "-o", tmp_path / "out")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert sorted(_error_names(result.stderr)) == sorted(always_bad)
    written = sorted(display_path(Path(p.name)) for p in (tmp_path / "out").iterdir())
    assert written == sorted(_output_name(label) for label in good | readable)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")], "no partial files"
    assert checksums(_all_files(folder)) == before
    assert f"cleaned {len(good | readable)} page(s), skipped 0, failed {len(always_bad)}" in result.stderr


def test_compare_over_the_corpus_reports_each_bad_file_once(ocrprep_cli, corpus, tmp_path):
    folder, always_bad, bad_to_read, good = corpus
    before = checksums(_all_files(folder))
    result = ocrprep_cli("compare", folder, "--json", tmp_path / "r.json")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert sorted(_error_names(result.stderr)) == sorted(always_bad | bad_to_read)
    report = json.loads((tmp_path / "r.json").read_text())
    assert sorted(Path(f["path"]).name for f in report["files"]) == sorted(good)
    assert sorted(Path(e["path"]).name for e in report["errors"]) == sorted(always_bad | bad_to_read)
    assert "is not UTF-8 text; save it as UTF-8" in result.stderr
    assert "Warning: a 100000x1 px page is larger than engine tesseract reads" in result.stderr
    assert checksums(_all_files(folder)) == before


@pytest.fixture
def one_scan(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    save(folder / "a.png", render_text("1234", size=40))
    save(folder / "b.png", render_text("5678", size=40))
    return folder


def _fake_tesseract(tmp_path: Path, body: str) -> str:
    """A tesseract stand-in: answers --version and --list-langs like the real one, then ``body``."""
    script = tmp_path / "fake-tesseract"
    script.write_text(f'#!/bin/sh\ncase "$1" in --version|--list-langs) exec tesseract "$@";; esac\n{body}\n')
    script.chmod(0o755)
    return str(script)


def test_tesseract_exiting_non_zero_fails_each_file_and_the_batch_goes_on(ocrprep_cli, one_scan, tmp_path):
    fake = _fake_tesseract(tmp_path, 'echo "Error: out of memory" >&2; exit 3')
    result = ocrprep_cli("ocr", one_scan, env={"TESSERACT_CMD": fake})
    assert result.returncode == 3
    assert _error_names(result.stderr) == ["a.png", "b.png"]
    assert "Tesseract failed (exit 3): Error: out of memory" in result.stderr
    assert "read 0 page(s), failed 2" in result.stderr


def test_a_hanging_tesseract_is_stopped_by_the_timeout(ocrprep_cli, one_scan, tmp_path):
    fake = _fake_tesseract(tmp_path, "sleep 60")
    started = time.monotonic()
    result = ocrprep_cli("ocr", one_scan / "a.png", "--timeout", "1", env={"TESSERACT_CMD": fake})
    assert time.monotonic() - started < 30
    assert result.returncode == 3
    assert "Tesseract took longer than 1 s; raise --timeout" in result.stderr


def test_an_output_folder_that_cannot_be_written_fails_each_page_clearly(ocrprep_cli, one_scan, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    result = ocrprep_cli("clean", one_scan, "-o", blocker / "out")
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert _error_names(result.stderr) == ["a.png", "b.png"]
    assert "check the folder is writable and has space" in result.stderr


def test_a_full_disk_leaves_no_partial_output(ocrprep_cli, one_scan, tmp_path):
    fault = tmp_path / "fault"
    fault.mkdir()
    (fault / "sitecustomize.py").write_text(
        "import errno, os\n"
        "def fsync(fd):\n"
        "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
        "os.fsync = fsync\n"
    )
    out = tmp_path / "out"
    result = ocrprep_cli("clean", one_scan, "-o", out, "--jobs", "1", env={"PYTHONPATH": str(fault)})
    assert result.returncode == 3
    assert "No space left on device" in result.stderr
    assert list(out.iterdir()) == []


def test_ctrl_c_stops_the_batch_keeps_finished_outputs_and_leaves_no_partial_file(tmp_path, ocrprep_cli):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        save(folder / f"p{i:02d}.png", render_text(f"{i} {i * 7}", size=40))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [console_script(), "ocr", folder, "--clean", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(2.5)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Error: interrupted" in stderr and "Traceback" not in stderr
    assert 0 < stdout.count("\n") < 60

    pages = tmp_path / "pages"
    pages.mkdir()
    page = np.tile(render_text(f"{i} {i * 7}", size=40), (30, 12))  # about an A4 page of text
    save(pages / "p00.png", page)
    for i in range(1, 30):
        shutil.copy(pages / "p00.png", pages / f"p{i:02d}.png")
    clean = subprocess.Popen([console_script(), "clean", pages, "-o", out, "--jobs", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    while clean.poll() is None and not (out.exists() and any(out.glob("p*.png"))):
        time.sleep(0.05)
    clean.send_signal(signal.SIGINT)
    _, stderr = clean.communicate(timeout=60)
    assert clean.returncode == 130 and "Traceback" not in stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no partial files"
    resumed = ocrprep_cli("clean", pages, "-o", out, "--skip-existing")
    assert resumed.returncode == 0
    assert len(list(out.iterdir())) == 30
    done_before = int(resumed.stderr.split("skipped ")[1].split(",")[0])
    assert done_before > 0


def test_compare_interrupted_still_writes_its_report(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        save(folder / f"p{i:02d}.png", render_text(f"{i}", size=40))
    reads = tmp_path / "reads"  # the real Tesseract, with a line written per read: proof of progress
    counting = _fake_tesseract(tmp_path, f'echo read >> "{reads}"; exec tesseract "$@"')
    process = subprocess.Popen(
        [console_script(), "compare", folder, "--jobs", "1", "--json", tmp_path / "r.json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TESSERACT_CMD": counting},
    )  # fmt: skip
    deadline = time.monotonic() + 60  # until the first file is done, however loaded: it takes two
    while process.poll() is None and time.monotonic() < deadline:  # reads, three when doubtful
        if reads.exists() and len(reads.read_text().split()) >= 4:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted" in stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["interrupted"] is True and 0 < len(report["files"]) < 40


def test_hostile_file_names_and_values_run_no_command(ocrprep_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    save(folder / "$(touch pwned).png", render_text("12", size=40))
    save(folder / "; touch pwned2 ;.png", render_text("34", size=40))
    save(folder / "..png", render_text("56", size=40))
    result = ocrprep_cli(
        "ocr", folder, "-c", "tessedit_char_whitelist=0123456789;touch pwned3", "--psm", "7", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.rglob("pwned*"))
    out = tmp_path / "out"
    assert ocrprep_cli("clean", folder, "-o", out, cwd=tmp_path).returncode == 0
    assert all(p.parent == out for p in out.rglob("*"))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["$(touch pwned).png", "; touch pwned2 ;.png", "..png"]
    )


def test_inputs_sharing_a_stem_are_all_processed_under_their_whole_names(ocrprep_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    save(folder / "scan.png", render_text("111", size=40))
    Image.fromarray(render_text("222", size=40)).save(folder / "scan.pdf", resolution=300)
    save(folder / "other.png", render_text("333", size=40))
    out = tmp_path / "out"
    result = ocrprep_cli("clean", folder, "-o", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["other.png", "scan.pdf.png", "scan.png.png"]
    again = ocrprep_cli("clean", folder, "-o", out, "--skip-existing")
    assert "cleaned 0 page(s), skipped 3" in again.stderr
    texts = tmp_path / "texts"
    result = ocrprep_cli("ocr", folder, "--digits", "-o", texts)
    assert result.returncode == 0, result.stderr
    read = {p.name: p.read_text().strip() for p in texts.iterdir()}
    assert read == {"other.txt": "333", "scan.pdf.txt": "222", "scan.png.txt": "111"}


def test_one_name_in_two_folders_is_refused_not_overwritten(ocrprep_cli, tmp_path):
    for name, text in (("a", "111"), ("b", "222")):
        (tmp_path / name).mkdir()
        save(tmp_path / name / "scan.png", render_text(text, size=40))
    out = tmp_path / "out"
    result = ocrprep_cli("clean", tmp_path / "a", tmp_path / "b", "-o", out)
    assert result.returncode == 3
    assert (
        f"Error: {tmp_path / 'b' / 'scan.png'}: has the same name as {tmp_path / 'a' / 'scan.png'}"
        in result.stderr
    )
    assert [p.name for p in out.iterdir()] == ["scan.png"]


def test_links_out_of_an_input_folder_are_not_followed_unless_asked(ocrprep_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    save(folder / "inside.png", render_text("7", size=40))
    (folder / "etc.png").symlink_to("/etc/hostname")
    (folder / "sibling.png").symlink_to(folder / "inside.png")
    result = ocrprep_cli("ocr", folder)
    assert result.returncode == 0
    assert f"Warning: {folder / 'etc.png'}: link to a file outside {folder}, not followed" in result.stderr
    assert "==> " + str(folder / "sibling.png") in result.stdout
    followed = ocrprep_cli("ocr", folder, "--follow-symlinks")
    assert followed.returncode == 3 and _error_names(followed.stderr) == ["etc.png"]


@pytest.mark.parametrize("command", ["clean", "ocr"])
def test_a_worker_killed_mid_page_fails_that_page_alone_and_the_batch_goes_on(ocrprep_cli, tmp_path, command):
    """A real SIGKILL of a real worker (the plugin's stage kills its process on a black page)."""
    pages = tmp_path / "pages"
    texts = pages_with_a_killer(pages, 6, killer=3)
    out = tmp_path / "out"
    extra = ["-o", out] if command == "clean" else ["--clean"]
    result = ocrprep_cli(
        command, pages, *extra, "--jobs", "2", "--plugin", PLUGINS / "faulty_plugin.py",
        "--pipeline", KILLER_PIPELINE,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    errors = error_lines(result.stderr)
    assert errors == [
        f"Error: {pages / 'p3.png'}: the worker processing it stopped (signal 9); it may have run out "
        "of memory: try fewer --jobs or a lower --pdf-dpi"
    ]
    assert "Traceback" not in result.stderr and "BrokenProcessPool" not in result.stderr
    if command == "clean":
        assert sorted(p.name for p in out.iterdir()) == [f"p{i}.png" for i in (0, 1, 2, 4, 5)]
    else:
        assert [line for line in result.stdout.splitlines() if line.startswith("Page")] == texts


@pytest.mark.parametrize("stated", [1, 20_000])
def test_a_resolution_no_scan_has_is_taken_as_unknown_with_a_warning(ocrprep_cli, tmp_path, stated):
    path = save(tmp_path / "odd.png", render_text("4711", size=40), dpi=stated)
    result = ocrprep_cli("ocr", path, "--digits", "--verbose")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4711"
    assert f"Warning: {path}: states {stated} DPI, outside 50-4800; its resolution is taken as unknown" in (
        result.stderr.splitlines()
    )
    assert "dpi unknown" in result.stderr


def test_an_image_over_the_memory_budget_is_read_smaller_with_a_warning(ocrprep_cli, tmp_path):
    page = np.tile(render_text("4711", size=40), (3, 3))
    path, (height, width) = save(tmp_path / "big.png", page), page.shape
    budget = 24 * (width * height) // 4  # room for a quarter of the pixels
    result = ocrprep_cli("ocr", path, "--max-memory", str(budget), "--verbose")
    assert result.returncode == 0, result.stderr
    assert "4711" in result.stdout
    size = f"{int(width * 0.5)}x{int(height * 0.5)}"
    assert (
        f"Warning: {path}: {width}x{height} px is more than the memory budget allows (--max-memory); "
        f"read at {size} px"
    ) in result.stderr.splitlines()
    assert "dpi 150," in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_page_over_the_page_timeout_fails_alone(ocrprep_cli, tmp_path, jobs):
    pages = tmp_path / "pages"
    pages_with_a_killer(pages, 4, killer=1)  # the black page stalls for a minute under stall-on-black
    out = tmp_path / "out"
    start = time.monotonic()
    result = ocrprep_cli(
        "clean", pages, "-o", out, "--jobs", jobs, "--page-timeout", "3",
        "--plugin", PLUGINS / "faulty_plugin.py", "--pipeline", "stall-on-black | threshold(160)",
    )  # fmt: skip
    assert time.monotonic() - start < 40
    assert result.returncode == 3, result.stderr
    errors = error_lines(result.stderr)
    assert errors == [f"Error: {pages / 'p1.png'}: took longer than 3 s (--page-timeout); raise the limit"]
    assert sorted(p.name for p in out.iterdir()) == ["p0.png", "p2.png", "p3.png"]
