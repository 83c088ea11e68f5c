"""Validation of the KPI configuration seeds (综合目标考核配置校验), before any computation.

The configuration is data — the dbt seeds in ``dbt_project/seeds/kpi/``:

* ``kpi_methods.csv``            计分方法 (method, method_name, enabled, description)
* ``kpi_indicators.csv``         指标库 (one row per indicator; references ``metric:<code>``/``indicator:<code>``)
* ``kpi_schemes.csv``            考核方案 (scheme_code, scheme_score, …)
* ``kpi_scheme_indicators.csv``  方案指标与权重 (scheme_code, indicator_code, weight)
* ``kpi_score_bands.csv``        多区间法分段表 (optional: checked only when present)

:func:`validate_kpi_config` returns every problem found (it does not stop at the first one); each
:class:`KpiConfigError` names the file, the line (header = line 1), the column and a Chinese reason.
:func:`check_kpi_config` raises :class:`KpiConfigInvalid` when there is any.

Scope: structural checks (duplicates, numbers, dates, direction, points, floor/cap) apply to every
indicator row; method, method-parameter and reference checks apply to *enabled* indicators only
(a disabled indicator may be an unfinished draft, but nothing enabled may depend on it).
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from connectors.kpi_config.metrics import DBT_METRICS_YML, known_metric_codes

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "kpi"

METHODS_FILE = "kpi_methods.csv"
INDICATORS_FILE = "kpi_indicators.csv"
SCHEMES_FILE = "kpi_schemes.csv"
SCHEME_INDICATORS_FILE = "kpi_scheme_indicators.csv"
BANDS_FILE = "kpi_score_bands.csv"
FILE_ORDER = (METHODS_FILE, INDICATORS_FILE, SCHEMES_FILE, SCHEME_INDICATORS_FILE, BANDS_FILE)

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    METHODS_FILE: ("method", "method_name", "enabled"),
    INDICATORS_FILE: (
        "indicator_code",
        "indicator_name",
        "direction",
        "numerator_ref",
        "denominator_ref",
        "method",
        "points",
        "floor_score",
        "cap_score",
        "step",
        "per_step_score",
        "deviation_kind",
        "threshold",
        "partial_points",
        "factor",
        "band_set",
        "target_growth",
        "default_baseline",
        "default_best",
        "enabled",
    ),
    SCHEMES_FILE: ("scheme_code", "scheme_name", "scheme_score"),
    SCHEME_INDICATORS_FILE: ("scheme_code", "indicator_code", "weight"),
    BANDS_FILE: ("band_set", "band_no", "lower_bound", "upper_bound", "score"),
}

# The scoring methods the scoring model implements (int_kpi__scores).
SUPPORTED_METHODS: dict[str, str] = {
    "target_ratio": "目标参照法",
    "plus_minus": "加减分法",
    "interval": "区间法",
    "bands": "多区间法",
    "comparison": "比较法",
    "threshold": "达标法",
    "actual_value": "实际值法",
    "rank": "排名法",
}
DIRECTIONS = ("higher", "lower")
DEVIATION_KINDS = ("difference", "increment", "growth_rate")
_INDICATOR_NUMBERS = (
    "points",
    "floor_score",
    "cap_score",
    "step",
    "per_step_score",
    "threshold",
    "partial_points",
    "factor",
    "target_growth",
    "default_baseline",
    "default_best",
)
_REF_COLUMNS = ("numerator_ref", "denominator_ref")


@dataclass(frozen=True)
class KpiConfigError:
    """One configuration problem: file, line (header = 1; 0 = the file itself), column, reason."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}：{self.message}"
        where = f"{self.file} 第 {self.line} 行"
        if self.column:
            where += f" {self.column} 列"
        return f"{where}：{self.message}"


class KpiConfigInvalid(ValueError):
    """The KPI configuration has errors; ``errors`` lists them all."""

    def __init__(self, errors: list[KpiConfigError], seed_dir: Path | str | None = None):
        self.errors = list(errors)
        self.seed_dir = seed_dir
        where = f"（{seed_dir}）" if seed_dir is not None else ""
        lines = [f"KPI 配置校验未通过{where}：共 {len(self.errors)} 个错误，请修正后再计算综合目标考核得分"]
        lines += [f"  {i}. {e}" for i, e in enumerate(self.errors, 1)]
        super().__init__("\n".join(lines))


def format_number(value: Decimal) -> str:
    """``Decimal`` without exponent or trailing zeros: 100.00 → ``100``, 0.50 → ``0.5``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN (pandas)
        return True
    return str(value).strip() == ""


Row = tuple[int, dict[str, str]]


@dataclass
class _Indicator:
    code: str
    line: int
    row: dict[str, str]
    enabled: bool
    # (referenced indicator code, column) of indicator:<code> references to an enabled indicator
    deps: list[tuple[str, str]] = field(default_factory=list)


class _Validator:
    def __init__(self, seed_dir: Path, targets, dbt_metrics_yml: Path | str):
        self.seed_dir = seed_dir
        self.errors: list[KpiConfigError] = []
        self.metrics = known_metric_codes(dbt_metrics_yml)
        self.covered_targets = _covered_targets(targets)
        self.methods: dict[str, tuple[bool, str]] = {}  # method → (enabled, method_name)
        self.indicators: dict[str, _Indicator] = {}
        self.band_sets: set[str] | None = None
        self.indicators_read = False
        self.methods_read = False

    # -- helpers -------------------------------------------------------------------------------
    def err(self, file: str, line: int, column: str, message: str) -> None:
        self.errors.append(KpiConfigError(file, line, column, message))

    def read(self, file: str, *, optional: bool = False) -> list[Row] | None:
        path = self.seed_dir / file
        if not path.is_file():
            if not optional:
                self.err(file, 0, "", f"文件不存在（{path}）")
            return None
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in REQUIRED_COLUMNS[file] if c not in header]
            if missing:
                for column in missing:
                    self.err(file, 1, column, f"缺少列 {column}")
                return None
            rows: list[Row] = []
            for record in reader:
                line = reader.line_num
                if not any(v.strip() for v in record):
                    continue
                if len(record) > len(header):
                    self.err(file, line, "", f"字段数 {len(record)} 多于表头的 {len(header)} 列")
                values = [v.strip() for v in record] + [""] * (len(header) - len(record))
                rows.append((line, dict(zip(header, values, strict=False))))
        return rows

    def number(self, file: str, line: int, row: dict[str, str], column: str) -> Decimal | None:
        raw = row.get(column, "")
        if raw == "":
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.err(file, line, column, f"{column} 应为数字，收到 {raw!r}")
            return None
        return value

    def flag(self, file: str, line: int, row: dict[str, str], column: str = "enabled") -> bool:
        raw = row.get(column, "").lower()
        if raw in ("true", "false"):
            return raw == "true"
        self.err(file, line, column, f"{column} 应为 true 或 false，收到 {row.get(column, '')!r}")
        return True  # treated as enabled, so that its other problems are reported too

    def dates(self, file: str, line: int, row: dict[str, str]) -> None:
        parsed = {}
        for column in ("effective_from", "effective_to"):
            raw = row.get(column, "")
            if raw == "":
                continue
            try:
                parsed[column] = date.fromisoformat(raw)
            except ValueError:
                self.err(file, line, column, f"{column} 应为日期 YYYY-MM-DD，收到 {raw!r}")
        if len(parsed) == 2 and parsed["effective_from"] > parsed["effective_to"]:
            self.err(
                file,
                line,
                "effective_to",
                f"生效日期 effective_from ({row['effective_from']}) 晚于失效日期 effective_to ({row['effective_to']})",
            )

    # -- files ---------------------------------------------------------------------------------
    def check_methods(self) -> None:
        rows = self.read(METHODS_FILE)
        if rows is None:
            return
        self.methods_read = True
        first: dict[str, int] = {}
        for line, row in rows:
            method = row["method"]
            if method == "":
                self.err(METHODS_FILE, line, "method", "计分方法编码 method 为空")
                continue
            if method in first:
                self.err(
                    METHODS_FILE, line, "method", f"计分方法 {method} 重复（首次出现在第 {first[method]} 行）"
                )
                continue
            first[method] = line
            if method not in SUPPORTED_METHODS:
                self.err(
                    METHODS_FILE,
                    line,
                    "method",
                    f"计分方法 {method} 不是系统支持的方法，应为 {'、'.join(SUPPORTED_METHODS)} 之一",
                )
            enabled = self.flag(METHODS_FILE, line, row)
            self.methods[method] = (enabled, row["method_name"] or SUPPORTED_METHODS.get(method, ""))

    def check_bands(self) -> None:
        rows = self.read(BANDS_FILE, optional=True)
        if rows is None:
            return
        self.band_sets = set()
        first: dict[tuple[str, str], int] = {}
        for line, row in rows:
            band_set = row["band_set"]
            if band_set == "":
                self.err(BANDS_FILE, line, "band_set", "分段组 band_set 为空")
                continue
            self.band_sets.add(band_set)
            band_no = row["band_no"]
            if not band_no.isdigit():
                self.err(BANDS_FILE, line, "band_no", f"分段序号 band_no 应为正整数，收到 {band_no!r}")
            elif (band_set, band_no) in first:
                self.err(
                    BANDS_FILE,
                    line,
                    "band_no",
                    f"分段组「{band_set}」的分段 {band_no} 重复（首次出现在第 {first[band_set, band_no]} 行）",
                )
            else:
                first[band_set, band_no] = line
            lower = self.number(BANDS_FILE, line, row, "lower_bound")
            upper = self.number(BANDS_FILE, line, row, "upper_bound")
            if row["score"] == "":
                self.err(BANDS_FILE, line, "score", f"分段组「{band_set}」的分段 {band_no} 缺少得分 score")
            else:
                self.number(BANDS_FILE, line, row, "score")
            if lower is not None and upper is not None and lower >= upper:
                self.err(
                    BANDS_FILE,
                    line,
                    "upper_bound",
                    f"分段组「{band_set}」的分段 {band_no}：下界 lower_bound ({format_number(lower)}) "
                    f"应小于上界 upper_bound ({format_number(upper)})",
                )

    def check_indicators(self) -> None:
        rows = self.read(INDICATORS_FILE)
        if rows is None:
            return
        self.indicators_read = True
        f = INDICATORS_FILE
        for line, row in rows:
            code = row["indicator_code"]
            if code == "":
                self.err(f, line, "indicator_code", "指标编码 indicator_code 为空")
                continue
            if code in self.indicators:
                first = self.indicators[code].line
                self.err(f, line, "indicator_code", f"指标编码 {code} 重复（首次出现在第 {first} 行）")
                continue
            enabled = self.flag(f, line, row)
            self.indicators[code] = _Indicator(code, line, row, enabled)
            self.check_indicator_structure(code, line, row)
        # references need the whole library: second pass
        for ind in self.indicators.values():
            if ind.enabled:
                self.check_indicator_method(ind)
                self.check_indicator_refs(ind)
        self.check_cycles()

    def check_indicator_structure(self, code: str, line: int, row: dict[str, str]) -> None:
        f = INDICATORS_FILE
        if row["direction"] not in DIRECTIONS:
            self.err(
                f,
                line,
                "direction",
                f"指标 {code} 的方向 direction {row['direction']!r} 无效，应为 higher 或 lower",
            )
        numbers = {c: self.number(f, line, row, c) for c in _INDICATOR_NUMBERS if c in row}
        points = numbers.get("points")
        if row["points"] == "":
            self.err(f, line, "points", f"指标 {code} 缺少满分 points")
        elif points is not None and points <= 0:
            self.err(f, line, "points", f"指标 {code} 的满分 points 应大于 0，收到 {format_number(points)}")
        floor, cap = numbers.get("floor_score"), numbers.get("cap_score")
        if floor is not None and cap is not None and floor > cap:
            self.err(
                f,
                line,
                "floor_score",
                f"指标 {code} 的下限 floor_score ({format_number(floor)}) 大于上限 cap_score ({format_number(cap)})",
            )
        self.dates(f, line, row)

    def check_indicator_method(self, ind: _Indicator) -> None:
        f, code, line, row = INDICATORS_FILE, ind.code, ind.line, ind.row
        method = row["method"]
        if method == "":
            self.err(f, line, "method", f"指标 {code} 缺少计分方法 method")
            return
        if self.methods_read:  # otherwise kpi_methods.csv is missing or malformed, reported once
            if method not in self.methods:
                self.err(f, line, "method", f"指标 {code} 使用的计分方法 {method} 未在 {METHODS_FILE} 中定义")
                return
            method_enabled, method_name = self.methods[method]
            if not method_enabled:
                self.err(
                    f, line, "method", f"指标 {code} 已启用，但其计分方法 {method}（{method_name}）已停用"
                )
        label = f"{SUPPORTED_METHODS.get(method, self.methods.get(method, (True, method))[1])}（{method}）"
        if method == "threshold" and row["threshold"] == "":
            self.err(f, line, "threshold", f"指标 {code} 使用{label}，但未填写达标值 threshold")
        elif method == "plus_minus":
            for column, what in (
                ("step", "步长"),
                ("per_step_score", "每步分值"),
                ("deviation_kind", "偏差类型"),
            ):
                if row[column] == "":
                    self.err(f, line, column, f"指标 {code} 使用{label}，但未填写{what} {column}")
            step = row["step"]
            try:
                if step != "" and Decimal(step) <= 0:
                    self.err(f, line, "step", f"指标 {code} 的步长 step 应大于 0，收到 {step}")
            except InvalidOperation:
                pass  # already reported as not a number
            kind = row["deviation_kind"]
            if kind != "" and kind not in DEVIATION_KINDS:
                self.err(
                    f,
                    line,
                    "deviation_kind",
                    f"指标 {code} 的偏差类型 deviation_kind {kind!r} 无效，应为 {'、'.join(DEVIATION_KINDS)} 之一",
                )
        elif method == "interval":
            missing = [
                (c, w)
                for c, w in (("default_baseline", "基准值"), ("default_best", "最优值"))
                if row[c] == ""
            ]
            if missing and code not in self.covered_targets:
                what = "和".join(f"{w} {c}" for c, w in missing)
                self.err(
                    f,
                    line,
                    missing[0][0],
                    f"指标 {code} 使用{label}但没有目标：指标库缺少{what}，且填报的科室目标值中没有同时给出基准值和最优值",
                )
        elif method == "bands":
            band_set = row["band_set"]
            if band_set == "":
                self.err(f, line, "band_set", f"指标 {code} 使用{label}，但未填写分段组 band_set")
            elif self.band_sets is not None and band_set not in self.band_sets:
                self.err(f, line, "band_set", f"指标 {code} 的分段组「{band_set}」在 {BANDS_FILE} 中不存在")

    def check_indicator_refs(self, ind: _Indicator) -> None:
        f, code, line = INDICATORS_FILE, ind.code, ind.line
        for column in _REF_COLUMNS:
            ref = ind.row[column]
            if ref == "":
                if column == "numerator_ref":
                    self.err(f, line, column, f"指标 {code} 缺少分子引用 numerator_ref")
                continue
            kind, sep, target = ref.partition(":")
            kind, target = kind.strip(), target.strip()
            if not sep or kind not in ("metric", "indicator") or not target:
                self.err(
                    f,
                    line,
                    column,
                    f"指标 {code} 的 {column} {ref!r} 格式无效，应为 metric:<基础指标编码> 或 indicator:<指标编码>",
                )
            elif kind == "metric":
                if target not in self.metrics:
                    self.err(f, line, column, f"指标 {code} 的 {column} 引用了未知的基础指标 {target}")
            elif target not in self.indicators:
                self.err(f, line, column, f"指标 {code} 的 {column} 引用了不存在的指标 {target}")
            elif not self.indicators[target].enabled:
                self.err(f, line, column, f"指标 {code} 的 {column} 引用了已停用的指标 {target}")
            else:
                ind.deps.append((target, column))

    def cycles(self) -> list[list[str]]:
        """Each cycle among enabled derived indicators, once: ``[K30, K31, K30]`` (starts at its smallest code)."""
        graph = {c: sorted({d for d, _ in i.deps}) for c, i in self.indicators.items() if i.enabled}
        found = []
        for component in _strongly_connected(graph):
            start = min(component)
            if len(component) == 1 and start not in graph[start]:
                continue
            found.append(_shortest_cycle(graph, start, set(component)))
        return sorted(found)

    def check_cycles(self) -> None:
        for path in self.cycles():
            ind = self.indicators[path[0]]
            column = next(c for d, c in ind.deps if d == path[1])
            self.err(INDICATORS_FILE, ind.line, column, f"派生指标存在循环引用：{' → '.join(path)}")

    def check_schemes(self) -> None:
        schemes: dict[str, tuple[int, Decimal | None]] = {}
        rows = self.read(SCHEMES_FILE)
        for line, row in rows or []:
            code = row["scheme_code"]
            if code == "":
                self.err(SCHEMES_FILE, line, "scheme_code", "方案编码 scheme_code 为空")
                continue
            if code in schemes:
                first = schemes[code][0]
                self.err(
                    SCHEMES_FILE, line, "scheme_code", f"方案编码 {code} 重复（首次出现在第 {first} 行）"
                )
                continue
            score = self.number(SCHEMES_FILE, line, row, "scheme_score")
            if row["scheme_score"] == "":
                self.err(SCHEMES_FILE, line, "scheme_score", f"方案 {code} 缺少方案总分 scheme_score")
            elif score is not None and score <= 0:
                self.err(
                    SCHEMES_FILE,
                    line,
                    "scheme_score",
                    f"方案 {code} 的总分 scheme_score 应大于 0，收到 {format_number(score)}",
                )
            schemes[code] = (line, score)
            self.dates(SCHEMES_FILE, line, row)

        links = self.read(SCHEME_INDICATORS_FILE)
        if links is None:
            return
        f = SCHEME_INDICATORS_FILE
        seen: dict[tuple[str, str], int] = {}
        first_line: dict[str, int] = {}
        totals: dict[str, Decimal] = defaultdict(Decimal)
        incomplete: set[str] = set()
        for line, row in links:
            scheme, code = row["scheme_code"], row["indicator_code"]
            first_line.setdefault(scheme, line)
            if scheme == "":
                self.err(f, line, "scheme_code", "方案编码 scheme_code 为空")
            elif rows is not None and scheme not in schemes:
                self.err(f, line, "scheme_code", f"方案 {scheme} 未在 {SCHEMES_FILE} 中定义")
            if code == "":
                self.err(f, line, "indicator_code", f"方案 {scheme} 的指标编码 indicator_code 为空")
            elif (scheme, code) in seen:
                self.err(
                    f,
                    line,
                    "indicator_code",
                    f"指标 {code} 在方案 {scheme} 中重复出现（首次出现在第 {seen[scheme, code]} 行）",
                )
            else:
                seen[scheme, code] = line
                if self.indicators_read:
                    if code not in self.indicators:
                        self.err(f, line, "indicator_code", f"方案 {scheme} 引用了不存在的指标 {code}")
                    elif not self.indicators[code].enabled:
                        self.err(f, line, "indicator_code", f"方案 {scheme} 引用了已停用的指标 {code}")
            weight = self.number(f, line, row, "weight")
            if weight is None:
                if row["weight"] == "":
                    self.err(f, line, "weight", f"方案 {scheme} 中指标 {code} 缺少权重 weight")
                incomplete.add(scheme)
            elif weight <= 0:
                self.err(
                    f,
                    line,
                    "weight",
                    f"方案 {scheme} 中指标 {code} 的权重 weight 应大于 0，收到 {format_number(weight)}",
                )
                totals[scheme] += weight
            else:
                totals[scheme] += weight
        for scheme, (line, score) in schemes.items():
            if scheme not in first_line:
                self.err(
                    SCHEMES_FILE, line, "scheme_code", f"方案 {scheme} 没有配置任何指标（{f} 中没有该方案）"
                )
            elif score is not None and scheme not in incomplete and totals[scheme] != score:
                self.err(
                    f,
                    first_line[scheme],
                    "weight",
                    f"方案 {scheme} 的指标权重合计 {format_number(totals[scheme])}，应等于方案总分 {format_number(score)}",
                )

    def run(self) -> list[KpiConfigError]:
        self.check_methods()
        self.check_bands()
        self.check_indicators()
        self.check_schemes()
        order = {name: i for i, name in enumerate(FILE_ORDER)}
        return sorted(self.errors, key=lambda e: (order.get(e.file, len(order)), e.line))


def _covered_targets(targets: Iterable[Mapping] | None) -> set[str]:
    """Indicator codes for which at least one filed target row gives both baseline and best."""
    covered: set[str] = set()
    for t in targets or ():
        code = t.get("indicator_code")
        if not _blank(code) and not _blank(t.get("baseline")) and not _blank(t.get("best")):
            covered.add(str(code).strip())
    return covered


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _shortest_cycle(graph: dict[str, list[str]], start: str, within: set[str]) -> list[str]:
    """Shortest path start → … → start inside one strongly connected component (BFS, sorted neighbours)."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in graph[node]:
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if child in within and child not in parent:
                parent[child] = node
                queue.append(child)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - SCC guarantees one


def validate_kpi_config(
    seed_dir: Path | str = DEFAULT_SEED_DIR,
    *,
    targets: Iterable[Mapping] | None = None,
    dbt_metrics_yml: Path | str = DBT_METRICS_YML,
) -> list[KpiConfigError]:
    """Every problem of the KPI configuration in ``seed_dir`` (empty list = valid).

    ``targets``: filed department targets (rows of ``raw_manual.kpi_target``: dicts with
    ``indicator_code``, ``baseline``, ``best``). An interval-method indicator without
    ``default_baseline``/``default_best`` is accepted when at least one filed row gives both.
    """
    return _Validator(Path(seed_dir), targets, dbt_metrics_yml).run()


def check_kpi_config(
    seed_dir: Path | str = DEFAULT_SEED_DIR,
    *,
    targets: Iterable[Mapping] | None = None,
    dbt_metrics_yml: Path | str = DBT_METRICS_YML,
) -> None:
    """Raise :class:`KpiConfigInvalid` (Chinese summary + every error) when the configuration has errors."""
    errors = validate_kpi_config(seed_dir, targets=targets, dbt_metrics_yml=dbt_metrics_yml)
    if errors:
        raise KpiConfigInvalid(errors, seed_dir)


def calculation_order(
    seed_dir: Path | str = DEFAULT_SEED_DIR, *, dbt_metrics_yml: Path | str = DBT_METRICS_YML
) -> list[list[str]]:
    """Enabled indicators by calculation level (topological order of ``indicator:`` references).

    Level 0 references base metrics only; an indicator of level n references at least one indicator of
    level n − 1 and none of a higher level. Codes are sorted within a level. References to unknown or
    disabled indicators are ignored here (they are errors of :func:`validate_kpi_config`); a cycle makes
    the order undefined and raises :class:`KpiConfigInvalid` naming the cycle.
    """
    v = _Validator(Path(seed_dir), None, dbt_metrics_yml)
    v.run()
    cycles = [e for e in v.errors if e.message.startswith("派生指标存在循环引用")]
    if cycles:
        raise KpiConfigInvalid(cycles, seed_dir)
    enabled = {c: i for c, i in v.indicators.items() if i.enabled}
    level: dict[str, int] = {}

    def resolve(code: str) -> int:
        if code not in level:
            deps = [d for d, _ in enabled[code].deps]
            level[code] = 1 + max((resolve(d) for d in deps), default=-1)
        return level[code]

    for code in enabled:
        resolve(code)
    levels: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for code, n in level.items():
        levels[n].append(code)
    return [sorted(codes) for codes in levels]
