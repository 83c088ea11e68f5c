"""Shorthand constructors for the checks the suites declare over and over."""

from __future__ import annotations

from expectations.check import Check, GxSpec


def gx_check(
    check_id,
    name_zh,
    category,
    severity,
    layer,
    system,
    table,
    threshold,
    description,
    expectation,
    subcategory="",
    **kwargs,
) -> Check:
    """A GX check; ``kwargs`` are the expectation's arguments (a callable ``partition -> dict``
    may be passed as ``arguments=``)."""
    args = kwargs.pop("arguments", None) or kwargs
    return Check(
        check_id,
        name_zh,
        category,
        severity,
        "raw" if layer is None else layer,
        system,
        table,
        threshold,
        description,
        subcategory=subcategory,
        gx=GxSpec(expectation, args),
    )


def sql_check(
    check_id,
    name_zh,
    category,
    severity,
    layer,
    system,
    table,
    threshold,
    description,
    sql,
    keys,
    subcategory="",
    max_failing=0,
) -> Check:
    """A SQL check: ``sql`` returns the failing rows, ``keys`` name their source key columns."""
    return Check(
        check_id,
        name_zh,
        category,
        severity,
        layer,
        system,
        table,
        threshold,
        description,
        subcategory=subcategory,
        sql=sql,
        key_columns=tuple(keys),
        max_failing=max_failing,
    )


def days_present_sql(schema_table: str, ts_column: str, extra_group: str | None = None) -> str:
    """Days of the partition month without a single row (by the table's date column)."""
    return f"""
        WITH days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($start AS DATE), CAST($end AS DATE),
                      INTERVAL 1 DAY) AS t(d)),
             seen AS (SELECT DISTINCT TRY_CAST(substr({ts_column}, 1, 10) AS DATE) AS day FROM {schema_table}
                      WHERE _partition = $partition)
        SELECT CAST(days.day AS VARCHAR) AS day, 0 AS row_count FROM days
        WHERE days.day NOT IN (SELECT day FROM seen WHERE day IS NOT NULL) ORDER BY 1"""


def daily_counts_cte(schema_table: str, ts_column: str) -> str:
    """CTE ``spine(day, n)``: rows per day over all landed partitions up to the partition's end,
    zero-filled between the first landed day and the end of the partition."""
    return f"""
        counts AS (SELECT TRY_CAST(substr({ts_column}, 1, 10) AS DATE) AS day, count(*) AS n
                   FROM {schema_table} GROUP BY 1),
        bounds AS (SELECT min(day) AS first_day FROM counts WHERE day IS NOT NULL),
        spine AS (SELECT CAST(d AS DATE) AS day, coalesce(c.n, 0) AS n
                  FROM bounds, range(bounds.first_day, CAST($end AS DATE), INTERVAL 1 DAY) AS t(d)
                  LEFT JOIN counts AS c ON c.day = CAST(d AS DATE))"""


def volume_zscore_sql(
    schema_table: str, ts_column: str, z: float = 3.0, window_days: int = 56, min_training_days: int = 14
) -> str:
    """Days whose row count is more than ``z`` standard deviations from the mean of the same
    weekday over the trailing ``window_days`` (needs ≥ ``min_training_days`` days of history;
    the deviation is floored at √mean, the Poisson noise, so tiny volumes do not alarm)."""
    return f"""
        WITH {daily_counts_cte(schema_table, ts_column)},
        scored AS (
            SELECT s.day, s.n,
                   (SELECT count(*) FROM spine h WHERE h.day < s.day AND h.day >= s.day - {window_days}) AS training_days,
                   (SELECT avg(h.n) FROM spine h WHERE h.day < s.day AND h.day >= s.day - {window_days}
                        AND dayofweek(h.day) = dayofweek(s.day)) AS mu,
                   (SELECT stddev_samp(h.n) FROM spine h WHERE h.day < s.day AND h.day >= s.day - {window_days}
                        AND dayofweek(h.day) = dayofweek(s.day)) AS sd
            FROM spine s WHERE s.day >= CAST($start AS DATE))
        SELECT CAST(day AS VARCHAR) AS day, n AS row_count, round(mu, 1) AS expected,
               round((n - mu) / greatest(coalesce(sd, 0), sqrt(greatest(mu, 1))), 2) AS z
        FROM scored
        WHERE training_days >= {min_training_days} AND mu IS NOT NULL
          AND abs((n - mu) / greatest(coalesce(sd, 0), sqrt(greatest(mu, 1)))) > {z}
        ORDER BY day"""


def row_band_sql(schema_table: str, ts_column: str, low: float = 0.5, high: float = 2.0) -> str:
    """Days whose row count lies outside [low, high] × the median of the same weekday over the
    trailing 8 weeks (needs ≥ 3 earlier same-weekday days)."""
    return f"""
        WITH {daily_counts_cte(schema_table, ts_column)},
        banded AS (
            SELECT s.day, s.n,
                   (SELECT median(h.n) FROM spine h WHERE h.day < s.day AND h.day >= s.day - 56
                        AND dayofweek(h.day) = dayofweek(s.day)) AS med,
                   (SELECT count(*) FROM spine h WHERE h.day < s.day AND h.day >= s.day - 56
                        AND dayofweek(h.day) = dayofweek(s.day)) AS k
            FROM spine s WHERE s.day >= CAST($start AS DATE))
        SELECT CAST(day AS VARCHAR) AS day, n AS row_count, med AS expected_median
        FROM banded WHERE k >= 3 AND (n < {low} * med OR n > {high} * med) ORDER BY day"""


def dept_mapped_sql(schema_table: str, key: str, dept_column: str, source_system: str, date_expr: str) -> str:
    """Rows whose department code has no mapping in ``seeds.dept_code_map`` in force on the row's date."""
    return f"""
        SELECT r.{key}, r.{dept_column} AS dept_code, {date_expr} AS on_date
        FROM {schema_table} AS r
        WHERE r._partition = $partition AND r.{dept_column} IS NOT NULL
          AND NOT EXISTS (
              SELECT 1 FROM seeds.dept_code_map AS m
              WHERE m.source_system = '{source_system}' AND m.source_dept_code = r.{dept_column}
                AND m.effective_from <= {date_expr}
                AND (m.effective_to IS NULL OR m.effective_to >= {date_expr}))"""
