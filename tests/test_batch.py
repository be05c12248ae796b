"""Batches: the same results in input order whether run here, in worker processes or on Dask."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from ocrprep.batch import Executor, Failure, FileWork
from ocrprep.errors import InputError

from .conftest import KILLER_PIPELINE, PLUGINS, error_lines, pages_with_a_killer, render_text, save


@pytest.fixture(scope="module")
def forty_scans(tmp_path_factory):
    """40 speckled one-line scans with ground truth, and one corrupt file in the middle."""
    folder = tmp_path_factory.mktemp("forty")
    rng = np.random.default_rng(7)

    for i in range(40):
        text = f"{rng.integers(10, 99999)}.{rng.integers(10, 99)}"
        image = render_text(text, size=36)
        image[rng.random(image.shape) < 0.004] = 0
        save(folder / f"scan_{i:02d}.png", image)
        (folder / f"scan_{i:02d}.gt.txt").write_text(text)
    (folder / "scan_20b.png").write_bytes(b"not a png")
    return folder


def _files_and_errors(result, path):
    report = json.loads(path.read_text())
    return (
        [(f["path"], f["before"], f["after"]) for f in report["files"]],
        report["errors"],
        result.returncode,
    )


def test_jobs_1_and_2_give_identical_results_in_input_order(ocrprep_cli, forty_scans, tmp_path):
    runs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.json"
        result = ocrprep_cli("compare", forty_scans, "--digits", "--jobs", jobs, "--json", out)
        runs.append(_files_and_errors(result, out))
    assert runs[0] == runs[1]
    files, errors, code = runs[0]
    assert (
        code == 3 and len(files) == 40 and [e["path"] for e in errors] == [str(forty_scans / "scan_20b.png")]
    )
    assert [f[0] for f in files] == sorted(f[0] for f in files)


@pytest.mark.filterwarnings("ignore")
def test_a_dask_cluster_gives_the_same_results(ocrprep_cli, forty_scans, tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is part of the dev install")
    local = tmp_path / "local.json"
    ocrprep_cli("compare", forty_scans, "--digits", "--jobs", "1", "--json", local)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        out = tmp_path / "dask.json"
        result = ocrprep_cli(
            "compare", forty_scans, "--digits", "--scheduler", cluster.scheduler_address, "--json", out
        )
    assert _files_and_errors(result, out) == _files_and_errors(result, local)


def test_unreachable_scheduler_is_a_usage_error(ocrprep_cli, forty_scans):
    result = ocrprep_cli("ocr", forty_scans / "scan_00.png", "--scheduler", "tcp://127.0.0.1:9")
    assert (
        result.returncode == 2
        and "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    )


def test_file_work_turns_a_bad_file_and_a_failing_page_into_failures(forty_scans):
    def work(page):
        raise InputError("nope")

    assert FileWork(work)(forty_scans / "scan_00.png") == [Failure(str(forty_scans / "scan_00.png"), "nope")]
    (bad,) = FileWork(work)(forty_scans / "scan_20b.png")
    assert isinstance(bad, Failure) and "cannot read as an image" in bad.error
    paths = sorted(forty_scans.glob("*.png"))[:5]
    assert list(Executor(jobs=2).map(str, paths, lambda path, why: why)) == [str(p) for p in paths]


STALL_PIPELINE = "stall-on-black | threshold(160)"
"""With plugins/faulty_plugin.py: a pipeline that takes a minute over an all-black page."""
KILLED_WORKERS = "the Dask workers processing it stopped each time; it may need more memory than a worker has"
KILLED_CHILD = (
    "the worker processing it stopped (signal 9); it may have run out of memory: try fewer --jobs or a "
    "lower --pdf-dpi"
)
TIMED_OUT = "took longer than 3 s (--page-timeout); raise the limit"


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(
    ("pipeline", "timeout", "error"),
    [
        (KILLER_PIPELINE, None, KILLED_WORKERS),
        (KILLER_PIPELINE, "60", KILLED_CHILD),
        (STALL_PIPELINE, "3", TIMED_OUT),
    ],
    ids=["killed-workers", "killed-child", "timed-out"],
)
def test_on_a_dask_cluster_a_page_that_kills_or_stalls_its_worker_fails_alone(
    ocrprep_cli, tmp_path, pipeline, timeout, error
):
    """Without --page-timeout Dask retries a killed worker's task; with it, each file runs in a child
    process of the worker, whose timer stops a slow page and whose death costs only its file."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is part of the dev install")
    pages = tmp_path / "pages"
    pages_with_a_killer(pages, 4, killer=2)
    limit = ["--page-timeout", timeout] if timeout else []
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        start = time.monotonic()
        result = ocrprep_cli(
            "clean", pages, "-o", tmp_path / "out", "--scheduler", cluster.scheduler_address, *limit,
            "--plugin", PLUGINS / "faulty_plugin.py", "--pipeline", pipeline,
        )  # fmt: skip
        took = time.monotonic() - start
    assert took < 40 and result.returncode == 3, result.stderr
    assert error_lines(result.stderr) == [f"Error: {pages / 'p2.png'}: {error}"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p0.png", "p1.png", "p3.png"]
