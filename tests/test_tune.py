"""ocrprep tune: candidates, the held-out split, and a real search through the batch executor."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from ocrprep.batch import Executor, Settings
from ocrprep.metrics import TextOptions
from ocrprep.pipeline import parse_pipeline_file
from ocrprep.plugins import Host
from ocrprep.tune import candidates, split, tune
from ocrprep.types import RecognizeOptions

from .conftest import render_text, save

DIGITS = Settings(options=RecognizeOptions(digits=True))


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """Four speckled one-line numbers with ground truth."""
    folder = tmp_path_factory.mktemp("labelled")
    rng = np.random.default_rng(3)
    for i, text in enumerate(["314", "2718", "1618", "4669"]):
        image = render_text(text, size=44)
        image[rng.random(image.shape) < 0.02] = 0
        save(folder / f"n{i}.png", image)
        (folder / f"n{i}.gt.txt").write_text(text)
    return folder


def test_candidates_are_the_named_baselines_then_distinct_random_pipelines():
    picked = candidates(5, seed=1, known={"none", "classic"})
    assert picked[:2] == ["none", "classic"]
    assert len(set(picked)) == len(picked) == 7
    assert candidates(5, seed=1, known={"none", "classic"}) == picked
    host = Host()
    for spec in picked:
        host.pipeline(spec)


def test_split_keeps_search_and_held_out_files_apart(tmp_path):
    paths = [tmp_path / f"{i}.png" for i in range(10)]
    search, held = split(paths, 0.3, seed=0)
    assert len(held) == 3 and set(search) | set(held) == set(paths) and not set(search) & set(held)
    assert split(paths[:1], 0.3, seed=0) == (paths[:1], [])


def test_tune_writes_a_pipeline_file_that_compare_reads(ocrprep_cli, labelled, tmp_path):
    out = tmp_path / "best.toml"
    result = ocrprep_cli("tune", labelled, "--budget", "2", "--jobs", "2", "--digits", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "best: " in result.stdout and "held-out (1 file(s)): CER best" in result.stdout
    assert out.read_text().startswith("# ocrprep tune on")
    parse_pipeline_file(out, Host().stages)
    again = ocrprep_cli("compare", labelled, "--pipeline-file", out, "--digits")
    assert again.returncode == 0, again.stderr


@pytest.mark.filterwarnings("ignore")
def test_a_dask_cluster_finds_the_same_best_pipeline_and_scores_as_jobs_1(ocrprep_cli, labelled, tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is part of the dev install")
    local = ocrprep_cli(
        "tune", labelled, "--budget", "2", "--jobs", "1", "--digits", "-o", tmp_path / "a.toml"
    )
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        dask = ocrprep_cli(
            "tune", labelled, "--budget", "2", "--scheduler", address, "--digits", "-o", tmp_path / "b.toml"
        )
    assert local.returncode == dask.returncode == 0, dask.stderr
    assert local.stdout.splitlines()[:-1] == dask.stdout.splitlines()[:-1]  # the table, best, held-out
    assert (tmp_path / "a.toml").read_text() == (tmp_path / "b.toml").read_text()


def test_every_file_is_read_once_so_the_progress_total_is_the_file_count(labelled, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    paths = [*sorted(labelled.glob("*.png"))[:2], bad]
    files_done, failures = [], []
    result = tune(
        paths,
        DIGITS,
        TextOptions(),
        budget=1,
        on_file=lambda: files_done.append(1),
        on_failure=failures.append,
    )
    assert len(files_done) == len(paths) == result.search_files + result.held_out_files
    assert [f.path for f in failures] == [str(bad)]
    assert all(score.pages == 1 for score in result.search.values())


def test_pdf_pages_are_rendered_at_the_executors_pdf_dpi(tmp_path):
    Image.fromarray(render_text("4711", size=40)).save(tmp_path / "doc.pdf", resolution=300)
    (tmp_path / "doc.gt.txt").write_text("4711")
    cer = {}
    for dpi in (300, 36):
        result = tune([tmp_path / "doc.pdf"], DIGITS, TextOptions(), budget=1, executor=Executor(pdf_dpi=dpi))
        cer[dpi] = result.search[result.best].cer
    assert cer[300] == 0 and cer[36] > 0.5
