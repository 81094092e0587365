"""Reading every DICOM file under a folder into one ``Tally``, on every core.

The files are found without following links or opening pipes, cut into chunks, and read
by worker processes (``scan.read_chunk``, headers only); their tallies are merged here.
``registry dicom scan`` (``command``) turns the tally into a draft (``draft``,
``template``) and a report (``report``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from pathlib import Path

from registry.dicom.scan import read_chunk
from registry.dicom.tally import Tally

# Starting the worker pool costs about 0.7 s (the forkserver imports pydicom and the main
# module once); one process reads about 3,000 files a second. Below this many files, one
# process is done before two would be.
POOL_THRESHOLD = 4000


def files_under(folder: Path) -> list[str]:
    """Every regular file under ``folder`` and its sub-folders, sorted.

    Links to folders are not followed (no loops); pipes and devices are left out (opening
    one would block); a folder that cannot be listed is passed over, like ``os.walk``.
    """
    found, folders = [], [str(folder)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.is_file():
                        found.append(entry.path)
        except OSError:
            continue
    return sorted(found)


def chunks(paths: list[str], workers: int) -> Iterator[list[str]]:
    """Split the files so each worker gets several chunks (even load, a moving progress bar)."""
    size = max(16, min(512, -(-len(paths) // (workers * 8))))
    return (paths[i : i + size] for i in range(0, len(paths), size))


def _context() -> BaseContext:
    """Start workers from a server that has the reader (and pydicom) imported already.

    forkserver rather than fork: a worker is not a copy of a parent that may run threads
    (the progress bar's monitor). The main module is preloaded too, or each worker would
    import it again. Where there is no forkserver (Windows), spawn.
    """
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload(["__main__", "registry.dicom.scan"])
    return context


def cores() -> int:
    """The number of cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def scan_files(
    paths: list[str],
    root: Path,
    workers: int | None = None,
    advance: Callable[[int], object] = lambda n: None,
) -> Tally:
    """Read the files' headers, on ``workers`` processes (all cores for a large folder)."""
    key = os.urandom(16)  # a fresh key per scan: digests mean nothing outside it
    if workers is None:
        workers = cores() if len(paths) >= POOL_THRESHOLD else 1
    tally = Tally(key)
    if workers == 1:
        for chunk in chunks(paths, 1):
            tally.merge(read_chunk(chunk, key, str(root)))
            advance(len(chunk))
        return tally
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        futures = {
            pool.submit(read_chunk, chunk, key, str(root)): len(chunk)
            for chunk in chunks(paths, workers)
        }
        for future in as_completed(futures):
            tally.merge(future.result())
            advance(futures[future])
    return tally


def scan(folder: Path, workers: int | None = None) -> Tally:
    """Read every file under ``folder`` (the use case without a progress bar)."""
    return scan_files(files_under(folder), folder, workers)
