"""Bonus workflow state (奖金核算流程状态): the tables the bonus layer's commands write.

Two schemas, written only by the ``jixiao bonus/close/reopen/allocation`` commands (never by dbt):

* ``bonus_ops``      period status, audit log, adjustments (复核), secondary-allocation versions,
                     lines and supplements (补录), period archives (one row per close).
* ``bonus_archive``  immutable copies of the bonus marts of closed periods (created at the first
                     close; dbt reads them when they exist, see macro ``jx_published``).

``ensure_bonus_tables(target)`` creates the ``bonus_ops`` tables (empty) on DuckDB or PostgreSQL;
the dbt asset calls it before every build, so the models can read them as sources.
"""

from .tables import (
    ARCHIVED_MARTS,
    BONUS_ARCHIVE_SCHEMA,
    BONUS_OPS_SCHEMA,
    OPS_TABLES,
    PERIOD_STATUSES,
    ensure_bonus_tables,
    period_status_in,
    period_statuses,
)

__all__ = [
    "ARCHIVED_MARTS",
    "BONUS_ARCHIVE_SCHEMA",
    "BONUS_OPS_SCHEMA",
    "OPS_TABLES",
    "PERIOD_STATUSES",
    "ensure_bonus_tables",
    "period_status_in",
    "period_statuses",
]
