"""Formatted Excel reports (经营分析报表, 绩效报表) read from the warehouse marts.

* :mod:`orchestration.reports.business` — 经营分析报表 (``jixiao report business``)
* :mod:`orchestration.reports.performance` — 绩效报表 (``jixiao report performance``)
* :mod:`orchestration.reports.common` — periods, the read-only warehouse, the shared print layout

The CLI is orchestration/cli_report.py. Each module's docstring names the marts every sheet reads.
"""

from orchestration.reports.common import ReportError

__all__ = ["ReportError"]
