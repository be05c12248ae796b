"""Run work over every page of a batch, in order, here or in worker processes or on a Dask cluster.

The work for one page is a picklable object (see ``tasks.py`` and ``compare.CompareWork``) that
builds what it needs (the plugin host, the pipeline) once per process from plain ``Settings``. A
file that cannot be read, or a page whose work raises InputError, becomes a ``Failure`` and the
batch goes on; any other error (a missing engine, a bad pipeline) stops the batch.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from .errors import InputError, UsageError
from .images import PDF_DPI, Page, PageError, display_path, read_pages, remove_partial_outputs
from .pipeline import Pipeline
from .plugins import Host
from .types import RecognizeOptions, more_confident

if TYPE_CHECKING:  # the pool and the signals are imported where used: `ocrprep stages` needs neither
    from concurrent.futures import Future

BYTES_PER_PIXEL = 24
"""Working memory planned per pixel of a page. ``clean`` with the default pipeline peaks at about 9
times a gray page's bytes, decoding included (bench/README.md); the rest is room for a colour
file's decoded pixels (3 or 4 bytes each) and a PDF page's bitmap beside them."""
MEMORY_SHARE = 0.75
"""The part of the machine's memory a batch plans to use by default; the rest is the system's."""
T = TypeVar("T")
Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Failure:
    """An input (or one page of it) that could not be processed, and why."""

    path: str
    error: str

    def __str__(self) -> str:
        return f"{self.path}: {self.error}"


@dataclass(frozen=True)
class Settings:
    """What every worker needs to rebuild the host and the pipeline: plain, picklable values."""

    plugins: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    pipeline: str | None = None
    pipeline_file: Path | None = None
    options: RecognizeOptions = field(default_factory=RecognizeOptions)

    def host(self) -> Host:
        """The plugin host, built once per process."""
        return _host(self.plugins, self.disabled)

    def chain(self) -> Pipeline:
        """The cleanup pipeline, parsed once per process."""
        return _pipeline(self.plugins, self.disabled, self.pipeline, self.pipeline_file)


@functools.cache
def _host(plugins: tuple[str, ...], disabled: tuple[str, ...]) -> Host:
    return Host(plugins, disabled)


@functools.cache
def _pipeline(
    plugins: tuple[str, ...], disabled: tuple[str, ...], spec: str | None, file: Path | None
) -> Pipeline:
    return _host(plugins, disabled).pipeline(spec, file)


class PageTimeout(BaseException):
    """A page's time ran out. A BaseException, so that no stage's or engine's error handling
    turns it into that step's own failure."""


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise PageTimeout in this thread when ``seconds`` pass inside the block (a real-time timer).

    Only in a process's main thread, where signals are delivered: pool workers and a batch run here
    (``--jobs 1``). Python code is interrupted at once; a native call when it returns.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    import signal

    def expire(signum: int, frame: object) -> None:
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class FileWork(Generic[T]):
    """Apply a page's work to every page of one file; failures become values, so they can travel."""

    work: Callable[[Page], T]
    pdf_dpi: int = PDF_DPI
    max_pixels: int | None = None
    """The most pixels a page may have; larger ones are read smaller (see ``read_pages``)."""
    page_timeout: float | None = None
    """Seconds a page may take; a slower one fails alone (see :func:`_deadline`)."""
    pdf_password: str | None = None

    def __call__(self, path: Path) -> list[T | Failure]:
        outcomes: list[T | Failure] = []
        try:
            for page in read_pages(path, self.pdf_dpi, self.max_pixels, self.pdf_password):
                if isinstance(page, PageError):
                    outcomes.append(Failure(page.label, str(page)))
                    continue
                try:
                    with _deadline(self.page_timeout):
                        outcomes.append(self.work(page))
                except InputError as exc:
                    outcomes.append(Failure(page.label, str(exc)))
                except PageTimeout:
                    error = f"took longer than {self.page_timeout:g} s (--page-timeout); raise the limit"
                    outcomes.append(Failure(page.label, error))
        except InputError as exc:
            outcomes.append(Failure(display_path(path), str(exc)))
        return outcomes


@dataclass(frozen=True)
class Executor:
    """Where a batch runs: here (``jobs`` 1), in ``jobs`` local processes, or on a Dask scheduler."""

    jobs: int = 1
    scheduler: str | None = None
    """Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``; None runs locally."""
    pdf_dpi: int = PDF_DPI
    """Resolution PDF pages are rendered at."""
    max_memory: int | None = None
    """Bytes each worker may use for a page; None: the machine's memory shared by the workers."""
    page_timeout: float | None = None
    """Seconds a page may take; None: no limit."""
    pdf_password: str | None = None
    """The password that opens encrypted PDF inputs."""

    @property
    def max_pixels(self) -> int:
        """The most pixels a page may have to stay within ``max_memory`` (see ``BYTES_PER_PIXEL``)."""
        memory = self.max_memory or int(MEMORY_SHARE * physical_memory() / max(1, self.jobs))
        return max(1, memory // BYTES_PER_PIXEL)

    def map(
        self, func: Callable[[Item], Result], paths: list[Item], on_crash: Callable[[Item, str], Result]
    ) -> Iterator[Result]:
        """``func(item)`` for every path (or other picklable item), in input order as results arrive.

        A worker process that dies (killed, out of memory, a crash in a native library) costs only
        the item it was on: that item's result is ``on_crash(item, why)``, and the batch goes on.
        """
        if self.scheduler is not None:
            task = functools.partial(_in_child, func) if self.page_timeout else func
            yield from _dask_map(task, paths, self.scheduler, on_crash)
        elif self.jobs <= 1 or len(paths) <= 1:
            yield from map(func, paths)
        else:
            yield from _pool_map(func, paths, min(self.jobs, len(paths)), on_crash)


def _pool_map(
    func: Callable[[Item], Result], items: list[Item], jobs: int, on_crash: Callable[[Item, str], Result]
) -> Iterator[Result]:
    """``func`` over ``items`` in ``jobs`` processes, in order, surviving workers that die.

    When a worker dies, the pool breaks and every item it held is a suspect. Each suspect is then
    run alone in a fresh one-worker pool, so the one that kills its worker again is known and gets
    ``on_crash``; the rest go on in a new pool. At most ``jobs + 1`` items are in a pool at once, so
    a crash puts few items under suspicion.
    """
    results: dict[int, Result] = {}
    queue, suspects = deque(range(len(items))), deque[int]()
    emitted = 0
    while emitted < len(items):
        if suspects:
            index = suspects.popleft()
            finished: Iterable[tuple[int, Result]] = [(index, _alone(func, items[index], on_crash))]
        else:
            finished = _until_broken(func, items, queue, jobs, suspects)
        for index, result in finished:
            results[index] = result
            while emitted in results:
                yield results.pop(emitted)
                emitted += 1


def _until_broken(
    func: Callable[[Item], Result], items: list[Item], queue: deque[int], jobs: int, suspects: deque[int]
) -> Iterator[tuple[int, Result]]:
    """(index, result) as items of ``queue`` finish in a pool; when it breaks, the items it held
    go to ``suspects`` and this ends."""
    from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(jobs, initializer=_init_worker) as pool:
        running: dict[Future[Result], int] = {}
        try:
            while queue or running:
                while queue and len(running) <= jobs:
                    index = queue.popleft()
                    running[pool.submit(func, items[index])] = index
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    if isinstance(future.exception(), BrokenExecutor):
                        suspects.extend(sorted(running.values()))
                        return
                    index = running.pop(future)
                    yield index, future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _alone(func: Callable[[Item], Result], item: Item, on_crash: Callable[[Item, str], Result]) -> Result:
    """``func(item)`` in a worker of its own; ``on_crash(item, why)`` if that worker dies."""
    from concurrent.futures import BrokenExecutor, ProcessPoolExecutor

    with ProcessPoolExecutor(1, initializer=_init_worker) as pool:
        future = pool.submit(func, item)
        processes: dict[int, Any] = getattr(pool, "_processes", None) or {}  # to read how it ended
        workers = list(processes.values())
        try:
            return future.result()
        except BrokenExecutor:
            pass
    # Read after the pool has shut down: its manager thread reaps the dead worker.
    codes = [worker.exitcode for worker in workers if worker.exitcode]
    return on_crash(item, _stopped(codes[0] if codes else None))


class WorkerStopped(Exception):
    """The process running an item ended without its result; the message says how."""


def _in_child(func: Callable[[Item], Result], item: Item) -> Result:
    """``func(item)`` in a child process, in its main thread, where ``--page-timeout``'s timer reaches.

    Dask runs tasks in threads, which no signal reaches. The child is started by ``subprocess``, as a
    Dask worker process is a daemon, which ``multiprocessing`` allows no children. A child that
    dies raises WorkerStopped, and the Dask worker lives on.
    """
    import pickle
    import subprocess
    import sys

    child = "from ocrprep.batch import _child_main; _child_main()"
    done = subprocess.run(
        [sys.executable, "-c", child], input=pickle.dumps((func, item)), stdout=subprocess.PIPE
    )
    if done.returncode:
        raise WorkerStopped(_stopped(done.returncode))
    finished, value = pickle.loads(done.stdout)
    if not finished:
        raise value  # an error that stops the batch, as it would here
    result: Result = value
    return result


def _child_main() -> None:
    """Run the pickled ``(func, item)`` from standard input; ``(True, result)``, or ``(False, error)``
    for an error it raised, pickled to standard output. What the work prints goes to standard error."""
    import pickle
    import sys

    output, sys.stdout = sys.stdout.buffer, sys.stderr
    func, item = pickle.load(sys.stdin.buffer)
    try:
        outcome = (True, func(item))
    except Exception as error:
        outcome = (False, error)
    pickle.dump(outcome, output)


def _stopped(code: int | None) -> str:
    """Why a worker that ended with ``code`` (negative: a signal; None: unknown) gave no result."""
    how = "died" if code is None else f"signal {-code}" if code < 0 else f"exit {code}"
    return (f"the worker processing it stopped ({how}); it may have run out of memory: "
            "try fewer --jobs or a lower --pdf-dpi")  # fmt: skip


def _init_worker() -> None:
    """Workers leave Ctrl-C to the main process, which stops the batch and keeps what is done. A
    worker terminated (SIGTERM) because another one died removes its half-written output first."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)


def _stop_worker(signum: int, frame: object) -> None:
    remove_partial_outputs()
    os._exit(128 + signum)


def _dask_map(
    func: Callable[[Item], Result], paths: list[Item], scheduler: str, on_crash: Callable[[Item, str], Result]
) -> Iterator[Result]:
    """``func`` over ``paths`` on a Dask cluster, in order. Dask retries a task whose worker died
    on another worker; a task that kills every worker it is given fails with ``on_crash``."""
    try:
        from distributed import Client, KilledWorker
    except ImportError:
        raise UsageError("the dask executor needs the extra: pip install 'ocrprep[dask]'") from None
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        futures = client.map(func, paths, pure=False)
        try:
            for path, future in zip(paths, futures, strict=True):
                try:
                    yield future.result()
                except KilledWorker:
                    yield on_crash(path, "the Dask workers processing it stopped each time; it may need "
                                         "more memory than a worker has")  # fmt: skip
                except WorkerStopped as stopped:
                    yield on_crash(path, str(stopped))
        finally:
            client.cancel(futures)


def physical_memory() -> int:
    """The machine's memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def run_batch(
    paths: Iterable[Path],
    work: Callable[[Page], T],
    executor: Executor | None = None,
    on_failure: Callable[[Failure], None] = lambda _: None,
    on_file: Callable[[], None] = lambda: None,
) -> Iterator[T]:
    """Yield ``work(page)`` for every page of every file, in input order; ``on_file()`` after each file.

    Failures go to ``on_failure``; Ctrl-C ends the iteration early with KeyboardInterrupt.
    """
    executor = executor or Executor()

    def crashed(path: Path, why: str) -> list[T | Failure]:
        return [Failure(display_path(path), why)]

    file_work = FileWork(
        work, executor.pdf_dpi, executor.max_pixels, executor.page_timeout, executor.pdf_password
    )
    for outcomes in executor.map(file_work, list(paths), crashed):
        for outcome in outcomes:
            if isinstance(outcome, Failure):
                on_failure(outcome)
            else:
                yield outcome
        on_file()


class Read(Protocol):
    """Anything read with a mean confidence: a Recognition, or compare's scored Reading."""

    @property
    def confidence(self) -> float | None: ...


R = TypeVar("R", bound=Read)


def keep_read(cleaned: R, read_original: Callable[[], R], keep_better: bool = False) -> tuple[R, str]:
    """The read to keep of a cleaned page, and which it is (``cleaned`` or ``original``).

    The page as it is gets read (``read_original``) only with ``keep_better``, or when the cleaned
    read found no word at all: Tesseract's layout analysis gives up on a whole page for a small
    change (a stamp's ring cut where a line crossed it), and a blank page reads empty both ways.
    The more confident read wins; no words at all counts lowest.
    """
    if not (keep_better or cleaned.confidence is None):
        return cleaned, "cleaned"
    original = read_original()
    if more_confident(original.confidence, cleaned.confidence):
        return original, "original"
    return cleaned, "cleaned"
