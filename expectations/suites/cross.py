"""Cross-source checks: reconciliation (对账) between HIS, finance and HR."""

from __future__ import annotations

from expectations.factories import sql_check


def _perf(alias: str, system: str, code: str, on_date: str) -> str:
    return (
        f"LEFT JOIN seeds.dept_code_map AS {alias} ON {alias}.source_system = '{system}' "
        f"AND {alias}.source_dept_code = {code} AND {alias}.effective_from <= {on_date} "
        f"AND ({alias}.effective_to IS NULL OR {alias}.effective_to >= {on_date})"
    )


CHECKS = [
    sql_check(
        "recon_his_finance_revenue",
        "HIS收入与财务收入对账（科室×月）",
        "plausibility",
        "error",
        "raw",
        "his",
        "fy_sfmx",
        "|差额| ≤ max(1元, 0.1%)",
        "对账: per performance department and month, HIS charge-line revenue (Σ JE by ordering "
        "department) equals the finance ledger's medical revenue (Σ credit − debit on accounts 6001*, "
        "gl_accass by department) within max(1 yuan, 0.1 % of the finance figure). Lines without a "
        "mappable department show under an empty department.",
        f"""
        WITH his AS (
            SELECT m.perf_dept_code, sum(TRY_CAST(f.je AS DOUBLE)) AS his_revenue
            FROM raw_his.fy_sfmx AS f
            {_perf("m", "his", "f.kdks", "CAST($start AS DATE)")}
            WHERE f._partition = $partition GROUP BY 1),
        fin AS (
            SELECT m.perf_dept_code, sum(TRY_CAST(a.mc AS DOUBLE) - TRY_CAST(a.md AS DOUBLE)) AS finance_revenue
            FROM raw_finance.gl_accass AS a
            {_perf("m", "finance", "a.cdept_id", "CAST($start AS DATE)")}
            WHERE a._partition = $partition AND a.ccode LIKE '6001%' GROUP BY 1)
        SELECT coalesce(his.perf_dept_code, fin.perf_dept_code) AS perf_dept_code, $partition AS period,
               round(coalesce(his.his_revenue, 0), 2) AS his_revenue,
               round(coalesce(fin.finance_revenue, 0), 2) AS finance_revenue,
               round(coalesce(his.his_revenue, 0) - coalesce(fin.finance_revenue, 0), 2) AS difference
        FROM his FULL OUTER JOIN fin ON his.perf_dept_code IS NOT DISTINCT FROM fin.perf_dept_code
        WHERE abs(coalesce(his.his_revenue, 0) - coalesce(fin.finance_revenue, 0))
              > greatest(1.0, 0.001 * abs(coalesce(fin.finance_revenue, 0)))
        ORDER BY abs(coalesce(his.his_revenue, 0) - coalesce(fin.finance_revenue, 0)) DESC""",
        ["perf_dept_code", "period"],
        subcategory="reconciliation",
    ),
    sql_check(
        "recon_hr_his_headcount",
        "人事与HIS科室人数一致",
        "plausibility",
        "warn",
        "raw",
        "hr",
        "t_hr_person",
        "|差| ≤ max(2, 20%)",
        "对账: active staff per performance department in HR (t_hr_person by org) vs the HIS staff "
        "dictionary (GY_ZGXX, not disabled, by department) within max(2 people, 20 %).",
        f"""
        WITH hr AS (
            SELECT m.perf_dept_code, count(*) AS hr_staff FROM raw_hr.t_hr_person AS p
            {_perf("m", "hr", "p.forgnumber", "CAST($start AS DATE)")}
            WHERE p._partition = '_all'
              AND (p.fleavedate IS NULL OR TRY_CAST(p.fleavedate AS DATE) >= CAST($start AS DATE))
              AND (p.fhiredate IS NULL OR TRY_CAST(p.fhiredate AS DATE) < CAST($end AS DATE))
              AND m.perf_dept_code IS NOT NULL
            GROUP BY 1),
        his AS (
            SELECT m.perf_dept_code, count(*) AS his_staff FROM raw_his.gy_zgxx AS z
            {_perf("m", "his", "z.ksdm", "CAST($start AS DATE)")}
            WHERE z._partition = '_all' AND coalesce(z.tybz, '0') = '0' AND m.perf_dept_code IS NOT NULL
            GROUP BY 1)
        SELECT coalesce(hr.perf_dept_code, his.perf_dept_code) AS perf_dept_code,
               coalesce(hr.hr_staff, 0) AS hr_staff, coalesce(his.his_staff, 0) AS his_staff
        FROM hr FULL OUTER JOIN his ON hr.perf_dept_code = his.perf_dept_code
        WHERE abs(coalesce(hr.hr_staff, 0) - coalesce(his.his_staff, 0))
              > greatest(2, 0.2 * coalesce(hr.hr_staff, 0))""",
        ["perf_dept_code"],
        subcategory="reconciliation",
    ),
]
