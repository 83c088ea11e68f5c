"""The demo hospital's department master list (科室体系).

One row per performance department (绩效科室) of a Chinese TCM-featured general hospital
(中医院), with its category (科室类别), accounting group (核算分组) and the code that each
source system uses for it. Every source system has its own coding scheme, so mapping a
source code to a performance department is real work:

- HIS 医院信息系统 ``KSDM``: four digits, e.g. ``'0301'``;
- finance 财务 ``cdepcode``: hierarchical, e.g. ``'10203'``;
- cost accounting 成本核算 ``CBKSDM``: ``'KS015'`` style, numbered in a different order;
- HR 人事 org ``fnumber``: ``'ORG.03.02'``;
- NIS 护理信息系统 ``ward_code`` for inpatient wards (病区): ``'BQ03'``.

Two deliberate irregularities make the mapping non-trivial:

- 中医内科 has two wards (BQ01, BQ02), so the NIS → department mapping is many-to-one;
- 呼吸内科 was re-coded in HIS on :data:`HIS_RECODE_DATE` (renamed 呼吸与危重症医学科,
  new KSDM), so the HIS code map is effective-dated.

:func:`write_department_seeds` writes the dbt seeds ``perf_department.csv`` and
``dept_code_map.csv`` from this module; the committed seeds must equal its output.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

SEED_EFFECTIVE_FROM = "2020-01-01"

#: HIS re-coding of 呼吸内科: old KSDM valid until the day before, new KSDM from this date.
HIS_RECODE_DATE = dt.date(2025, 7, 1)
HIS_RECODE_OLD = "0308"
HIS_RECODE_NEW = "0321"
HIS_RECODE_NEW_NAME = "呼吸与危重症医学科"

CATEGORIES = ("临床", "医技", "医辅", "护理", "行政后勤")
ACCOUNTING_GROUPS = ("医生组", "护理组", "医技组", "药剂", "行政后勤", "中医特色")


@dataclass(frozen=True)
class Ward:
    """An inpatient ward (病区) in the nursing information system."""

    code: str
    name: str
    bed_weight: int  # share of the hospital's open beds at beds=200


@dataclass(frozen=True)
class Department:
    """One performance department and each source system's own code for it."""

    code: str  # perf code 绩效科室编码, e.g. D0101
    name: str
    category: str  # 科室类别: 临床/医技/医辅/护理/行政后勤
    parent: str  # perf group node
    group: str  # 核算分组
    his: str  # HIS KSDM
    fin: str  # finance cdepcode
    cost: str  # cost-accounting CBKSDM
    hr: str  # HR org fnumber
    wards: tuple[Ward, ...] = ()
    op_weight: float = 0.0  # share of outpatient visits (门诊量权重)
    tcm: bool = False  # TCM department (中医特色)
    # staff at beds=200: doctors/medical staff, nurses, technicians/pharmacists/admin (other)
    doctors: int = 0
    nurses: int = 0
    others: int = 0
    alos: float = 9.0  # average length of stay 平均住院日 for its wards
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def inpatient(self) -> bool:
        return bool(self.wards)

    @property
    def outpatient(self) -> bool:
        return self.op_weight > 0


def _w(code: str, name: str, weight: int) -> tuple[Ward, ...]:
    return (Ward(code, name, weight),)


# Group nodes (not accounting units) of the perf hierarchy.
GROUP_NODES = (
    ("D01", "临床科室", "临床"),
    ("D02", "医技科室", "医技"),
    ("D03", "医辅科室", "医辅"),
    ("D04", "护理单元", "护理"),
    ("D05", "行政后勤", "行政后勤"),
)

# fmt: off
DEPARTMENTS: tuple[Department, ...] = (
    # ---- 临床 clinical --------------------------------------------------------------------------------
    Department("D0101", "中医内科", "临床", "D01", "中医特色", "0301", "10101", "KS003", "ORG.03.01",
               (Ward("BQ01", "中医内科一病区", 24), Ward("BQ02", "中医内科二病区", 22)),
               op_weight=18, tcm=True, doctors=22, nurses=26, alos=10.5),
    Department("D0102", "针灸科", "临床", "D01", "中医特色", "0302", "10102", "KS007", "ORG.03.02",
               _w("BQ03", "针灸科病区", 10), op_weight=9, tcm=True, doctors=10, nurses=7, alos=11.0),
    Department("D0103", "推拿科", "临床", "D01", "中医特色", "0303", "10103", "KS008", "ORG.03.03",
               (), op_weight=6, tcm=True, doctors=7, nurses=2),
    Department("D0104", "康复科", "临床", "D01", "中医特色", "0304", "10104", "KS009", "ORG.03.04",
               _w("BQ04", "康复科病区", 14), op_weight=4, tcm=True, doctors=8, nurses=9, alos=14.0),
    Department("D0105", "骨伤科", "临床", "D01", "中医特色", "0305", "10105", "KS004", "ORG.03.05",
               _w("BQ05", "骨伤科病区", 20), op_weight=9, tcm=True, doctors=12, nurses=12, alos=9.5),
    Department("D0106", "肛肠科", "临床", "D01", "中医特色", "0306", "10106", "KS005", "ORG.03.06",
               _w("BQ06", "肛肠科病区", 10), op_weight=4, tcm=True, doctors=6, nurses=7, alos=7.0),
    Department("D0107", "心血管内科", "临床", "D01", "医生组", "0307", "10201", "KS010", "ORG.03.07",
               _w("BQ07", "心血管内科病区", 18), op_weight=7, doctors=10, nurses=11, alos=8.5),
    Department("D0108", "呼吸内科", "临床", "D01", "医生组", HIS_RECODE_OLD, "10202", "KS011", "ORG.03.08",
               _w("BQ08", "呼吸内科病区", 16), op_weight=7, doctors=9, nurses=10, alos=9.0),
    Department("D0109", "消化内科", "临床", "D01", "医生组", "0309", "10203", "KS012", "ORG.03.09",
               _w("BQ09", "消化内科病区", 14), op_weight=6, doctors=8, nurses=9, alos=8.0),
    Department("D0110", "普外科", "临床", "D01", "医生组", "0310", "10204", "KS013", "ORG.03.10",
               _w("BQ10", "普外科病区", 16), op_weight=4, doctors=10, nurses=10, alos=7.5),
    Department("D0111", "妇产科", "临床", "D01", "医生组", "0311", "10205", "KS014", "ORG.03.11",
               _w("BQ11", "妇产科病区", 12), op_weight=7, doctors=9, nurses=11, alos=5.5),
    Department("D0112", "儿科", "临床", "D01", "医生组", "0312", "10206", "KS015", "ORG.03.12",
               _w("BQ12", "儿科病区", 10), op_weight=8, doctors=8, nurses=8, alos=6.0),
    Department("D0113", "五官科", "临床", "D01", "医生组", "0313", "10207", "KS016", "ORG.03.13",
               _w("BQ13", "五官科病区", 8), op_weight=6, doctors=8, nurses=6, alos=5.5),
    Department("D0114", "重症医学科", "临床", "D01", "医生组", "0314", "10301", "KS017", "ORG.03.14",
               _w("BQ14", "重症医学科(ICU)", 6), doctors=6, nurses=16, alos=6.5),
    Department("D0115", "急诊科", "临床", "D01", "医生组", "0201", "10302", "KS018", "ORG.03.15",
               (), op_weight=8, doctors=10, nurses=14),
    # ---- 医技 medical technology (药剂 is its own accounting group) ----------------------------------
    Department("D0201", "麻醉科", "医技", "D02", "医技组", "0501", "20101", "KS020", "ORG.02.01",
               doctors=10),
    Department("D0202", "检验科", "医技", "D02", "医技组", "0502", "20102", "KS021", "ORG.02.02",
               others=14),
    Department("D0203", "放射科", "医技", "D02", "医技组", "0503", "20103", "KS022", "ORG.02.03",
               doctors=4, others=9),
    Department("D0204", "超声医学科", "医技", "D02", "医技组", "0504", "20104", "KS023", "ORG.02.04",
               doctors=6, others=2),
    Department("D0205", "病理科", "医技", "D02", "医技组", "0505", "20105", "KS024", "ORG.02.05",
               doctors=2, others=3),
    Department("D0206", "药剂科", "医技", "D02", "药剂", "0601", "20201", "KS025", "ORG.02.06",
               others=16),
    # ---- 医辅 auxiliary ------------------------------------------------------------------------------
    Department("D0301", "消毒供应中心", "医辅", "D03", "护理组", "0701", "30101", "KS030", "ORG.05.01",
               nurses=3, others=4),
    Department("D0302", "病案统计室", "医辅", "D03", "行政后勤", "0702", "30102", "KS031", "ORG.05.02",
               others=4),
    # ---- 护理 nursing units -------------------------------------------------------------------------
    Department("D0401", "手术室", "护理", "D04", "护理组", "0801", "30201", "KS026", "ORG.04.01",
               nurses=18),
    Department("D0402", "门诊输液室", "护理", "D04", "护理组", "0802", "30202", "KS027", "ORG.04.02",
               nurses=8),
    # ---- 行政后勤 administration and logistics ---------------------------------------------------
    Department("D0501", "院办", "行政后勤", "D05", "行政后勤", "0901", "40101", "KS001", "ORG.01.01",
               others=8),
    Department("D0502", "医务科", "行政后勤", "D05", "行政后勤", "0902", "40102", "KS002", "ORG.01.02",
               others=5),
    Department("D0503", "护理部", "行政后勤", "D05", "行政后勤", "0903", "40103", "KS006", "ORG.01.03",
               nurses=4),
    Department("D0504", "财务科", "行政后勤", "D05", "行政后勤", "0904", "40104", "KS032", "ORG.01.04",
               others=8),
    Department("D0505", "人事科", "行政后勤", "D05", "行政后勤", "0905", "40105", "KS033", "ORG.01.05",
               others=4),
    Department("D0506", "医保办", "行政后勤", "D05", "行政后勤", "0906", "40106", "KS034", "ORG.01.06",
               others=4),
    Department("D0507", "信息科", "行政后勤", "D05", "行政后勤", "0907", "40107", "KS035", "ORG.01.07",
               others=6),
    Department("D0508", "总务后勤科", "行政后勤", "D05", "行政后勤", "0908", "40108", "KS036", "ORG.01.08",
               others=16),
)
# fmt: on

DEPT_BY_CODE = {d.code: d for d in DEPARTMENTS}
DEPT_BY_NAME = {d.name: d for d in DEPARTMENTS}

# finance department tree (cdepcode, name, grade, parent) for the non-leaf nodes
FINANCE_GROUPS = (
    ("1", "临床科室", 1, ""),
    ("101", "中医临床", 2, "1"),
    ("102", "西医临床", 2, "1"),
    ("103", "急重症", 2, "1"),
    ("2", "医技科室", 1, ""),
    ("201", "医技检查", 2, "2"),
    ("202", "药事", 2, "2"),
    ("3", "医辅及护理", 1, ""),
    ("301", "医辅", 2, "3"),
    ("302", "护理单元", 2, "3"),
    ("4", "行政后勤", 1, ""),
    ("401", "职能科室", 2, "4"),
)

# HR org tree (fnumber, name, parent fnumber) for non-leaf nodes
HR_GROUPS = (
    ("ORG", "某某市中医院", ""),
    ("ORG.01", "行政职能部门", "ORG"),
    ("ORG.02", "医技部门", "ORG"),
    ("ORG.03", "临床部门", "ORG"),
    ("ORG.04", "护理单元", "ORG"),
    ("ORG.05", "医辅部门", "ORG"),
)

# cost centre type 科室类型 and allocation stage 分摊级次 per perf category / department
COST_TYPE = {"临床": "临床服务类", "医技": "医疗技术类", "医辅": "医疗辅助类", "行政后勤": "行政后勤类"}
COST_TYPE_OVERRIDE = {"D0401": "医疗技术类", "D0402": "医疗辅助类"}  # 手术室 / 门诊输液室
COST_STAGE = {"行政后勤类": 1, "医疗辅助类": 2, "医疗技术类": 3, "临床服务类": 0}


def cost_type(dept: Department) -> str:
    return COST_TYPE_OVERRIDE.get(dept.code, COST_TYPE.get(dept.category, "医疗辅助类"))


def wards() -> list[tuple[Ward, Department]]:
    return [(w, d) for d in DEPARTMENTS for w in d.wards]


def his_code(dept: Department, day: dt.date) -> str:
    """The HIS KSDM in use for ``dept`` on ``day`` (呼吸内科 was re-coded)."""
    if dept.his == HIS_RECODE_OLD and day >= HIS_RECODE_DATE:
        return HIS_RECODE_NEW
    return dept.his


def his_name(dept: Department, code: str) -> str:
    return HIS_RECODE_NEW_NAME if code == HIS_RECODE_NEW else dept.name


def his_dept_rows() -> list[dict]:
    """HIS department dictionary rows (GY_KSDM without XGSJ), old and new codes."""
    rows = []
    parents = {"临床": "03", "医技": "05", "医辅": "07", "护理": "08", "行政后勤": "09"}
    for d in DEPARTMENTS:
        base = {
            "KSLB": d.category,
            "SJKSDM": parents[d.category],
            "MZBZ": 1 if d.outpatient else 0,
            "ZYBZ": 1 if d.inpatient else 0,
        }
        if d.his == HIS_RECODE_OLD:
            rows.append({"KSDM": d.his, "KSMC": d.name, **base, "TYBZ": 1})
            rows.append({"KSDM": HIS_RECODE_NEW, "KSMC": HIS_RECODE_NEW_NAME, **base, "TYBZ": 0})
        else:
            rows.append({"KSDM": d.his, "KSMC": d.name, **base, "TYBZ": 0})
    return rows


# ---------------------------------------------------------------------------------------------------
# dbt seeds
# ---------------------------------------------------------------------------------------------------
PERF_DEPARTMENT_COLUMNS = (
    "perf_dept_code", "perf_dept_name", "dept_category", "parent_dept_code",
    "accounting_group", "is_accounting_unit", "effective_from", "effective_to",
)
DEPT_CODE_MAP_COLUMNS = (
    "source_system", "source_dept_code", "source_dept_name", "perf_dept_code",
    "effective_from", "effective_to",
)


def perf_department_rows() -> list[dict]:
    rows = [
        {"perf_dept_code": code, "perf_dept_name": name, "dept_category": cat, "parent_dept_code": "",
         "accounting_group": "", "is_accounting_unit": "false",
         "effective_from": SEED_EFFECTIVE_FROM, "effective_to": ""}
        for code, name, cat in GROUP_NODES
    ]
    for d in DEPARTMENTS:
        rows.append({
            "perf_dept_code": d.code, "perf_dept_name": d.name, "dept_category": d.category,
            "parent_dept_code": d.parent, "accounting_group": d.group, "is_accounting_unit": "true",
            "effective_from": SEED_EFFECTIVE_FROM, "effective_to": "",
        })
    return rows


def dept_code_map_rows() -> list[dict]:
    """Source code → perf department, per system, effective-dated."""
    day_before = (HIS_RECODE_DATE - dt.timedelta(days=1)).isoformat()
    rows: list[dict] = []

    def add(system: str, code: str, name: str, perf: str, start: str = SEED_EFFECTIVE_FROM, end: str = ""):
        rows.append({"source_system": system, "source_dept_code": code, "source_dept_name": name,
                     "perf_dept_code": perf, "effective_from": start, "effective_to": end})

    for d in DEPARTMENTS:
        if d.his == HIS_RECODE_OLD:
            add("his", d.his, d.name, d.code, end=day_before)
            add("his", HIS_RECODE_NEW, HIS_RECODE_NEW_NAME, d.code, start=HIS_RECODE_DATE.isoformat())
        else:
            add("his", d.his, d.name, d.code)
    for d in DEPARTMENTS:
        add("finance", d.fin, d.name, d.code)
    for d in DEPARTMENTS:
        add("cost", d.cost, d.name, d.code)
    for d in DEPARTMENTS:
        add("hr", d.hr, d.name, d.code)
    for w, d in wards():
        add("beds", w.code, w.name, d.code)
    return rows


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_department_seeds(directory: str | Path) -> list[Path]:
    """Write ``perf_department.csv`` and ``dept_code_map.csv`` (dbt seeds) into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    p1 = directory / "perf_department.csv"
    p2 = directory / "dept_code_map.csv"
    _write_csv(p1, PERF_DEPARTMENT_COLUMNS, perf_department_rows())
    _write_csv(p2, DEPT_CODE_MAP_COLUMNS, dept_code_map_rows())
    return [p1, p2]
