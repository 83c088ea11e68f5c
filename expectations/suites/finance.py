"""Finance 财务总账: departmental and account ledgers."""

from __future__ import annotations

from expectations.check import Frame
from expectations.factories import dept_mapped_sql, gx_check, sql_check

S = "finance"
_YM = "CAST($partition AS VARCHAR)"

FRAMES = [
    Frame(
        "raw",
        S,
        "gl_accass",
        """
        SELECT i_id, ccode, cdept_id, TRY_CAST(md AS DOUBLE) AS md, TRY_CAST(mc AS DOUBLE) AS mc,
               iyear || '-' || lpad(iperiod, 2, '0') AS ym
        FROM raw_finance.gl_accass WHERE _partition = $partition""",
        ("i_id",),
    ),
    Frame(
        "raw",
        S,
        "gl_accsum",
        """
        SELECT i_id, ccode, TRY_CAST(mb AS DOUBLE) AS mb, TRY_CAST(me AS DOUBLE) AS me,
               iyear || '-' || lpad(iperiod, 2, '0') AS ym
        FROM raw_finance.gl_accsum WHERE _partition = $partition""",
        ("i_id",),
    ),
]

_PERIOD = {"arguments": lambda p: {"column": "ym", "value_set": [p]}}

CHECKS = [
    gx_check(
        "fin_accass_unique",
        "部门辅助账行号唯一",
        "plausibility",
        "error",
        "raw",
        S,
        "gl_accass",
        "重复数 = 0",
        "I_ID unique.",
        "ExpectColumnValuesToBeUnique",
        subcategory="uniqueness",
        column="i_id",
    ),
    gx_check(
        "fin_accsum_unique",
        "科目总账行号唯一",
        "plausibility",
        "error",
        "raw",
        S,
        "gl_accsum",
        "重复数 = 0",
        "I_ID unique.",
        "ExpectColumnValuesToBeUnique",
        subcategory="uniqueness",
        column="i_id",
    ),
    gx_check(
        "fin_accass_amount_not_null",
        "辅助账借贷金额非空",
        "completeness",
        "error",
        "raw",
        S,
        "gl_accass",
        "空值率 = 0",
        "MC (credit) parses as a number.",
        "ExpectColumnValuesToNotBeNull",
        column="mc",
    ),
    gx_check(
        "fin_accass_dept_not_null",
        "辅助账部门非空",
        "completeness",
        "error",
        "raw",
        S,
        "gl_accass",
        "空值率 = 0",
        "CDEPT_ID is required for departmental revenue.",
        "ExpectColumnValuesToNotBeNull",
        column="cdept_id",
    ),
    gx_check(
        "fin_accass_period",
        "辅助账会计期间属于本分区",
        "conformance",
        "error",
        "raw",
        S,
        "gl_accass",
        "期间 = 分区",
        "IYEAR/IPERIOD equal the partition month.",
        "ExpectColumnValuesToBeInSet",
        **_PERIOD,
    ),
    gx_check(
        "fin_accass_ccode_format",
        "会计科目编码格式有效",
        "conformance",
        "error",
        "raw",
        S,
        "gl_accass",
        "正则 ^[0-9]{4,12}$",
        "CCODE is 4–12 digits.",
        "ExpectColumnValuesToMatchRegex",
        column="ccode",
        regex=r"^[0-9]{4,12}$",
    ),
    sql_check(
        "fin_accass_ccode_known",
        "辅助账科目在科目表中",
        "conformance",
        "error",
        "raw",
        S,
        "gl_accass",
        "未知科目行数 = 0",
        "CCODE exists in the chart of accounts (code).",
        """
        SELECT a.i_id, a.ccode FROM raw_finance.gl_accass AS a
        WHERE a._partition = $partition AND a.ccode NOT IN (SELECT ccode FROM raw_finance.code)""",
        ["i_id"],
        subcategory="relational",
    ),
    sql_check(
        "fin_accass_dept_mapped",
        "财务部门已对照绩效科室",
        "conformance",
        "error",
        "raw",
        S,
        "gl_accass",
        "未对照行数 = 0",
        "CDEPT_ID maps to a performance department in force in the period.",
        dept_mapped_sql(
            "raw_finance.gl_accass",
            "i_id",
            "cdept_id",
            "finance",
            "make_date(TRY_CAST(r.iyear AS INTEGER), TRY_CAST(r.iperiod AS INTEGER), 1)",
        ),
        ["i_id"],
        subcategory="relational",
    ),
    sql_check(
        "fin_accsum_balance_identity",
        "科目余额勾稽（期初±发生=期末）",
        "plausibility",
        "error",
        "raw",
        S,
        "gl_accsum",
        "|差额| ≤ 0.01",
        "勾稽: closing = opening + debit − credit (debit-normal) or "
        "opening − debit + credit (credit-normal).",
        """
        SELECT i_id, ccode, mb, md, mc, me FROM (
            SELECT i_id, ccode, TRY_CAST(mb AS DOUBLE) AS mb, TRY_CAST(md AS DOUBLE) AS md,
                   TRY_CAST(mc AS DOUBLE) AS mc, TRY_CAST(me AS DOUBLE) AS me
            FROM raw_finance.gl_accsum WHERE _partition = $partition)
        WHERE abs(mb + md - mc - me) > 0.01 AND abs(mb - md + mc - me) > 0.01""",
        ["i_id"],
        subcategory="accounting_identity",
    ),
    sql_check(
        "fin_detail_equals_summary",
        "辅助账合计=科目总账发生额",
        "plausibility",
        "error",
        "raw",
        S,
        "gl_accsum",
        "|差额| ≤ 0.01",
        "勾稽: per account, the departmental ledger's debits and credits sum "
        "to the account ledger's (category totals equal the overall total).",
        """
        WITH d AS (SELECT ccode, sum(TRY_CAST(md AS DOUBLE)) AS md, sum(TRY_CAST(mc AS DOUBLE)) AS mc
                   FROM raw_finance.gl_accass WHERE _partition = $partition GROUP BY 1)
        SELECT s.i_id, s.ccode, round(d.md, 2) AS detail_debit, TRY_CAST(s.md AS DOUBLE) AS summary_debit,
               round(d.mc, 2) AS detail_credit, TRY_CAST(s.mc AS DOUBLE) AS summary_credit
        FROM raw_finance.gl_accsum AS s JOIN d ON d.ccode = s.ccode
        WHERE s._partition = $partition
          AND (abs(d.md - TRY_CAST(s.md AS DOUBLE)) > 0.01 OR abs(d.mc - TRY_CAST(s.mc AS DOUBLE)) > 0.01)""",
        ["i_id"],
        subcategory="accounting_identity",
    ),
]
