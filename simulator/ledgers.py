"""Finance general ledger (财务总账) and cost accounting (成本核算) derived from the clinical data.

- Finance ``gl_accass`` credits each department's medical revenue (医疗收入) per month with exactly
  the HIS charge totals of that department (by 开单科室, mapped through the master list), split
  门诊/住院 × fee class, and debits its expenses (业务活动费用) with the cost system's direct costs.
  Revenue is booked from the *true* charges: HIS-side faults (missing day, duplicates, …) show up
  as HIS-vs-finance differences; ``revenue_mismatch`` alters one finance amount on purpose.
- Cost ``CB_KSCB`` holds direct cost (ZJCB) per month × cost centre × cost item and the three
  allocation stages of 三级分摊: JJCB1 行政后勤 → all others (by headcount), JJCB2 医疗辅助 →
  医技 + 临床 (by headcount), JJCB3 医疗技术 → 临床 (by the revenue each clinical department ordered
  from that centre). A sending centre carries the negative of what it sends, so every stage sums
  to zero over all centres, to the cent, and each item is allocated separately.
"""

from __future__ import annotations

import numpy as np

from .catalogue import FEE_CLASSES
from .hospital import COST_STAGE, DEPARTMENTS, FINANCE_GROUPS, cost_type
from .timeline import Window

FEE_CODES = list(FEE_CLASSES)  # index order of the fee dimension
JZLX = ("MZ", "ZY")
_REV_SUFFIX = {"01": ("01", "挂号收入"), "02": ("02", "诊察收入"), "03": ("03", "检查收入"), "04": ("04", "化验收入"),
               "05": ("05", "治疗收入"), "13": ("05", "治疗收入"), "06": ("06", "手术收入"), "07": ("07", "护理收入"),
               "08": ("08", "床位收入"), "09": ("09", "卫生材料收入"), "10": ("1001", "西药收入"),
               "11": ("1002", "中成药收入"), "12": ("1003", "中药饮片收入"), "99": ("99", "其他收入")}
_JZ_ACCOUNT = {"MZ": ("600101", "门诊收入"), "ZY": ("600102", "住院收入")}

# cost items 成本项目: code, name, class 成本分类 (七大类), finance expense account
COST_ITEMS = (
    ("0101", "工资福利费用", "人员经费", "500101"), ("0102", "社会保障缴费", "人员经费", "500101"),
    ("0201", "卫生材料费", "卫生材料费", "500102"), ("0301", "药品费", "药品费", "500103"),
    ("0401", "房屋折旧", "固定资产折旧费", "500104"), ("0402", "专用设备折旧", "固定资产折旧费", "500104"),
    ("0501", "无形资产摊销", "无形资产摊销费", "500199"), ("0601", "提取医疗风险基金", "提取医疗风险基金", "500199"),
    ("0701", "水电能源费", "其他运行费用", "500105"), ("0702", "维修(护)费", "其他运行费用", "500199"),
    ("0703", "其他费用", "其他运行费用", "500199"),
)
SALARY = np.array([22000.0, 13000.0, 15000.0, 12500.0, 11000.0])  # monthly, by post 医生/护理/医技/药剂/行政后勤
EQUIPMENT = {"D0203": 90000, "D0202": 45000, "D0204": 18000, "D0114": 30000, "D0401": 55000, "D0301": 9000,
             "D0507": 15000, "D0205": 8000, "D0201": 12000}


def chart_of_accounts() -> dict[str, list]:
    rows = [("1001", "库存现金", 1, "资产", 1), ("1002", "银行存款", 1, "资产", 1),
            ("1212", "应收医疗款", 1, "资产", 1), ("1601", "固定资产", 1, "资产", 1),
            ("1602", "固定资产累计折旧", 1, "资产", 1), ("2201", "应付职工薪酬", 1, "负债", 1),
            ("2301", "应付票据", 1, "负债", 1), ("2501", "长期借款", 1, "负债", 1),
            ("5001", "业务活动费用", 1, "费用", 0), ("500101", "人员经费", 2, "费用", 1),
            ("500102", "卫生材料费", 2, "费用", 1), ("500103", "药品费", 2, "费用", 1),
            ("500104", "固定资产折旧费", 2, "费用", 1), ("500105", "能源费", 2, "费用", 1),
            ("500199", "其他费用", 2, "费用", 1), ("6001", "医疗收入", 1, "收入", 0)]
    for jz in JZLX:
        acc, name = _JZ_ACCOUNT[jz]
        rows.append((acc, name, 2, "收入", 0))
        seen = set()
        for _fee, (suffix, sname) in _REV_SUFFIX.items():
            if suffix in seen:
                continue
            seen.add(suffix)
            if suffix.startswith("10") and len(suffix) == 4 and acc + "10" not in {r[0] for r in rows}:
                rows.append((acc + "10", "药品收入", 3, "收入", 0))
            rows.append((acc + suffix, sname, 4 if len(suffix) == 4 else 3, "收入", 1))
    rows.append(("6101", "财政拨款收入", 1, "收入", 1))
    return {"ccode": [r[0] for r in rows], "ccode_name": [r[1] for r in rows], "igrade": [r[2] for r in rows],
            "cclass": [r[3] for r in rows], "bend": [r[4] for r in rows]}


def revenue_account(jz: str, fee: str) -> str:
    return _JZ_ACCOUNT[jz][0] + _REV_SUFFIX[fee][0]


def finance_departments() -> dict[str, list]:
    rows = [(c, n, g, p, 0) for c, n, g, p in FINANCE_GROUPS]
    for d in DEPARTMENTS:
        rows.append((d.fin, d.name, 3, d.fin[:3], 1))
    rows.sort(key=lambda r: r[0])
    return {"cdepcode": [r[0] for r in rows], "cdepname": [r[1] for r in rows], "idepgrade": [r[2] for r in rows],
            "cdepparent": [r[3] or None for r in rows], "bdepend": [r[4] for r in rows]}


def _round(x):
    return np.round(np.asarray(x, dtype=float) + 0.0, 2)


def alloc_cents(amount: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split ``amount[S, I]`` (yuan) over receivers with ``weights[S, R]``; exact to the cent.

    Returns ``out[S, I, R]`` in yuan with ``out.sum(-1) == amount`` in integer cents.
    """
    cents = np.round(amount * 100).astype(np.int64)
    w = weights / np.where(weights.sum(1, keepdims=True) > 0, weights.sum(1, keepdims=True), 1)
    raw = cents[:, :, None] * w[:, None, :]
    out = np.floor(raw).astype(np.int64)
    rest = cents - out.sum(-1)
    frac = raw - out
    order = np.argsort(-frac, axis=-1, kind="stable")
    ranks = np.argsort(order, axis=-1, kind="stable")
    out += (ranks < rest[:, :, None]).astype(np.int64)
    return out / 100.0


class Ledgers:
    def __init__(self, rng: np.random.Generator, window: Window, beds_by_dept: np.ndarray,
                 headcount: np.ndarray, posts: np.ndarray):
        """``headcount[m, dept]`` active staff; ``posts[m, dept, post]`` by post category."""
        self.rng = rng
        self.window = window
        self.beds = beds_by_dept
        self.head = headcount
        self.posts = posts
        self.nd = len(DEPARTMENTS)
        self.types = np.array([cost_type(d) for d in DEPARTMENTS])
        self.stage = np.array([COST_STAGE[t] for t in self.types])

    # ---------------------------------------------------------------------------------------------
    def direct_costs(self, rev: np.ndarray, exec_rev: np.ndarray) -> np.ndarray:
        """ZJCB[m, dept, item] (yuan, cents)."""
        M, D, n_items = len(self.window.months), self.nd, len(COST_ITEMS)
        rng = self.rng
        out = np.zeros((M, D, n_items))
        fee = {c: i for i, c in enumerate(FEE_CODES)}
        by_kd = rev.sum(axis=2)  # [m, dept, fee]
        total_kd = by_kd.sum(-1)
        exec_total = exec_rev.sum(-1)  # [m, zx]
        noise = 1 + 0.03 * rng.standard_normal((M, D, n_items))
        pay = (self.posts * SALARY[None, None, :]).sum(-1)
        out[:, :, 0] = pay * 0.78
        out[:, :, 1] = pay * 0.22
        mat_rev = by_kd[:, :, fee["09"]]
        out[:, :, 2] = mat_rev + 0.03 * total_kd + 0.05 * np.where(self.stage[None, :] == 3, exec_total, 0) + 400
        out[:, :, 3] = by_kd[:, :, fee["10"]] + by_kd[:, :, fee["11"]] + by_kd[:, :, fee["12"]] / 1.25
        area = self.head + 2.5 * self.beds[None, :]
        out[:, :, 4] = area * 210
        equip = np.array([EQUIPMENT.get(d.code, 0) for d in DEPARTMENTS], dtype=float)
        size = max(self.beds.sum(), 1) / 200.0
        out[:, :, 5] = equip[None, :] * size + self.head * 900
        out[:, :, 6] = np.where(np.array([d.code == "D0507" for d in DEPARTMENTS]), 25000 * size, 0.0)[None, :] \
            + self.head * 40
        out[:, :, 7] = 0.001 * (total_kd + np.where(self.stage[None, :] == 3, exec_total, 0))
        out[:, :, 8] = self.head * 320 + self.beds[None, :] * 450 + equip[None, :] * size * 0.05
        out[:, :, 9] = out[:, :, 5] * 0.12
        out[:, :, 10] = self.head * 850
        out = out * np.where(np.arange(n_items)[None, None, :] == 3, 1.0, noise)
        return _round(np.maximum(out, 0))

    def allocate(self, direct: np.ndarray, exec_rev: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        M, D, n_items = direct.shape
        j1 = np.zeros_like(direct)
        j2 = np.zeros_like(direct)
        j3 = np.zeros_like(direct)
        admin = np.flatnonzero(self.stage == 1)
        aux = np.flatnonzero(self.stage == 2)
        tech = np.flatnonzero(self.stage == 3)
        clin = np.flatnonzero(self.stage == 0)
        or_idx = [i for i, d in enumerate(DEPARTMENTS) if d.code == "D0401"][0]
        for m in range(M):
            head = np.maximum(self.head[m].astype(float), 0.5)
            # stage 1: 行政后勤 → everyone else, by headcount
            recv = np.setdiff1d(np.arange(D), admin)
            a = alloc_cents(direct[m, admin], np.repeat(head[recv][None, :], len(admin), 0))
            j1[m][np.ix_(recv, np.arange(n_items))] += a.sum(0).T
            j1[m, admin] -= direct[m, admin]
            # stage 2: 医疗辅助 → 医技 + 临床, by headcount
            cur = _round(direct[m] + j1[m])
            recv = np.concatenate([tech, clin])
            a = alloc_cents(cur[aux], np.repeat(head[recv][None, :], len(aux), 0))
            j2[m][np.ix_(recv, np.arange(n_items))] += a.sum(0).T
            j2[m, aux] -= cur[aux]
            # stage 3: 医疗技术 → 临床, by revenue each clinical department ordered from the centre
            cur = _round(direct[m] + j1[m] + j2[m])
            w = exec_rev[m][np.ix_(tech, clin)].clip(min=0)
            or_w = exec_rev[m, or_idx, clin].clip(min=0)
            for k in range(len(tech)):
                if w[k].sum() <= 0:
                    w[k] = or_w if or_w.sum() > 0 else head[clin]
            a = alloc_cents(cur[tech], w)
            j3[m][np.ix_(clin, np.arange(n_items))] += a.sum(0).T
            j3[m, tech] -= cur[tech]
        return _round(j1), _round(j2), _round(j3)
