"""KPI configuration validation (connectors.kpi_config): shipped seeds are valid; each bad case is a
copy of the seed dir with one thing changed, asserting the exact Chinese message and its location."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from connectors.intake import load_specs
from connectors.kpi_config import (
    BASE_METRIC_CODES,
    DEFAULT_SEED_DIR,
    KpiConfigError,
    KpiConfigInvalid,
    calculation_order,
    check_kpi_config,
    known_metric_codes,
    validate_kpi_config,
)
from connectors.kpi_config.__main__ import main
from connectors.kpi_config.metrics import dbt_metric_codes, metrics_not_in_dbt

IND = "kpi_indicators.csv"
METHODS = "kpi_methods.csv"
SCHEMES = "kpi_schemes.csv"
LINKS = "kpi_scheme_indicators.csv"
BANDS = "kpi_score_bands.csv"

MINIMAL_BANDS = [
    {"band_set": "平均住院日分段", "band_no": "1", "lower_bound": "", "upper_bound": "8", "score": "8"},
    {"band_set": "平均住院日分段", "band_no": "2", "lower_bound": "8", "upper_bound": "", "score": "0"},
    {"band_set": "满意度分段", "band_no": "1", "lower_bound": "", "upper_bound": "90", "score": "0"},
    {"band_set": "满意度分段", "band_no": "2", "lower_bound": "90", "upper_bound": "", "score": "5"},
]


# -- CSV helpers --------------------------------------------------------------------------------
def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _matches(row: dict[str, str], match: dict[str, str]) -> bool:
    return all(row[k] == v for k, v in match.items())


def line_of(path: Path, **match: str) -> int:
    """Line number (header = 1) of the first row matching ``match`` (seed rows are single-line)."""
    _, rows = read(path)
    return next(i for i, row in enumerate(rows, 2) if _matches(row, match))


def set_cell(path: Path, match: dict[str, str], **values: str) -> None:
    header, rows = read(path)
    hits = [row for row in rows if _matches(row, match)]
    assert hits, f"no row of {path.name} matches {match}"
    for row in hits:
        row.update(values)
    write(path, header, rows)


def add_row(path: Path, template: dict[str, str] | None = None, **values: str) -> int:
    """Append a row (a copy of the first row matching ``template``, updated); returns its line."""
    header, rows = read(path)
    base = dict(next(r for r in rows if _matches(r, template))) if template else dict.fromkeys(header, "")
    base.update(values)
    rows.append(base)
    write(path, header, rows)
    return len(rows) + 1


def add_indicator(seeds: Path, code: str, **values: str) -> int:
    """A plain enabled target_ratio indicator (copy of K11) with ``values`` changed; returns its line."""
    return add_row(seeds / IND, {"indicator_code": "K11"}, indicator_code=code, **values)


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture
def seeds(tmp_path) -> Path:
    """A copy of the shipped seed dir; a minimal kpi_score_bands.csv when the shipped one is absent or empty."""
    d = tmp_path / "kpi"
    shutil.copytree(DEFAULT_SEED_DIR, d)
    bands = d / BANDS
    if not bands.exists() or not read(bands)[1]:
        write(bands, ["band_set", "band_no", "lower_bound", "upper_bound", "score"], MINIMAL_BANDS)
    return d


def only_error(seeds: Path, **kwargs) -> KpiConfigError:
    errors = validate_kpi_config(seeds, **kwargs)
    assert len(errors) == 1, [str(e) for e in errors]
    with pytest.raises(KpiConfigInvalid) as info:
        check_kpi_config(seeds, **kwargs)
    assert info.value.errors == errors
    return errors[0]


def messages(seeds: Path, **kwargs) -> list[str]:
    errors = validate_kpi_config(seeds, **kwargs)
    assert errors
    with pytest.raises(KpiConfigInvalid):
        check_kpi_config(seeds, **kwargs)
    return [e.message for e in errors]


def enabled_codes(seeds: Path, method: str) -> list[str]:
    _, rows = read(seeds / IND)
    return [r["indicator_code"] for r in rows if r["method"] == method and r["enabled"] == "true"]


# -- shipped configuration ------------------------------------------------------------------------
def test_shipped_seeds_are_valid(seeds):
    assert validate_kpi_config(seeds) == []
    check_kpi_config(seeds)


def test_shipped_seed_dir_is_valid_as_is():
    bands = DEFAULT_SEED_DIR / BANDS
    if not bands.exists() or not read(bands)[1]:
        pytest.skip("kpi_score_bands.csv not shipped yet")
    assert [str(e) for e in validate_kpi_config()] == []


def test_calculation_order_of_shipped_seeds(seeds):
    levels = calculation_order(seeds)
    assert len(levels) == 2
    assert {"K12", "K14"} <= set(levels[1])
    assert {"K09", "K11"} <= set(levels[0])
    assert "K28" not in sum(levels, [])  # disabled
    assert all(level == sorted(level) for level in levels)


def test_calculation_order_levels_follow_derivation_chain(seeds):
    add_indicator(seeds, "K30", numerator_ref="indicator:K12", denominator_ref="")
    add_indicator(seeds, "K31", numerator_ref="indicator:K30", denominator_ref="indicator:K01")
    assert validate_kpi_config(seeds) == []
    levels = calculation_order(seeds)
    assert levels[2] == ["K30"] and levels[3] == ["K31"]


# -- rule 1: scheme weights add up to the scheme score ---------------------------------------------
def test_scheme_weights_must_add_up_to_scheme_score(seeds):
    set_cell(seeds / LINKS, {"scheme_code": "S_DOC", "indicator_code": "K01"}, weight="8")
    _, rows = read(seeds / LINKS)
    total = sum(int(r["weight"]) for r in rows if r["scheme_code"] == "S_DOC")
    assert total == 98
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (LINKS, line_of(seeds / LINKS, scheme_code="S_DOC"), "weight")
    assert e.message == "方案 S_DOC 的指标权重合计 98，应等于方案总分 100"


def test_scheme_score_other_than_100_and_decimal_weights(seeds):
    set_cell(seeds / SCHEMES, {"scheme_code": "S_ADMIN"}, scheme_score="50")
    set_cell(seeds / LINKS, {"scheme_code": "S_ADMIN", "indicator_code": "K20"}, weight="10.5")
    set_cell(seeds / LINKS, {"scheme_code": "S_ADMIN", "indicator_code": "K23"}, weight="39.50")
    assert validate_kpi_config(seeds) == []
    set_cell(seeds / LINKS, {"scheme_code": "S_ADMIN", "indicator_code": "K23"}, weight="40")
    assert only_error(seeds).message == "方案 S_ADMIN 的指标权重合计 50.5，应等于方案总分 50"


def test_scheme_without_indicators(seeds):
    line = add_row(seeds / SCHEMES, {"scheme_code": "S_ADMIN"}, scheme_code="S_EMPTY")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (SCHEMES, line, "scheme_code")
    assert e.message == "方案 S_EMPTY 没有配置任何指标（kpi_scheme_indicators.csv 中没有该方案）"


# -- rule 2: disabled or unknown method ------------------------------------------------------------
def test_disabled_method_used_by_enabled_indicator(seeds):
    set_cell(seeds / METHODS, {"method": "interval"}, enabled="false")
    users = enabled_codes(seeds, "interval")
    assert "K01" in users
    errors = validate_kpi_config(seeds)
    assert [e.message for e in errors] == [
        f"指标 {c} 已启用，但其计分方法 interval（区间法）已停用" for c in users
    ]
    assert {(e.file, e.column) for e in errors} == {(IND, "method")}
    assert errors[0].line == line_of(seeds / IND, indicator_code="K01")
    with pytest.raises(KpiConfigInvalid):
        check_kpi_config(seeds)


def test_disabled_method_unused_is_fine(seeds):
    set_cell(seeds / METHODS, {"method": "rank"}, enabled="false")
    set_cell(seeds / IND, {"indicator_code": "K19"}, enabled="false")
    for scheme in ("S_DOC", "S_TCM", "S_TECH", "S_PHARM"):
        set_cell(seeds / LINKS, {"scheme_code": scheme, "indicator_code": "K19"}, indicator_code="K17")
    assert validate_kpi_config(seeds) == []


def test_unknown_method_used_by_indicator(seeds):
    set_cell(seeds / IND, {"indicator_code": "K01"}, method="magic")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line_of(seeds / IND, indicator_code="K01"), "method")
    assert e.message == "指标 K01 使用的计分方法 magic 未在 kpi_methods.csv 中定义"


def test_unsupported_method_in_method_table(seeds):
    line = add_row(seeds / METHODS, method="magic", method_name="魔法", enabled="true")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (METHODS, line, "method")
    assert e.message == (
        "计分方法 magic 不是系统支持的方法，应为 target_ratio、plus_minus、interval、bands、comparison、"
        "threshold、actual_value、rank 之一"
    )


def test_method_enabled_flag_must_be_boolean(seeds):
    set_cell(seeds / METHODS, {"method": "rank"}, enabled="yes")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (METHODS, line_of(seeds / METHODS, method="rank"), "enabled")
    assert e.message == "enabled 应为 true 或 false，收到 'yes'"


# -- rule 3: cycles, calculation order, references to indicators ------------------------------------
def test_cycle_between_two_derived_indicators(seeds):
    line = add_indicator(seeds, "K30", numerator_ref="indicator:K31", denominator_ref="")
    add_indicator(seeds, "K31", numerator_ref="metric:discharges", denominator_ref="indicator:K30")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line, "numerator_ref")
    assert e.message == "派生指标存在循环引用：K30 → K31 → K30"
    with pytest.raises(KpiConfigInvalid, match="K30 → K31 → K30"):
        calculation_order(seeds)


def test_cycle_of_three_and_self_reference(seeds):
    add_indicator(seeds, "K42", numerator_ref="indicator:K40", denominator_ref="")
    add_indicator(seeds, "K40", numerator_ref="indicator:K41", denominator_ref="")
    add_indicator(seeds, "K41", numerator_ref="indicator:K42", denominator_ref="")
    line = add_indicator(seeds, "K33", numerator_ref="metric:discharges", denominator_ref="indicator:K33")
    errors = validate_kpi_config(seeds)
    assert [e.message for e in errors] == [  # by line: K40's row comes before K33's
        "派生指标存在循环引用：K40 → K41 → K42 → K40",
        "派生指标存在循环引用：K33 → K33",
    ]
    assert (errors[1].line, errors[1].column) == (line, "denominator_ref")
    with pytest.raises(KpiConfigInvalid) as info:
        calculation_order(seeds)
    assert len(info.value.errors) == 2


def test_reference_to_disabled_indicator(seeds):
    set_cell(seeds / IND, {"indicator_code": "K12"}, numerator_ref="indicator:K28")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line_of(seeds / IND, indicator_code="K12"), "numerator_ref")
    assert e.message == "指标 K12 的 numerator_ref 引用了已停用的指标 K28"


def test_reference_to_unknown_indicator(seeds):
    set_cell(seeds / IND, {"indicator_code": "K14"}, denominator_ref="indicator:K99")
    e = only_error(seeds)
    assert (e.line, e.column) == (line_of(seeds / IND, indicator_code="K14"), "denominator_ref")
    assert e.message == "指标 K14 的 denominator_ref 引用了不存在的指标 K99"


def test_malformed_reference(seeds):
    set_cell(seeds / IND, {"indicator_code": "K01"}, numerator_ref="grade34_surgery_share")
    assert only_error(seeds).message == (
        "指标 K01 的 numerator_ref 'grade34_surgery_share' 格式无效，应为 metric:<基础指标编码> 或 indicator:<指标编码>"
    )


def test_missing_numerator(seeds):
    set_cell(seeds / IND, {"indicator_code": "K01"}, numerator_ref="")
    e = only_error(seeds)
    assert (e.column, e.message) == ("numerator_ref", "指标 K01 缺少分子引用 numerator_ref")


def test_disabled_indicator_may_reference_anything(seeds):
    set_cell(seeds / IND, {"indicator_code": "K28"}, numerator_ref="indicator:K99", method="magic")
    assert validate_kpi_config(seeds) == []


# -- rule 4: unknown base metric ------------------------------------------------------------------
def test_unknown_metric_reference(seeds):
    set_cell(seeds / IND, {"indicator_code": "K01"}, numerator_ref="metric:grade5_surgery_share")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line_of(seeds / IND, indicator_code="K01"), "numerator_ref")
    assert e.message == "指标 K01 的 numerator_ref 引用了未知的基础指标 grade5_surgery_share"


def test_unknown_metric_in_denominator(seeds):
    set_cell(seeds / IND, {"indicator_code": "K12"}, denominator_ref="metric:headcount")
    e = only_error(seeds)
    assert (e.column, e.message) == (
        "denominator_ref",
        "指标 K12 的 denominator_ref 引用了未知的基础指标 headcount",
    )


def test_known_metrics_union_constant_and_dbt_yml(tmp_path):
    yml = tmp_path / "_metrics__models.yml"
    yml.write_text(
        "models:\n"
        "  - name: int_dept_metrics__monthly\n"
        "    columns:\n"
        "      - name: metric_code\n"
        "        data_tests:\n"
        "          - not_null\n"
        "          - accepted_values:\n"
        "              arguments:\n"
        "                values: ['discharges', 'new_metric']\n",
        encoding="utf-8",
    )
    assert dbt_metric_codes(yml) == {"discharges", "new_metric"}
    assert known_metric_codes(yml) == set(BASE_METRIC_CODES) | {"new_metric"}
    assert "staff_headcount" in metrics_not_in_dbt(yml)
    assert dbt_metric_codes(tmp_path / "missing.yml") is None
    assert known_metric_codes(tmp_path / "missing.yml") == set(BASE_METRIC_CODES)
    assert metrics_not_in_dbt(tmp_path / "missing.yml") == []
    # the repository's dbt yml is read (its accepted_values are a subset of the known codes)
    assert dbt_metric_codes() and dbt_metric_codes() <= known_metric_codes()


def test_metric_known_from_dbt_yml_only(seeds, tmp_path):
    set_cell(seeds / IND, {"indicator_code": "K01"}, numerator_ref="metric:new_metric")
    assert len(validate_kpi_config(seeds)) == 1
    yml = tmp_path / "m.yml"
    yml.write_text(
        "models:\n  - name: int_dept_metrics__monthly\n    columns:\n      - name: metric_code\n"
        "        data_tests:\n          - accepted_values:\n              values: [new_metric]\n",
        encoding="utf-8",
    )
    assert validate_kpi_config(seeds, dbt_metrics_yml=yml) == []


# -- rule 5: interval indicators need a target -----------------------------------------------------
def test_interval_without_default_best(seeds):
    set_cell(seeds / IND, {"indicator_code": "K01"}, default_best="")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line_of(seeds / IND, indicator_code="K01"), "default_best")
    assert e.message == (
        "指标 K01 使用区间法（interval）但没有目标：指标库缺少最优值 default_best，"
        "且填报的科室目标值中没有同时给出基准值和最优值"
    )


def test_interval_without_any_default(seeds):
    set_cell(seeds / IND, {"indicator_code": "K07"}, default_baseline="", default_best="")
    e = only_error(seeds)
    assert e.column == "default_baseline"
    assert e.message == (
        "指标 K07 使用区间法（interval）但没有目标：指标库缺少基准值 default_baseline和最优值 default_best，"
        "且填报的科室目标值中没有同时给出基准值和最优值"
    )


def test_interval_target_from_filed_targets(seeds):
    set_cell(seeds / IND, {"indicator_code": "K01"}, default_baseline="", default_best="")
    both = [{"indicator_code": "K01", "baseline": "0.2", "best": 0.5}]
    assert validate_kpi_config(seeds, targets=both) == []
    check_kpi_config(seeds, targets=both)
    half = [{"indicator_code": "K01", "baseline": 0.2, "best": None}, {"indicator_code": "K01", "best": 0.5}]
    assert len(messages(seeds, targets=half)) == 1
    other = [{"indicator_code": "K07", "baseline": 0.2, "best": 0.5}]
    assert len(messages(seeds, targets=other)) == 1
    nan = [{"indicator_code": "K01", "baseline": 0.2, "best": float("nan")}]
    assert len(messages(seeds, targets=nan)) == 1


def test_interval_baseline_equal_to_best_is_allowed(seeds):
    set_cell(seeds / IND, {"indicator_code": "K01"}, default_baseline="0.5", default_best="0.5")
    assert validate_kpi_config(seeds) == []


# -- rule 6: the other checks -------------------------------------------------------------------------
def test_bands_indicator_with_unknown_band_set(seeds):
    set_cell(seeds / IND, {"indicator_code": "K02"}, band_set="住院日分段")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line_of(seeds / IND, indicator_code="K02"), "band_set")
    assert e.message == "指标 K02 的分段组「住院日分段」在 kpi_score_bands.csv 中不存在"


def test_band_sets_not_checked_without_bands_file(seeds):
    (seeds / BANDS).unlink()
    set_cell(seeds / IND, {"indicator_code": "K02"}, band_set="住院日分段")
    assert validate_kpi_config(seeds) == []


def test_bands_indicator_without_band_set(seeds):
    set_cell(seeds / IND, {"indicator_code": "K02"}, band_set="")
    assert only_error(seeds).message == "指标 K02 使用多区间法（bands），但未填写分段组 band_set"


def test_bands_file_rows_are_checked(seeds):
    header, rows = read(seeds / BANDS)
    rows.append({**rows[0], "lower_bound": "9", "upper_bound": "7"})  # duplicate band_no, lower > upper
    write(seeds / BANDS, header, rows)
    errors = validate_kpi_config(seeds)
    no, band_set = rows[0]["band_no"], rows[0]["band_set"]
    assert [(e.file, e.line, e.column, e.message) for e in errors] == [
        (BANDS, len(rows) + 1, "band_no", f"分段组「{band_set}」的分段 {no} 重复（首次出现在第 2 行）"),
        (
            BANDS,
            len(rows) + 1,
            "upper_bound",
            f"分段组「{band_set}」的分段 {no}：下界 lower_bound (9) 应小于上界 upper_bound (7)",
        ),
    ]


def test_scheme_references_unknown_indicator(seeds):
    set_cell(seeds / LINKS, {"scheme_code": "S_ADMIN", "indicator_code": "K20"}, indicator_code="K99")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (
        LINKS,
        line_of(seeds / LINKS, indicator_code="K99"),
        "indicator_code",
    )
    assert e.message == "方案 S_ADMIN 引用了不存在的指标 K99"


def test_scheme_references_disabled_indicator(seeds):
    set_cell(seeds / LINKS, {"scheme_code": "S_ADMIN", "indicator_code": "K20"}, indicator_code="K28")
    assert only_error(seeds).message == "方案 S_ADMIN 引用了已停用的指标 K28"


def test_scheme_link_to_undefined_scheme(seeds):
    set_cell(seeds / LINKS, {"scheme_code": "S_ADMIN"}, scheme_code="S_OFFICE")
    assert messages(seeds) == [
        "方案 S_ADMIN 没有配置任何指标（kpi_scheme_indicators.csv 中没有该方案）",
        "方案 S_OFFICE 未在 kpi_schemes.csv 中定义",
        "方案 S_OFFICE 未在 kpi_schemes.csv 中定义",
    ]


def test_indicator_used_twice_in_one_scheme(seeds):
    first = line_of(seeds / LINKS, scheme_code="S_ADMIN", indicator_code="K20")
    set_cell(seeds / LINKS, {"scheme_code": "S_ADMIN", "indicator_code": "K23"}, indicator_code="K20")
    # the weights still add up (20 + 80), so the duplicate is the only error
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (LINKS, first + 1, "indicator_code")
    assert e.message == f"指标 K20 在方案 S_ADMIN 中重复出现（首次出现在第 {first} 行）"


def test_duplicate_indicator_code(seeds):
    first = line_of(seeds / IND, indicator_code="K05")
    line = add_row(seeds / IND, {"indicator_code": "K05"})
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line, "indicator_code")
    assert e.message == f"指标编码 K05 重复（首次出现在第 {first} 行）"


def test_duplicate_scheme_and_method_codes(seeds):
    add_row(seeds / SCHEMES, {"scheme_code": "S_ADMIN"})
    add_row(seeds / METHODS, {"method": "rank"})
    assert messages(seeds) == [
        f"计分方法 rank 重复（首次出现在第 {line_of(seeds / METHODS, method='rank')} 行）",
        f"方案编码 S_ADMIN 重复（首次出现在第 {line_of(seeds / SCHEMES, scheme_code='S_ADMIN')} 行）",
    ]


def test_direction_must_be_higher_or_lower(seeds):
    set_cell(seeds / IND, {"indicator_code": "K03"}, direction="up")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (IND, line_of(seeds / IND, indicator_code="K03"), "direction")
    assert e.message == "指标 K03 的方向 direction 'up' 无效，应为 higher 或 lower"


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("0", "指标 K08 的满分 points 应大于 0，收到 0"),
        ("-2.5", "指标 K08 的满分 points 应大于 0，收到 -2.5"),
        ("", "指标 K08 缺少满分 points"),
        ("ten", "points 应为数字，收到 'ten'"),
    ],
)
def test_points_must_be_positive(seeds, points, message):
    set_cell(seeds / IND, {"indicator_code": "K08"}, points=points)
    e = only_error(seeds)
    assert (e.line, e.column, e.message) == (line_of(seeds / IND, indicator_code="K08"), "points", message)


def test_floor_above_cap(seeds):
    set_cell(seeds / IND, {"indicator_code": "K04"}, floor_score="8", cap_score="7.2")
    e = only_error(seeds)
    assert (e.line, e.column) == (line_of(seeds / IND, indicator_code="K04"), "floor_score")
    assert e.message == "指标 K04 的下限 floor_score (8) 大于上限 cap_score (7.2)"


def test_threshold_indicator_without_threshold(seeds):
    set_cell(seeds / IND, {"indicator_code": "K05"}, threshold="")
    e = only_error(seeds)
    assert (e.line, e.column) == (line_of(seeds / IND, indicator_code="K05"), "threshold")
    assert e.message == "指标 K05 使用达标法（threshold），但未填写达标值 threshold"


def test_plus_minus_without_parameters(seeds):
    set_cell(seeds / IND, {"indicator_code": "K13"}, step="", per_step_score="", deviation_kind="")
    errors = validate_kpi_config(seeds)
    line = line_of(seeds / IND, indicator_code="K13")
    assert [(e.line, e.column, e.message) for e in errors] == [
        (line, "step", "指标 K13 使用加减分法（plus_minus），但未填写步长 step"),
        (line, "per_step_score", "指标 K13 使用加减分法（plus_minus），但未填写每步分值 per_step_score"),
        (line, "deviation_kind", "指标 K13 使用加减分法（plus_minus），但未填写偏差类型 deviation_kind"),
    ]
    with pytest.raises(KpiConfigInvalid):
        check_kpi_config(seeds)


def test_plus_minus_invalid_deviation_kind_and_step(seeds):
    set_cell(seeds / IND, {"indicator_code": "K26"}, deviation_kind="ratio", step="0")
    assert messages(seeds) == [
        "指标 K26 的步长 step 应大于 0，收到 0",
        "指标 K26 的偏差类型 deviation_kind 'ratio' 无效，应为 difference、increment、growth_rate 之一",
    ]


def test_shifted_row_is_caught(seeds):
    """A row with one comma too many (values shifted right) fails loudly instead of scoring wrongly."""
    path = seeds / IND
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = line_of(path, indicator_code="K18")
    lines[n - 1] = lines[n - 1].replace(",actual_value,4,0,4,", ",actual_value,4,0,4,,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    assert messages(seeds) == [
        "字段数 29 多于表头的 28 列",
        "enabled 应为 true 或 false，收到 ''",
        "effective_from 应为日期 YYYY-MM-DD，收到 'true'",
    ]


def test_effective_dates(seeds):
    set_cell(seeds / SCHEMES, {"scheme_code": "S_TECH"}, effective_to="2023-12-31")
    e = only_error(seeds)
    assert (e.file, e.line, e.column) == (
        SCHEMES,
        line_of(seeds / SCHEMES, scheme_code="S_TECH"),
        "effective_to",
    )
    assert e.message == "生效日期 effective_from (2024-01-01) 晚于失效日期 effective_to (2023-12-31)"


def test_missing_file_and_missing_column(seeds):
    (seeds / SCHEMES).unlink()
    header, rows = read(seeds / METHODS)
    write(
        seeds / METHODS,
        [h for h in header if h != "enabled"],
        [{k: v for k, v in r.items() if k != "enabled"} for r in rows],
    )
    errors = validate_kpi_config(seeds)
    assert [str(e) for e in errors] == [
        "kpi_methods.csv 第 1 行 enabled 列：缺少列 enabled",
        f"kpi_schemes.csv：文件不存在（{seeds / SCHEMES}）",
    ]


# -- error reporting, CLI, intake dataset ------------------------------------------------------------
def test_error_text_and_exception_summary(seeds):
    set_cell(seeds / IND, {"indicator_code": "K03"}, direction="up")
    set_cell(seeds / IND, {"indicator_code": "K01"}, numerator_ref="metric:nope")
    with pytest.raises(KpiConfigInvalid) as info:
        check_kpi_config(seeds)
    k01, k03 = line_of(seeds / IND, indicator_code="K01"), line_of(seeds / IND, indicator_code="K03")
    assert str(info.value) == (
        f"KPI 配置校验未通过（{seeds}）：共 2 个错误，请修正后再计算综合目标考核得分\n"
        f"  1. kpi_indicators.csv 第 {k01} 行 numerator_ref 列：指标 K01 的 numerator_ref 引用了未知的基础指标 nope\n"
        f"  2. kpi_indicators.csv 第 {k03} 行 direction 列：指标 K03 的方向 direction 'up' 无效，应为 higher 或 lower"
    )


def test_cli_ok(seeds, capsys):
    assert main([str(seeds)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK：KPI 配置校验通过（{seeds}）")
    assert "计算层级 1：K12, K14" in out


def test_cli_errors(seeds, capsys, tmp_path):
    set_cell(seeds / IND, {"indicator_code": "K01"}, default_best="")
    assert main([str(seeds)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"KPI 配置校验未通过（{seeds}）：共 1 个错误\n  1. kpi_indicators.csv 第 ")
    assert "指标 K01 使用区间法（interval）但没有目标" in out
    targets = tmp_path / "目标值.csv"
    targets.write_text("统计期间,科室编码,指标编码,基准值,最优值\n2025,D0101,K01,0.2,0.5\n", encoding="utf-8")
    assert main([str(seeds), "--targets", str(targets)]) == 0


def test_kpi_target_dataset_spec():
    spec = load_specs()["kpi_target"]
    assert (spec.label, spec.sheet, spec.period_column) == ("科室目标值", "科室目标值", "period")
    assert [c.header for c in spec.columns] == [
        "统计期间",
        "科室编码",
        "指标编码",
        "目标值",
        "基准值",
        "最优值",
        "备注",
    ]
    assert spec.keys == ("period", "dept_code", "indicator_code")
    assert spec.column("dept_code").allowed == "department_code" and spec.column("dept_code").required
    assert spec.column("indicator_code").required and spec.column("indicator_code").type == "string"
    assert [spec.column(c).type for c in ("target", "baseline", "best")] == ["decimal"] * 3
    assert not spec.column("remark").required
    # rows of raw_manual.kpi_target carry exactly the keys the validator reads
    assert {"indicator_code", "baseline", "best"} <= set(spec.column_names)
