"""Cost accounting 成本核算: departmental costs per period (KJQJ)."""

from __future__ import annotations

from expectations.check import Frame
from expectations.factories import dept_mapped_sql, gx_check, sql_check

S = "cost"

FRAMES = [
    Frame(
        "raw",
        S,
        "cb_kscb",
        """
        SELECT id, kjqj, cbksdm, cbxmdm, TRY_CAST(zjcb AS DOUBLE) AS zjcb
        FROM raw_cost.cb_kscb WHERE _partition = $partition""",
        ("id",),
    ),
]

CHECKS = [
    gx_check(
        "cost_kscb_unique",
        "科室成本行号唯一",
        "plausibility",
        "error",
        "raw",
        S,
        "cb_kscb",
        "重复数 = 0",
        "ID unique.",
        "ExpectColumnValuesToBeUnique",
        subcategory="uniqueness",
        column="id",
    ),
    gx_check(
        "cost_kscb_period",
        "成本会计期间属于本分区",
        "conformance",
        "error",
        "raw",
        S,
        "cb_kscb",
        "KJQJ = 分区",
        "KJQJ (YYYYMM) equals the partition.",
        "ExpectColumnValuesToBeInSet",
        arguments=lambda p: {"column": "kjqj", "value_set": [p.replace("-", "")]},
    ),
    gx_check(
        "cost_kscb_direct_nonneg",
        "直接成本非负",
        "plausibility",
        "warn",
        "raw",
        S,
        "cb_kscb",
        "ZJCB ≥ 0",
        "Direct cost is not negative.",
        "ExpectColumnValuesToBeBetween",
        subcategory="atemporal",
        column="zjcb",
        min_value=0,
    ),
    gx_check(
        "cost_kscb_direct_not_null",
        "直接成本非空",
        "completeness",
        "error",
        "raw",
        S,
        "cb_kscb",
        "空值率 = 0",
        "ZJCB parses as a number.",
        "ExpectColumnValuesToNotBeNull",
        column="zjcb",
    ),
    sql_check(
        "cost_kscb_dept_mapped",
        "成本科室已对照绩效科室",
        "conformance",
        "error",
        "raw",
        S,
        "cb_kscb",
        "未对照行数 = 0",
        "CBKSDM maps to a performance department in force in the period.",
        dept_mapped_sql(
            "raw_cost.cb_kscb", "id", "cbksdm", "cost", "TRY_CAST(strptime(r.kjqj || '01', '%Y%m%d') AS DATE)"
        ),
        ["id"],
        subcategory="relational",
    ),
    sql_check(
        "cost_kscb_item_known",
        "成本项目在成本项目字典中",
        "conformance",
        "error",
        "raw",
        S,
        "cb_kscb",
        "未知项目行数 = 0",
        "CBXMDM exists in CB_CBXM.",
        """
        SELECT k.id, k.cbxmdm FROM raw_cost.cb_kscb AS k
        WHERE k._partition = $partition AND k.cbxmdm NOT IN (SELECT cbxmdm FROM raw_cost.cb_cbxm)""",
        ["id"],
        subcategory="relational",
    ),
]
