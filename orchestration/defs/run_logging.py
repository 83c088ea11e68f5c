"""How a run started by the ``jixiao`` command logs to the terminal (运行日志): one line per event.

Dagster's default console logger prints an error event with its whole stack trace. The command's
runs use :func:`one_line_console` instead: the first line of every message (a failed step says
which step failed), while the full event, stack included, stays in the run's event log (Dagster
UI, ``$DAGSTER_HOME``); the command then prints the cause of each failed step as one Chinese line
(orchestration/pipeline.py). Every event, whole, also goes to the run's own log file
``$JIXIAO_DATA_DIR/logs/runs/<run_id>.log``. ``dagster dev`` keeps Dagster's own console logger.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import dagster as dg


class _FirstLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        first = text.strip().splitlines()
        return first[0] if first else ""


@dg.logger(
    config_schema={"log_level": dg.Field(str, is_required=False, default_value="INFO")},
    description="One line per event, no stack traces (runs of the jixiao command).",
)
def one_line_console(init_context: dg.InitLoggerContext) -> logging.Logger:
    level = logging.getLevelName(str(init_context.logger_config["log_level"]).upper())
    logger = logging.Logger("jixiao_run", level=level if isinstance(level, int) else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_FirstLine("%(asctime)s - dagster - %(levelname)s - %(message)s"))
    logger.addHandler(handler)
    path = _run_log_path(init_context.run_id)
    if path is not None:  # the whole event, stack traces included, in the run's own log file
        file_handler = logging.FileHandler(path, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s - %(levelname)s - %(message)s"))
        logger.addHandler(file_handler)
    return logger


def _run_log_path(run_id: str | None) -> Path | None:
    """``$JIXIAO_DATA_DIR/logs/runs/<run_id>.log`` (mode 600), or None where it cannot be written."""
    if not run_id:
        return None
    from orchestration import settings

    try:
        folder = settings.data_dir() / "logs" / "runs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run_id}.log"
        path.touch(mode=0o600)
        return path
    except OSError:
        return None


defs = dg.Definitions(loggers={"one_line_console": one_line_console})
