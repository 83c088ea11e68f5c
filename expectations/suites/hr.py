"""HR 人事系统: staff, attendance."""

from __future__ import annotations

import calendar

from expectations.check import Frame
from expectations.factories import gx_check, sql_check

S = "hr"


def _days_in_month(p: str) -> int:
    return calendar.monthrange(int(p[:4]), int(p[5:7]))[1]


FRAMES = [
    Frame(
        "raw",
        S,
        "t_hr_attendance",
        """
        SELECT fid, fperiod, fpersonnumber, TRY_CAST(fattenddays AS DOUBLE) AS fattenddays,
               TRY_CAST(fattenddays AS DOUBLE) + coalesce(TRY_CAST(fleavedays AS DOUBLE), 0) AS total_days
        FROM raw_hr.t_hr_attendance WHERE _partition = $partition""",
        ("fid",),
    ),
    Frame(
        "raw",
        S,
        "t_hr_person",
        """
        SELECT fnumber, fgender, forgnumber,
               datediff('year', TRY_CAST(fbirthday AS DATE), CAST($end AS DATE)) AS age_years
        FROM raw_hr.t_hr_person WHERE _partition = '_all'
          AND (fleavedate IS NULL OR TRY_CAST(fleavedate AS DATE) >= CAST($start AS DATE))""",
        ("fnumber",),
    ),
]

CHECKS = [
    gx_check(
        "hr_att_unique",
        "考勤记录号唯一",
        "plausibility",
        "error",
        "raw",
        S,
        "t_hr_attendance",
        "重复数 = 0",
        "FID unique.",
        "ExpectColumnValuesToBeUnique",
        subcategory="uniqueness",
        column="fid",
    ),
    gx_check(
        "hr_att_days",
        "出勤天数不超过当月天数",
        "plausibility",
        "error",
        "raw",
        S,
        "t_hr_attendance",
        "0 ≤ 出勤天数 ≤ 当月天数",
        "Attendance days between 0 and the days of the month.",
        "ExpectColumnValuesToBeBetween",
        subcategory="atemporal",
        arguments=lambda p: {"column": "fattenddays", "min_value": 0, "max_value": _days_in_month(p)},
    ),
    gx_check(
        "hr_att_total_days",
        "出勤+请假天数不超过当月天数",
        "plausibility",
        "warn",
        "raw",
        S,
        "t_hr_attendance",
        "≤ 当月天数",
        "Attendance + leave days fit in the month.",
        "ExpectColumnValuesToBeBetween",
        subcategory="atemporal",
        arguments=lambda p: {"column": "total_days", "max_value": _days_in_month(p)},
    ),
    gx_check(
        "hr_att_period",
        "考勤期间属于本分区",
        "conformance",
        "error",
        "raw",
        S,
        "t_hr_attendance",
        "期间 = 分区",
        "FPERIOD equals the partition.",
        "ExpectColumnValuesToBeInSet",
        arguments=lambda p: {"column": "fperiod", "value_set": [p]},
    ),
    gx_check(
        "hr_att_days_not_null",
        "出勤天数非空",
        "completeness",
        "error",
        "raw",
        S,
        "t_hr_attendance",
        "空值率 = 0",
        "FATTENDDAYS parses as a number.",
        "ExpectColumnValuesToNotBeNull",
        column="fattenddays",
    ),
    sql_check(
        "hr_att_person_known",
        "考勤人员在人员档案中",
        "conformance",
        "error",
        "raw",
        S,
        "t_hr_attendance",
        "未知人员行数 = 0",
        "FPERSONNUMBER exists in t_hr_person.",
        """
        SELECT a.fid, a.fpersonnumber FROM raw_hr.t_hr_attendance AS a
        WHERE a._partition = $partition
          AND a.fpersonnumber NOT IN (SELECT fnumber FROM raw_hr.t_hr_person WHERE fnumber IS NOT NULL)""",
        ["fid"],
        subcategory="relational",
    ),
    gx_check(
        "hr_person_gender",
        "人员性别取值有效",
        "conformance",
        "warn",
        "raw",
        S,
        "t_hr_person",
        "∈ {男, 女}",
        "FGENDER is 男 or 女.",
        "ExpectColumnValuesToBeInSet",
        column="fgender",
        value_set=["男", "女"],
    ),
    gx_check(
        "hr_person_age",
        "在职人员年龄在合理范围",
        "plausibility",
        "warn",
        "raw",
        S,
        "t_hr_person",
        "16–80 岁",
        "Age of active staff at the end of the month between 16 and 80.",
        "ExpectColumnValuesToBeBetween",
        subcategory="atemporal",
        column="age_years",
        min_value=16,
        max_value=80,
    ),
    sql_check(
        "hr_person_org_mapped",
        "人事组织已对照绩效科室",
        "conformance",
        "warn",
        "raw",
        S,
        "t_hr_person",
        "未对照人数 = 0",
        "FORGNUMBER of active staff in clinical/medical-technical orgs maps to a "
        "performance department (administrative orgs may be unmapped: warn).",
        """
        SELECT p.fnumber, p.forgnumber FROM raw_hr.t_hr_person AS p
        WHERE p._partition = '_all' AND p.forgnumber IS NOT NULL
          AND (p.fleavedate IS NULL OR TRY_CAST(p.fleavedate AS DATE) >= CAST($start AS DATE))
          AND NOT EXISTS (SELECT 1 FROM seeds.dept_code_map AS m WHERE m.source_system = 'hr'
                          AND m.source_dept_code = p.forgnumber AND m.effective_from < CAST($end AS DATE)
                          AND (m.effective_to IS NULL OR m.effective_to >= CAST($start AS DATE)))""",
        ["fnumber"],
        subcategory="relational",
    ),
]
