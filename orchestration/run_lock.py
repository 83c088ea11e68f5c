"""One pipeline run at a time on a data folder (流水线运行锁).

DuckDB allows one writer process, and a Dagster run opens the warehouse step by step: two runs
started together would take the writer in turns and fail each other's steps half-way. Every run
the ``jixiao`` command starts (``jixiao run``, ``demo``, ``kpi run``, ``bonus run``) holds an
exclusive lock on ``$JIXIAO_DATA_DIR/.pipeline.lock`` for its whole length; a second one is refused
at once with who holds it and since when (exit code 3), before it touches the warehouse. The lock
is an OS file lock (``flock``): it goes with the process, so a killed run leaves nothing to clean.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

LOCK_NAME = ".pipeline.lock"


class PipelineBusy(RuntimeError):
    """Another pipeline run holds the data folder; the message is Chinese and names it."""


@contextmanager
def pipeline_lock(data_dir: Path, what: str) -> Iterator[None]:
    """Hold the data folder's run lock while the block runs; :class:`PipelineBusy` if taken."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "另一个进程"
            raise PipelineBusy(f"另一个流水线运行正在进行（{holder}），请等其结束后重试") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what}，进程 {os.getpid()}，开始于 {datetime.now():%Y-%m-%d %H:%M:%S}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
