"""Beds 床位 (nursing information system): daily census per ward."""

from __future__ import annotations

from expectations.check import Frame
from expectations.factories import gx_check, sql_check

S = "beds"

FRAMES = [
    Frame(
        "raw",
        S,
        "nis_bed_census",
        """
        SELECT census_date, ward_code, TRY_CAST(open_beds AS INTEGER) AS open_beds,
               TRY_CAST(occupied_beds AS INTEGER) AS occupied_beds
        FROM raw_beds.nis_bed_census WHERE _partition = $partition""",
        ("census_date", "ward_code"),
    ),
]

CHECKS = [
    sql_check(
        "beds_census_days_present",
        "床位日报每病区每日均有数据",
        "completeness",
        "error",
        "raw",
        S,
        "nis_bed_census",
        "缺失病区日 = 0",
        "Every active ward has a census row for every day of the month.",
        """
        WITH days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($start AS DATE), CAST($end AS DATE),
                      INTERVAL 1 DAY) AS t(d)),
             wards AS (SELECT ward_code FROM raw_beds.nis_ward WHERE _partition = '_all'
                       AND coalesce(is_active, '1') IN ('1', 'true', 'True')),
             seen AS (SELECT DISTINCT ward_code, TRY_CAST(census_date AS DATE) AS day FROM raw_beds.nis_bed_census
                      WHERE _partition = $partition)
        SELECT CAST(days.day AS VARCHAR) AS census_date, wards.ward_code FROM days CROSS JOIN wards
        WHERE NOT EXISTS (SELECT 1 FROM seen WHERE seen.ward_code = wards.ward_code AND seen.day = days.day)
        ORDER BY 1, 2""",
        ["census_date", "ward_code"],
    ),
    gx_check(
        "beds_census_unique",
        "床位日报病区日唯一",
        "plausibility",
        "error",
        "raw",
        S,
        "nis_bed_census",
        "重复数 = 0",
        "(CENSUS_DATE, WARD_CODE) unique.",
        "ExpectCompoundColumnsToBeUnique",
        subcategory="uniqueness",
        column_list=["census_date", "ward_code"],
    ),
    gx_check(
        "beds_occupied_le_open",
        "占用床位不超过开放床位",
        "plausibility",
        "warn",
        "raw",
        S,
        "nis_bed_census",
        "占用 ≤ 开放",
        "Occupied beds ≤ open beds (extra beds 加床 are possible: warn).",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        subcategory="atemporal",
        column_A="open_beds",
        column_B="occupied_beds",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    ),
    gx_check(
        "beds_occupied_nonneg",
        "占用床位非负",
        "plausibility",
        "error",
        "raw",
        S,
        "nis_bed_census",
        "≥ 0",
        "Occupied beds is not negative.",
        "ExpectColumnValuesToBeBetween",
        subcategory="atemporal",
        column="occupied_beds",
        min_value=0,
    ),
    gx_check(
        "beds_census_date_format",
        "日报日期格式有效",
        "conformance",
        "error",
        "raw",
        S,
        "nis_bed_census",
        "格式 YYYY-MM-DD",
        "CENSUS_DATE parses as a date.",
        "ExpectColumnValuesToMatchStrftimeFormat",
        column="census_date",
        strftime_format="%Y-%m-%d",
    ),
    sql_check(
        "beds_ward_known",
        "日报病区在病区字典中",
        "conformance",
        "error",
        "raw",
        S,
        "nis_bed_census",
        "未知病区行数 = 0",
        "WARD_CODE exists in NIS_WARD.",
        """
        SELECT c.census_date, c.ward_code FROM raw_beds.nis_bed_census AS c
        WHERE c._partition = $partition AND c.ward_code NOT IN (SELECT ward_code FROM raw_beds.nis_ward)""",
        ["census_date", "ward_code"],
        subcategory="relational",
    ),
]
