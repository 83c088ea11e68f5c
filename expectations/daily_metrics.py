"""``dq.dq_daily_metrics``: per source table and day of the partition — rows, completion rate
(rows ÷ median of the same weekday over the trailing 8 weeks), null rate of the key columns,
and the number of anomalies (failing volume/day checks) on that day."""

from __future__ import annotations

from expectations.sql_runner import bind

# daily tables: (system, table) → (date column, key columns whose nulls are counted)
DAILY_TABLES = {
    ("his", "fy_sfmx"): ("sfsj", ("mxxh", "kdks", "zxks", "sfxmdm", "je")),
    ("his", "mz_ghjl"): ("ghsj", ("ghxh", "ksdm")),
    ("his", "cf_cfmx"): ("kfsj", ("cfmxxh", "ksdm", "ypdm")),
    ("his", "zy_rydj"): ("rysj", ("zyh", "ryks")),
    ("his", "ba_syjl"): ("cysj", ("zyh", "cyks", "zyzddm")),
    ("his", "ba_ssjl"): ("ssrq", ("ssjlid", "ssczdm")),
    ("beds", "nis_bed_census"): ("census_date", ("ward_code", "occupied_beds")),
}


def _sql(system: str, table: str, col: str, keys: tuple[str, ...]) -> str:
    nulls = " OR ".join(f"{k} IS NULL" for k in keys)
    t = f"raw_{system}.{table}"
    return f"""
        WITH counts AS (SELECT TRY_CAST(substr({col}, 1, 10) AS DATE) AS day, count(*) AS n,
                               count(*) FILTER (WHERE {nulls}) AS null_rows
                        FROM {t} GROUP BY 1),
             bounds AS (SELECT least(min(day), CAST($start AS DATE)) AS first_day FROM counts),
             spine AS (SELECT CAST(d AS DATE) AS day, coalesce(c.n, 0) AS n, coalesce(c.null_rows, 0) AS null_rows
                       FROM bounds, range(bounds.first_day, CAST($end AS DATE), INTERVAL 1 DAY) AS t(d)
                       LEFT JOIN counts AS c ON c.day = CAST(d AS DATE))
        SELECT s.day, s.n AS row_count,
               s.n / nullif((SELECT median(h.n) FROM spine h WHERE h.day < s.day AND h.day >= s.day - 56
                              AND dayofweek(h.day) = dayofweek(s.day)), 0) AS completion_rate,
               s.null_rows / nullif(s.n, 0) AS null_rate
        FROM spine s WHERE s.day >= CAST($start AS DATE) ORDER BY s.day"""


def daily_metrics(con, partition: str, params: dict, systems, run_id: str, anomalies: dict) -> list[dict]:
    """Rows for ``dq_daily_metrics``; ``anomalies`` maps (system, table, 'YYYY-MM-DD') → count."""
    rows = []
    for (system, table), (col, keys) in DAILY_TABLES.items():
        if systems and system not in systems:
            continue
        sql = _sql(system, table, col, keys)
        for day, n, rate, null_rate in con.execute(sql, bind(sql, params)).fetchall():
            rows.append(
                {
                    "run_id": run_id,
                    "partition": partition,
                    "source_system": system,
                    "table_name": table,
                    "day": day,
                    "row_count": n,
                    "completion_rate": rate,
                    "null_rate": null_rate,
                    "anomaly_count": anomalies.get((system, table, str(day)), 0),
                }
            )
    return rows
