"""Checks on the staging layer (typed, deduplicated dbt models), rows of the partition month."""

from __future__ import annotations

from expectations.check import Frame
from expectations.factories import gx_check

FRAMES = [
    Frame(
        "staging",
        "his",
        "stg_his__charge_lines",
        """
        SELECT charge_line_id, amount, charged_at, ordering_his_dept_code, executing_his_dept_code
        FROM staging.stg_his__charge_lines WHERE source_partition = $partition""",
        ("charge_line_id",),
    ),
    Frame(
        "staging",
        "his",
        "stg_his__discharge_abstracts",
        """
        SELECT inpatient_id, length_of_stay_days, age_years, discharged_at, admitted_at
        FROM staging.stg_his__discharge_abstracts WHERE source_partition = $partition""",
        ("inpatient_id",),
    ),
    Frame(
        "staging",
        "hr",
        "stg_hr__attendance",
        """
        SELECT attendance_id, attendance_days FROM staging.stg_hr__attendance WHERE source_partition = $partition""",
        ("attendance_id",),
    ),
]

CHECKS = [
    gx_check(
        "stg_charge_lines_unique",
        "标准化收费明细主键唯一",
        "plausibility",
        "error",
        "staging",
        "his",
        "stg_his__charge_lines",
        "重复数 = 0",
        "charge_line_id unique after deduplication.",
        "ExpectColumnValuesToBeUnique",
        subcategory="uniqueness",
        column="charge_line_id",
    ),
    gx_check(
        "stg_charge_lines_charged_at",
        "标准化收费时间非空",
        "completeness",
        "error",
        "staging",
        "his",
        "stg_his__charge_lines",
        "空值率 = 0",
        "charged_at cast succeeded for every line.",
        "ExpectColumnValuesToNotBeNull",
        column="charged_at",
    ),
    gx_check(
        "stg_charge_lines_dept",
        "标准化开单科室非空",
        "completeness",
        "error",
        "staging",
        "his",
        "stg_his__charge_lines",
        "空值率 = 0",
        "ordering_his_dept_code filled.",
        "ExpectColumnValuesToNotBeNull",
        column="ordering_his_dept_code",
    ),
    gx_check(
        "stg_discharge_los",
        "标准化住院天数非负",
        "plausibility",
        "error",
        "staging",
        "his",
        "stg_his__discharge_abstracts",
        "≥ 0",
        "length_of_stay_days ≥ 0.",
        "ExpectColumnValuesToBeBetween",
        subcategory="atemporal",
        column="length_of_stay_days",
        min_value=0,
    ),
    gx_check(
        "stg_discharge_dates",
        "标准化出院不早于入院",
        "plausibility",
        "error",
        "staging",
        "his",
        "stg_his__discharge_abstracts",
        "出院 ≥ 入院",
        "discharged_at ≥ admitted_at.",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        subcategory="temporal",
        column_A="discharged_at",
        column_B="admitted_at",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    ),
    gx_check(
        "stg_attendance_days",
        "标准化出勤天数在0–31",
        "plausibility",
        "error",
        "staging",
        "hr",
        "stg_hr__attendance",
        "0–31",
        "attendance_days between 0 and 31.",
        "ExpectColumnValuesToBeBetween",
        subcategory="atemporal",
        column="attendance_days",
        min_value=0,
        max_value=31,
    ),
]
