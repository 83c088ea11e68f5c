"""Data-quality checks (数据质量检查) on the landed (raw) and staging layers.

Checks follow the Kahn framework as OHDSI's Data Quality Dashboard does: **conformance**
(一致性/符合性), **completeness** (完整性) and **plausibility** (合理性); each has a severity
(``error`` blocks the period's bonus, ``warn`` only reports).

* :mod:`expectations.check`      the check model (GX expectation or SQL query)
* :mod:`expectations.suites`     the checks, one module per source system (+ cross-source)
* :mod:`expectations.registry`   all checks, looked up and filtered
* :mod:`expectations.gx_runner`  validates pandas batches with Great Expectations
* :mod:`expectations.sql_runner` runs SQL checks (cross-table, history, reconciliation)
* :mod:`expectations.runner`     ``run_checks``: one partition end to end
* :mod:`expectations.store`      the ``dq`` schema: results, failing records, daily metrics
* :mod:`expectations.data_docs`  a static HTML page of a run's results

Great Expectations is imported lazily (it takes seconds to import).
"""

from __future__ import annotations

from expectations.store import blocking_periods, ensure_dq_tables

__all__ = ["blocking_periods", "ensure_dq_tables", "run_checks"]


def run_checks(*args, **kwargs):
    """See :func:`expectations.runner.run_checks`."""
    from expectations.runner import run_checks as _run

    return _run(*args, **kwargs)
