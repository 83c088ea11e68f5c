"""How a run started by the ``jixiao`` command logs to the terminal (运行日志): one line per event.

Dagster's default console logger prints an error event with its whole stack trace. The command's
runs use :func:`one_line_console` instead: the first line of every message (a failed step says
which step failed), while the full event, stack included, stays in the run's event log (Dagster
UI, ``$DAGSTER_HOME``); the command then prints the cause of each failed step as one Chinese line
(orchestration/pipeline.py). ``dagster dev`` keeps Dagster's own console logger.
"""

from __future__ import annotations

import logging
import sys

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
    return logger


defs = dg.Definitions(loggers={"one_line_console": one_line_console})
