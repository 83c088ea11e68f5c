"""Dataset specs (填报数据集定义): what a hand-filled file must look like.

Each dataset is one YAML file in ``connectors/intake/datasets/`` (see ``dept_satisfaction.yml``).
The spec drives the Excel template, the validation and the landing table ``raw_manual.<dataset>``.
A spec is checked when it is loaded, so a typo in a YAML file fails loudly, naming file and problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

from connectors.intake.references import ALLOWED_SETS, ROW_CHECKS

DATASETS_DIR = Path(__file__).parent / "datasets"
COLUMN_TYPES = ("period", "date", "string", "integer", "decimal", "money", "enum")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SHEET_FORBIDDEN = set("[]:*?/\\")
_DATASET_KEYS = {
    "dataset", "label", "sheet", "file_prefixes", "period_column", "columns", "keys", "checks", "closed_with_bonus",
}
_COLUMN_KEYS = {
    "name",
    "header",
    "type",
    "required",
    "min",
    "max",
    "scale",
    "values",
    "allowed",
    "allow_year",
    "max_future_years",
    "description",
}


class SpecError(ValueError):
    """A dataset spec is malformed (the message names the file and the problem)."""


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    header: str
    type: str
    required: bool = False
    min: Decimal | None = None
    max: Decimal | None = None
    scale: int | None = None
    values: tuple[str, ...] = ()
    allowed: str | None = None
    allow_year: bool = False  # period only: also accept a year ``YYYY``
    max_future_years: int = 0  # period only: how many years after the current one may be filed
    description: str = ""


@dataclass(frozen=True)
class DatasetSpec:
    dataset: str
    label: str
    sheet: str
    period_column: str
    columns: tuple[ColumnSpec, ...]
    keys: tuple[str, ...]
    file_prefixes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()  # row checks of connectors/intake/references.py
    #: a month whose bonus is issued (已发放, bonus_ops.period_status) takes no more rows of this dataset
    closed_with_bonus: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def name_prefixes(self) -> tuple[str, ...]:
        """File-name prefixes that identify this dataset (id, label, sheet name, extra prefixes)."""
        return (self.dataset, self.label, self.sheet, *self.file_prefixes)


def _number(value, where: str) -> Decimal:
    if isinstance(value, bool):
        raise SpecError(f"{where} 应为数字，收到 {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise SpecError(f"{where} 应为数字，收到 {value!r}") from None


def _column(raw, source: str, index: int) -> ColumnSpec:
    where = f"{source}: columns[{index}]"
    if not isinstance(raw, dict):
        raise SpecError(f"{where} 应为映射（name/header/type …）")
    unknown = set(raw) - _COLUMN_KEYS
    if unknown:
        raise SpecError(f"{where} 有未知字段：{', '.join(sorted(unknown))}")
    name, header, ctype = raw.get("name"), raw.get("header"), raw.get("type")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise SpecError(f"{where} 的 name 应为小写英文标识（snake_case），收到 {name!r}")
    where = f"{source}: 列 {name}"
    if not isinstance(header, str) or not header.strip():
        raise SpecError(f"{where} 缺少 header（中文表头）")
    if ctype not in COLUMN_TYPES:
        raise SpecError(f"{where} 的 type {ctype!r} 未知，应为 {', '.join(COLUMN_TYPES)} 之一")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise SpecError(f"{where} 的 required 应为 true/false")
    lo = _number(raw["min"], f"{where} 的 min") if raw.get("min") is not None else None
    hi = _number(raw["max"], f"{where} 的 max") if raw.get("max") is not None else None
    if (lo is not None or hi is not None) and ctype not in ("integer", "decimal", "money"):
        raise SpecError(f"{where}：min/max 只适用于 integer/decimal/money 类型")
    if lo is not None and hi is not None and lo > hi:
        raise SpecError(f"{where}：min ({lo}) 大于 max ({hi})")
    scale = raw.get("scale")
    if scale is not None and (
        ctype != "decimal" or not isinstance(scale, int) or isinstance(scale, bool) or scale < 0
    ):
        raise SpecError(f"{where}：scale 只适用于 decimal 类型，且应为非负整数")
    values = raw.get("values")
    if ctype == "enum":
        if not isinstance(values, list) or not values:
            raise SpecError(f"{where}：enum 类型必须给出 values（可选值列表）")
        values = tuple(str(v) for v in values)
        if len(set(values)) != len(values):
            raise SpecError(f"{where}：values 中有重复值")
    elif values is not None:
        raise SpecError(f"{where}：values 只适用于 enum 类型")
    allowed = raw.get("allowed")
    if allowed is not None and allowed not in ALLOWED_SETS:
        raise SpecError(f"{where} 的 allowed {allowed!r} 未知，应为 {', '.join(ALLOWED_SETS)} 之一")
    allow_year = raw.get("allow_year", False)
    if allow_year and ctype != "period":
        raise SpecError(f"{where}：allow_year 只适用于 period 类型")
    future = raw.get("max_future_years", 0)
    if future and (ctype != "period" or not isinstance(future, int) or isinstance(future, bool) or future < 0):
        raise SpecError(f"{where}：max_future_years 只适用于 period 类型，且应为非负整数")
    return ColumnSpec(
        name=name,
        header=header.strip(),
        type=ctype,
        required=required,
        min=lo,
        max=hi,
        scale=scale,
        values=values or (),
        allowed=allowed,
        allow_year=bool(allow_year),
        max_future_years=future or 0,
        description=str(raw.get("description") or ""),
    )


def parse_spec(raw, source: str = "<spec>") -> DatasetSpec:
    """Build and check a :class:`DatasetSpec` from parsed YAML; ``source`` names it in errors."""
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: 顶层应为映射（dataset/label/sheet/columns/keys …）")
    unknown = set(raw) - _DATASET_KEYS
    if unknown:
        raise SpecError(f"{source}: 未知字段：{', '.join(sorted(unknown))}")
    for key in ("dataset", "label", "sheet", "period_column", "columns", "keys"):
        if not raw.get(key):
            raise SpecError(f"{source}: 缺少 {key}")
    dataset = raw["dataset"]
    if not isinstance(dataset, str) or not _NAME_RE.match(dataset):
        raise SpecError(f"{source}: dataset 应为小写英文标识（snake_case），收到 {dataset!r}")
    sheet = str(raw["sheet"])
    if len(sheet) > 31 or _SHEET_FORBIDDEN & set(sheet):
        raise SpecError(f"{source}: sheet {sheet!r} 不能作为 Excel 工作表名（≤31 字，不含 []:*?/\\）")
    if not isinstance(raw["columns"], list):
        raise SpecError(f"{source}: columns 应为列表")
    columns = tuple(_column(c, source, i) for i, c in enumerate(raw["columns"]))
    for attr, what in (("name", "列名"), ("header", "表头")):
        seen: set[str] = set()
        for c in columns:
            value = getattr(c, attr)
            if value in seen:
                raise SpecError(f"{source}: {what}重复：{value}")
            seen.add(value)
    names = {c.name: c for c in columns}
    period = raw["period_column"]
    if period not in names:
        raise SpecError(f"{source}: period_column {period!r} 不是已定义的列")
    if not names[period].required:
        raise SpecError(f"{source}: period_column {period!r} 必须是必填列（required: true）")
    keys = raw["keys"]
    if not isinstance(keys, list):
        raise SpecError(f"{source}: keys 应为列名列表")
    for k in keys:
        if k not in names:
            raise SpecError(f"{source}: keys 中的 {k!r} 不是已定义的列")
        if not names[k].required:
            raise SpecError(f"{source}: 键列 {k!r} 必须是必填列（required: true）")
    if len(set(keys)) != len(keys):
        raise SpecError(f"{source}: keys 中有重复列")
    prefixes = raw.get("file_prefixes") or []
    if not isinstance(prefixes, list):
        raise SpecError(f"{source}: file_prefixes 应为列表")
    checks = raw.get("checks") or []
    if not isinstance(checks, list) or any(c not in ROW_CHECKS for c in checks):
        raise SpecError(f"{source}: checks 应为列表，可选：{', '.join(ROW_CHECKS)}，收到 {checks!r}")
    closed = raw.get("closed_with_bonus", False)
    if not isinstance(closed, bool):
        raise SpecError(f"{source}: closed_with_bonus 应为 true/false")
    return DatasetSpec(
        dataset=dataset,
        label=str(raw["label"]),
        sheet=sheet,
        period_column=period,
        columns=columns,
        keys=tuple(keys),
        file_prefixes=tuple(str(p) for p in prefixes),
        checks=tuple(checks),
        closed_with_bonus=closed,
    )


def load_spec(path: Path | str) -> DatasetSpec:
    """Load and check one dataset spec YAML file."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path.name}: YAML 语法错误：{exc}") from None
    return parse_spec(raw, path.name)


@cache
def load_specs(directory: Path | str = DATASETS_DIR) -> dict[str, DatasetSpec]:
    """All dataset specs of ``directory`` by dataset id (checked; sheet names must be unique)."""
    specs: dict[str, DatasetSpec] = {}
    sheets: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        spec = load_spec(path)
        if spec.dataset in specs:
            raise SpecError(f"{path.name}: 数据集 {spec.dataset} 重复定义")
        if spec.sheet in sheets:
            raise SpecError(f"{path.name}: 工作表名「{spec.sheet}」已被 {sheets[spec.sheet]} 使用")
        specs[spec.dataset] = spec
        sheets[spec.sheet] = spec.dataset
    return specs


def get_spec(dataset: str | DatasetSpec) -> DatasetSpec:
    """The spec of a dataset id (a :class:`DatasetSpec` is returned as is)."""
    if isinstance(dataset, DatasetSpec):
        return dataset
    specs = load_specs()
    if dataset not in specs:
        raise KeyError(f"未知的填报数据集 {dataset!r}，可用：{', '.join(sorted(specs))}")
    return specs[dataset]
