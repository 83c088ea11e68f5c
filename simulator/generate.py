"""Generate the demo hospital's source systems (HIS, finance, cost, HR, beds).

Entry point: :func:`generate`. Deterministic: the same arguments give byte-identical data (all
randomness comes from numpy Generators seeded from ``seed``; only the default ``end_month``
depends on today's date). Data are generated and written month by month so memory stays bounded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import profiles as P
from .beds import BedPlan, census
from .catalogue import OPERATIONS, build_charge_items, build_drugs
from .clinical import WARMUP_DAYS, Clinic, cat_lines, his_codes, take
from .hospital import DEPARTMENTS, HR_GROUPS, his_dept_rows
from .ledgers import (
    COST_ITEMS,
    FEE_CODES,
    JZLX,
    Ledgers,
    chart_of_accounts,
    finance_departments,
    revenue_account,
)
from .schema import SYSTEMS
from .staff import HIS_CATEGORY, POSTS, Staff, attendance, build_staff, pick
from .timeline import DAY, Window, default_end_month, fmt_date, fmt_datetime, zfill_codes
from .writers import Writer, make_writer

FAULTS = frozenset({"missing_day", "null_dept", "duplicate_lines", "unknown_items", "late_records",
                    "revenue_mismatch"})
SEC = np.timedelta64(1, "s")
REFUND_RATE = 0.015
UNKNOWN_CODES = (("ZL9001", "中医定向透药治疗"), ("ZL9002", "高频胸壁振荡排痰"), ("310999001x", "新增检查项目"),
                 ("CL999001", "一次性使用冲洗器"))
MISMATCH_AMOUNT = 12345.67

Progress = Callable[[str, int, int], None]


@dataclass
class GenerationReport:
    """What :func:`generate` wrote: rows per table, timing, injected faults."""

    params: dict
    rows: dict[str, int] = field(default_factory=dict)  # 'system.TABLE' → rows
    faults: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    target: str = ""
    window: tuple[str, str] = ("", "")

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {"params": self.params, "window": {"start": self.window[0], "end": self.window[1]},
                "target": self.target, "rows": dict(self.rows), "total_rows": self.total_rows,
                "seconds": round(self.seconds, 3), "rows_per_second": round(self.rows_per_second),
                "faults": self.faults}

    def __str__(self) -> str:
        width = max((len(k) for k in self.rows), default=10)
        lines = [f"Jixiao demo sources → {self.target}",
                 f"window {self.window[0]} … {self.window[1]}; "
                 + ", ".join(f"{k}={v}" for k, v in self.params.items() if k != "faults")]
        lines += [f"  {k:<{width}} {v:>12,}" for k, v in self.rows.items()]
        lines.append(f"  {'total':<{width}} {self.total_rows:>12,} rows in {self.seconds:.1f} s "
                     f"({self.rows_per_second:,.0f} rows/s)")
        for name, det in self.faults.items():
            lines.append(f"  fault {name}: " + ", ".join(f"{k}={v}" for k, v in det.items()
                                                          if not isinstance(v, (list, dict))))
        return "\n".join(lines)


def _noop(stage: str, done: int, total: int) -> None:
    pass


def generate(target: str | Path | Mapping[str, str], *, beds: int = 200, months: int = 24,
             seed: int = 20240101, scale: float = 1.0, end_month: str | None = None,
             faults: frozenset[str] | set[str] = frozenset(),
             progress: Progress | None = None) -> GenerationReport:
    """Write the demo source systems.

    ``target`` is a data directory (SQLite files ``<dir>/sources/<system>.sqlite`` plus
    ``manifest.json``) or a mapping ``{system: sqlalchemy_url}`` for any subset of
    ``his, finance, cost, hr, beds``. ``scale`` multiplies patient volumes, ``beds`` sizes the
    hospital (inpatient volumes, outpatient volumes and staff scale with it). ``faults`` names
    data-quality faults to inject (see :data:`FAULTS`); their details are in the report.
    """
    t0 = time.perf_counter()
    faults = frozenset(faults)
    unknown = faults - FAULTS
    if unknown:
        raise ValueError(f"unknown faults: {sorted(unknown)}; known: {sorted(FAULTS)}")
    if months < 1 or beds < 20 or scale <= 0:
        raise ValueError("months ≥ 1, beds ≥ 20 and scale > 0 are required")
    progress = progress or _noop
    end_month = end_month or default_end_month()
    window = Window.build(end_month, months)
    params = {"beds": beds, "months": months, "seed": seed, "scale": scale, "end_month": end_month,
              "faults": sorted(faults)}
    if isinstance(target, Mapping):
        bad = set(target) - set(SYSTEMS)
        if bad:
            raise ValueError(f"unknown systems {sorted(bad)}")
        systems = {s: target[s] for s in SYSTEMS if s in target}
        target_label = ", ".join(f"{k}" for k in systems)
    else:
        systems = {s: Path(target) for s in SYSTEMS}
        target_label = str(Path(target) / "sources")
    report = GenerationReport(params=params, target=target_label,
                              window=(str(window.start), str(window.end)))
    gen = _Generation(window, beds, seed, scale, faults, progress, report)
    writers: dict[str, Writer] = {}
    try:
        for s, t in systems.items():
            writers[s] = make_writer(s, t)
            writers[s].create()
        gen.run(writers)
    finally:
        for w in writers.values():
            w.close()
    for s, w in writers.items():
        for table, n in w.rows.items():
            report.rows[f"{s}.{table}"] = n
    report.seconds = time.perf_counter() - t0
    if not isinstance(target, Mapping):
        path = Path(target) / "sources" / "manifest.json"
        path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=_json), encoding="utf-8")
    return report


def _json(x):
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    return str(x)


class _Generation:
    def __init__(self, window: Window, beds: int, seed: int, scale: float, faults: frozenset[str],
                 progress: Progress, report: GenerationReport):
        self.window = window
        self.beds = beds
        self.seed = seed
        self.scale = scale
        self.faults = faults
        self.progress = progress
        self.report = report
        self.items = build_charge_items()
        self.drugs = build_drugs()
        self.staff: Staff = build_staff(np.random.default_rng([seed, 0]), beds, window)
        self.sim_start = window.start - WARMUP_DAYS * DAY
        self.plan = BedPlan(beds, window, self.sim_start)
        self.clinic = Clinic(seed, window, beds, scale, self.staff, self.items, self.drugs)
        self.M = len(window.months)
        self.D = len(DEPARTMENTS)
        fee_index = {c: i for i, c in enumerate(FEE_CODES)}
        self.item_fee = np.array([fee_index[f] for f in self.items.FYLB], dtype=np.int64)
        self.item_code = self.items.SFXMDM.to_numpy(dtype=object)
        self.item_name = self.items.SFXMMC.to_numpy(dtype=object)
        self.item_fylb = self.items.FYLB.to_numpy(dtype=object)
        self.item_price = self.items.DJ.to_numpy(dtype=float)
        drug_of = {c: i for i, c in enumerate(self.drugs.YPDM)}
        self.item_drug = np.array([drug_of.get(c, -1) for c in self.item_code], dtype=np.int64)

    # ---------------------------------------------------------------------------------------------
    def run(self, writers: dict[str, Writer]) -> None:
        w = self.window
        self.progress("stays", 0, 1)
        self.stays = self.clinic.simulate_stays(self.plan.dept_index, self.plan.open, self.sim_start)
        self.progress("stays", 1, 1)
        self._prepare_faults()
        his = writers.get("his")
        if his:
            self._write_his_dictionaries(his)
        n_st = len(self.stays)
        self.zfy = np.zeros(n_st)
        self.ypf = np.zeros(n_st)
        self.hcf = np.zeros(n_st)
        self.rev = np.zeros((self.M, self.D, 2, len(FEE_CODES)))
        self.exec_rev = np.zeros((self.M, self.D, self.D))
        # warm-up: charges of stays admitted before the window count towards their totals only
        lines, rx_base = self.clinic.inpatient_lines(self.stays, self.sim_start, w.start - DAY, 9999, 0,
                                                     self.plan.dept_index)
        self._accumulate_stays(lines, self._amount(lines["item"], lines["sl"]))
        self.counters = {"mxxh": 0, "cfmxxh": 0, "ghxh": 0, "rx": rx_base}
        if his or "finance" in writers or "cost" in writers:  # charges are not needed for HR/beds only
            for mi, m in enumerate(w.months):
                self._month(mi, m, his)
                self.progress("HIS charges", mi + 1, self.M)
        if his:
            self._write_inpatient_records(his)
        if "finance" in writers or "cost" in writers:
            self._ledgers(writers.get("finance"), writers.get("cost"))
        if "hr" in writers:
            self._write_hr(writers["hr"])
        if "beds" in writers:
            self._write_beds(writers["beds"])

    # ---------------------------------------------------------------------------------------------
    def _amount(self, item, sl):
        return np.round(sl * self.item_price[item], 2)

    def _accumulate_stays(self, lines, je):
        ip = lines["jzlx"] == 1
        s = lines["visit"][ip]
        fee = self.item_fee[lines["item"][ip]]
        e = je[ip]
        np.add.at(self.zfy, s, e)
        drug = np.isin(fee, [FEE_CODES.index("10"), FEE_CODES.index("11"), FEE_CODES.index("12")])
        np.add.at(self.ypf, s[drug], e[drug])
        mat = fee == FEE_CODES.index("09")
        np.add.at(self.hcf, s[mat], e[mat])

    def _prepare_faults(self) -> None:
        rng = np.random.default_rng([self.seed, 99])
        f = self.report.faults
        if "missing_day" in self.faults:
            days = self.window.days
            wd = (days.astype(np.int64) - 4) % 7
            mid = days[(wd < 5) & (np.arange(len(days)) >= len(days) // 4) & (np.arange(len(days)) < 3 * len(days) // 4)]
            if not len(mid):
                mid = days
            self.missing_day = mid[rng.integers(0, len(mid))]
            f["missing_day"] = {"date": str(self.missing_day), "charge_lines_removed": 0, "refund_lines_removed": 0,
                                "registrations_removed": 0, "prescription_lines_removed": 0}
        if "null_dept" in self.faults:
            f["null_dept"] = {"share": 0.004, "lines": 0, "kdks_null": 0, "zxks_null": 0}
        if "duplicate_lines" in self.faults:
            f["duplicate_lines"] = {"count": 0, "mxxh": []}
        if "unknown_items" in self.faults:
            f["unknown_items"] = {"codes": [c for c, _ in UNKNOWN_CODES], "lines": 0}
        if "late_records" in self.faults:
            f["late_records"] = {"lines": 0, "by_month": {}}
        if "revenue_mismatch" in self.faults:
            clin = [i for i, d in enumerate(DEPARTMENTS) if d.inpatient]
            di = clin[rng.integers(0, len(clin))]
            mi = int(rng.integers(0, self.M))
            d = DEPARTMENTS[di]
            m = self.window.months[mi]
            f["revenue_mismatch"] = {"year": int(str(m)[:4]), "month": int(str(m)[5:7]), "perf_dept_code": d.code,
                                     "cdepcode": d.fin, "ccode": revenue_account("ZY", "10"),
                                     "amount": MISMATCH_AMOUNT}

    # ---------------------------------------------------------------------------------------------
    def _write_his_dictionaries(self, his: Writer) -> None:
        rows = his_dept_rows()
        xg = ["2023-12-01 09:00:00" if r["KSDM"] != "0321" else "2025-06-28 10:30:00" for r in rows]
        xg = [("2025-06-30 18:00:00" if r["TYBZ"] else x) for r, x in zip(rows, xg, strict=True)]
        his.write("GY_KSDM", {**{k: [r[k] for r in rows] for k in rows[0]}, "XGSJ": xg})
        st = self.staff
        idx = np.flatnonzero(st.in_his)
        end = self.window.end
        left = ~np.isnat(st.leave[idx]) & (st.leave[idx] <= end)
        xgsj = np.where(left, st.leave[idx] + DAY, np.maximum(st.hire[idx], np.datetime64("2023-12-01")))
        his.write("GY_ZGXX", {
            "ZGGH": st.number[idx], "ZGXM": st.name[idx], "XB": np.where(st.male[idx], "1", "2").astype(object),
            "KSDM": his_codes(st.dept[idx], np.full(len(idx), end)),
            "ZGLB": np.array([HIS_CATEGORY[POSTS[p]] for p in st.post[idx]], dtype=object),
            "ZC": st.title[idx], "TYBZ": left.astype(np.int64),
            "XGSJ": fmt_datetime(xgsj.astype("datetime64[s]") + np.timedelta64(9 * 3600, "s")),
        })
        it = self.items
        his.write("GY_SFXM", {c: it[c].to_numpy() for c in ("SFXMDM", "SFXMMC", "FYLB", "FYLBMC", "DW", "DJ",
                                                             "TYBZ", "XGSJ")})
        dr = self.drugs
        his.write("GY_YPZD", {**{c: dr[c].to_numpy() for c in ("YPDM", "YPMC", "YPLB", "GG", "DW", "LSJ", "KJYBZ")},
                              "DDDZ": dr.DDDZ.to_numpy(dtype=float),
                              **{c: dr[c].to_numpy() for c in ("JBYWBZ", "JCBZ", "TYBZ", "XGSJ")}})

    # ---------------------------------------------------------------------------------------------
    def _month(self, mi: int, month: np.datetime64, his: Writer | None) -> None:
        rng = np.random.default_rng([self.seed, 5, mi])
        pools = self.staff.pools(month)
        visits, op_lines, self.counters["rx"] = self.clinic.outpatient_month(mi, month, pools, self.counters["rx"])
        first = month.astype("datetime64[D]")
        last = (month + 1).astype("datetime64[D]") - DAY
        ip_lines, self.counters["rx"] = self.clinic.inpatient_lines(self.stays, first, last, mi,
                                                                    self.counters["rx"], self.plan.dept_index)
        nv = len(visits["time"])
        gh0 = self.counters["ghxh"]
        self.counters["ghxh"] += nv
        lines = cat_lines([op_lines, ip_lines])
        n = len(lines["item"])
        # executor 执行人
        zxr = lines["zxr"]
        own = (lines["jzlx"] == 0) & (lines["zx"] == lines["kd"])
        zxr[own] = lines["kdys"][own]
        rest = np.flatnonzero(~own)
        ward_nurse = (lines["jzlx"][rest] == 1) & (lines["zx"][rest] == lines["kd"][rest])
        zxr[rest[ward_nurse]] = pick(rng, pools["nurse"], lines["zx"][rest[ward_nurse]])
        other = rest[~ward_nurse]
        zxr[other] = pick(rng, pools["any"], lines["zx"][other])
        # refunds 退费: a copy with negative quantity, later in the same month
        ref = np.flatnonzero(rng.random(n) < REFUND_RATE)
        end_of_month = (last + DAY).astype("datetime64[s]") - SEC
        rl = take(lines, ref)
        rl["sl"] = -rl["sl"]
        rl["t"] = np.minimum(rl["t"] + rng.integers(1800, 72 * 3600, len(ref)) * SEC, end_of_month)
        rl["rx"] = np.full(len(ref), -1, np.int64)
        lines = cat_lines([lines, rl])
        tfbz = np.r_[np.zeros(n, np.int64), np.ones(len(ref), np.int64)]
        orig = np.r_[np.full(n, -1, np.int64), ref]
        order = np.argsort(lines["t"], kind="stable")
        lines = take(lines, order)
        tfbz, orig = tfbz[order], orig[order]
        pos = np.empty(len(order), np.int64)
        pos[order] = np.arange(len(order))
        mxxh = self.counters["mxxh"] + 1 + np.arange(len(order))
        self.counters["mxxh"] += len(order)
        ymxxh = np.where(orig >= 0, mxxh[pos[np.maximum(orig, 0)]], -1)
        je = self._amount(lines["item"], lines["sl"])
        # clean accumulators (finance / cost / 病案首页 totals)
        fee = self.item_fee[lines["item"]]
        np.add.at(self.rev[mi], (lines["kd"], lines["jzlx"].astype(np.int64), fee), je)
        np.add.at(self.exec_rev[mi], (lines["zx"], lines["kd"]), je)
        self._accumulate_stays(lines, je)
        if his is None:
            return
        t = lines["t"]
        xgsj = np.minimum(t + rng.integers(0, 300, len(t)) * SEC, end_of_month)
        visit = lines["visit"]
        is_op = lines["jzlx"] == 0
        jzh = np.empty(len(t), dtype=object)
        brid = np.empty(len(t), dtype=object)
        jzh[is_op] = zfill_codes("MZ", gh0 + visit[is_op] + 1, 10)
        brid[is_op] = self.clinic.pat_id[visits["patient"][visit[is_op]]]
        jzh[~is_op] = self.zyh[visit[~is_op]]
        brid[~is_op] = self.clinic.pat_id[self.stays.patient[visit[~is_op]]]
        kdks = his_codes(lines["kd"], t)
        zxks = his_codes(lines["zx"], t)
        code = self.item_code[lines["item"]]
        name = self.item_name[lines["item"]]
        fy = {
            "MXXH": mxxh, "JZLX": np.where(is_op, "MZ", "ZY").astype(object), "JZH": jzh, "BRID": brid,
            "SFXMDM": code, "SFXMMC": name, "FYLB": self.item_fylb[lines["item"]], "SL": lines["sl"],
            "DJ": self.item_price[lines["item"]], "JE": je, "KDKS": kdks, "ZXKS": zxks,
            "KDYS": self.staff.number[lines["kdys"]], "ZXR": self.staff.number[lines["zxr"]],
            "SFSJ": t, "TFBZ": tfbz, "YMXXH": np.where(ymxxh >= 0, ymxxh, None).astype(object), "XGSJ": xgsj,
        }
        # prescriptions 处方明细 from drug lines (original lines only)
        drug = np.flatnonzero((lines["rx"] >= 0) & (tfbz == 0))
        drow = self.item_drug[lines["item"][drug]]
        dr = self.drugs
        kfsj = np.maximum(t[drug] - rng.integers(120, 1800, len(drug)) * SEC,
                          t[drug].astype("datetime64[D]").astype("datetime64[s]"))
        strength = dr.strength.to_numpy()[drow]
        dddz = dr.DDDZ.to_numpy(dtype=float)[drow]
        kj = dr.KJYBZ.to_numpy()[drow]
        ddds = np.where(kj == 1, np.round(lines["sl"][drug] * strength / np.where(kj == 1, dddz, 1.0), 4), 0.0)
        c0 = self.counters["cfmxxh"]
        self.counters["cfmxxh"] += len(drug)
        cf = {
            "CFMXXH": c0 + 1 + np.arange(len(drug)), "CFXH": zfill_codes("CF", lines["rx"][drug], 10),
            "JZLX": fy["JZLX"][drug], "JZH": jzh[drug], "BRID": brid[drug], "KFSJ": kfsj,
            "KSDM": his_codes(lines["kd"][drug], kfsj), "YSGH": fy["KDYS"][drug], "YPDM": code[drug],
            "YPMC": name[drug], "YPLB": dr.YPLB.to_numpy()[drow], "SL": lines["sl"][drug],
            "DJ": fy["DJ"][drug], "JE": je[drug], "KJYBZ": kj, "DDDS": ddds, "XGSJ": kfsj + 60 * SEC,
        }
        vt = visits["time"]
        pat = visits["patient"]
        gh = {
            "GHXH": zfill_codes("MZ", gh0 + np.arange(nv) + 1, 10), "BRID": self.clinic.pat_id[pat],
            "BRXM": self.clinic.pat_name[pat], "XB": np.where(self.clinic.pat_male[pat], "1", "2").astype(object),
            "CSRQ": fmt_date(self.clinic.pat_birth[pat]), "GHSJ": vt, "KSDM": his_codes(visits["dept"], vt),
            "YSGH": self.staff.number[visits["doctor"]], "GHLB": visits["ghlb"],
            "THBZ": visits["withdrawn"].astype(np.int64), "XGSJ": vt + rng.integers(0, 120, nv) * SEC,
        }
        fy, cf, gh = self._inject_faults(mi, month, rng, fy, cf, gh)
        for tbl in (fy, cf, gh):
            for k in ("SFSJ", "XGSJ", "KFSJ", "GHSJ"):
                if k in tbl:
                    tbl[k] = fmt_datetime(tbl[k])
        his.write("MZ_GHJL", gh)
        his.write("CF_CFMX", cf)
        his.write("FY_SFMX", fy)

    def _inject_faults(self, mi, month, rng_month, fy, cf, gh):
        if not self.faults:
            return fy, cf, gh
        rng = np.random.default_rng([self.seed, 98, mi])
        f = self.report.faults
        n = len(fy["MXXH"])
        if "missing_day" in self.faults and self.missing_day.astype("datetime64[M]") == month:
            day = self.missing_day
            on_day = fy["SFSJ"].astype("datetime64[D]") == day
            gone = set(fy["MXXH"][on_day].tolist())
            # later refunds of the lost lines go too (their original no longer exists)
            orphan = np.array([y in gone for y in fy["YMXXH"]], dtype=bool) & ~on_day
            drop = on_day | orphan
            fy = {k: v[~drop] for k, v in fy.items()}
            cdrop = cf["KFSJ"].astype("datetime64[D]") == day
            cf = {k: v[~cdrop] for k, v in cf.items()}
            gdrop = gh["GHSJ"].astype("datetime64[D]") == day
            gh = {k: v[~gdrop] for k, v in gh.items()}
            f["missing_day"].update(charge_lines_removed=int(on_day.sum()), refund_lines_removed=int(orphan.sum()),
                                    registrations_removed=int(gdrop.sum()), prescription_lines_removed=int(cdrop.sum()))
            n = len(fy["MXXH"])
        if "null_dept" in self.faults:
            sel = np.flatnonzero(rng.random(n) < f["null_dept"]["share"])
            kd = sel[: len(sel) // 2]
            zx = sel[len(sel) // 2:]
            fy["KDKS"] = fy["KDKS"].copy()
            fy["ZXKS"] = fy["ZXKS"].copy()
            fy["KDKS"][kd] = None
            fy["ZXKS"][zx] = None
            d = f["null_dept"]
            d["lines"] += len(sel)
            d["kdks_null"] += len(kd)
            d["zxks_null"] += len(zx)
        if "unknown_items" in self.faults:
            non_drug = ~np.isin(fy["FYLB"], ["10", "11", "12"])
            sel = np.flatnonzero(non_drug & (rng.random(n) < 0.002))
            k = rng.integers(0, len(UNKNOWN_CODES), len(sel))
            fy["SFXMDM"] = fy["SFXMDM"].copy()
            fy["SFXMMC"] = fy["SFXMMC"].copy()
            fy["SFXMDM"][sel] = np.array([c for c, _ in UNKNOWN_CODES], dtype=object)[k]
            fy["SFXMMC"][sel] = np.array([c for _, c in UNKNOWN_CODES], dtype=object)[k]
            f["unknown_items"]["lines"] += len(sel)
        if "late_records" in self.faults and mi < self.M - 1:
            sel = np.flatnonzero(rng.random(n) < 0.008)
            nxt = (month + 1).astype("datetime64[s]")
            fy["XGSJ"] = fy["XGSJ"].copy()
            fy["XGSJ"][sel] = nxt + rng.integers(3600, 5 * 86400, len(sel)) * SEC
            f["late_records"]["lines"] += len(sel)
            f["late_records"]["by_month"][str(month)] = len(sel)
        if "duplicate_lines" in self.faults:
            k = max(1, int(round(n * 0.0004)))
            sel = np.sort(rng.choice(n, size=min(k, n), replace=False)) if n else np.zeros(0, np.int64)
            fy = {c: np.concatenate([v, v[sel]]) for c, v in fy.items()}
            f["duplicate_lines"]["count"] += len(sel)
            f["duplicate_lines"]["mxxh"].extend(int(x) for x in fy["MXXH"][-len(sel):]) if len(sel) else None
        return fy, cf, gh

    # ---------------------------------------------------------------------------------------------
    @property
    def zyh(self) -> np.ndarray:
        if not hasattr(self, "_zyh"):
            year = self.stays.admit.astype("datetime64[Y]").astype(np.int64) + 1970
            first_of_year = np.r_[0, np.flatnonzero(np.diff(year)) + 1]
            start = np.repeat(first_of_year, np.diff(np.r_[first_of_year, len(year)]))
            seq = np.arange(len(year)) - start + 1
            self._zyh = np.strings.add(np.strings.add("ZY", year.astype(str)),
                                       np.strings.zfill(seq.astype(str), 6)).astype(object)
        return self._zyh

    def _write_inpatient_records(self, his: Writer) -> None:
        st = self.stays
        rng = np.random.default_rng([self.seed, 6])
        n = len(st)
        end = (self.window.end + DAY).astype("datetime64[s]")
        discharged = st.discharge < end
        pat = st.patient
        cl = self.clinic
        cyks = his_codes(st.dept2, st.discharge)
        his.write("ZY_RYDJ", {
            "ZYH": self.zyh, "BRID": cl.pat_id[pat], "BRXM": cl.pat_name[pat],
            "XB": np.where(cl.pat_male[pat], "1", "2").astype(object), "CSRQ": fmt_date(cl.pat_birth[pat]),
            "RYSJ": fmt_datetime(st.admit), "RYKS": his_codes(st.dept1, st.admit),
            "CYSJ": np.where(discharged, fmt_datetime(st.discharge), None),
            "CYKS": np.where(discharged, cyks, None), "ZYZT": np.where(discharged, "2", "1").astype(object),
            "XGSJ": fmt_datetime(np.where(discharged, st.discharge, st.admit) + rng.integers(60, 3600, n) * SEC),
        })
        idx = np.flatnonzero(discharged)
        k = len(idx)
        d2 = st.dept2[idx]
        # principal diagnosis by discharge department (or implied by the operation)
        dx_code = np.empty(k, dtype=object)
        dx_name = np.empty(k, dtype=object)
        u = rng.random(k)
        for di in np.unique(d2):
            m = d2 == di
            opts = P.DIAGNOSES.get(DEPARTMENTS[di].name, (("Z51.800", "其他特指的医疗照顾", 1),))
            w = np.cumsum([o[2] for o in opts])
            j = np.minimum(np.searchsorted(w / w[-1], u[m]), len(opts) - 1)
            dx_code[m] = np.array([o[0] for o in opts], dtype=object)[j]
            dx_name[m] = np.array([o[1] for o in opts], dtype=object)[j]
        ops = st.ops
        first_op = ops[ops.ssxh == 1]
        opcode = {int(s): OPERATIONS[dn][o][0] for s, dn, o in zip(first_op.stay, first_op.dept, first_op.op, strict=True)}
        pos = {int(s): i for i, s in enumerate(idx)}
        for s, c in opcode.items():
            if s in pos and c in P.OP_DIAGNOSIS:
                dx_code[pos[s]], dx_name[pos[s]] = P.OP_DIAGNOSIS[c]
        # discharge disposition 离院方式
        death = np.array([P.DEATH_RATE.get(DEPARTMENTS[d].name, P.DEFAULT_DEATH) for d in d2])
        r = rng.random(k)
        lyfs = np.full(k, "1", dtype=object)
        lyfs[r < 0.005 + 0.008 + 0.02 + 0.015] = "9"
        lyfs[r < 0.008 + 0.02 + 0.015] = "4"
        lyfs[r < 0.02 + 0.015] = "3"
        lyfs[r < 0.02] = "2"
        lyfs[rng.random(k) < death] = "5"
        tcm = np.array([DEPARTMENTS[d].tcm for d in d2])
        zyzl = (rng.random(k) < np.where(tcm, P.TCM_TREATMENT[0], P.TCM_TREATMENT[1])).astype(np.int64)
        has_op = st.op_day[idx] >= 0
        wssq = (has_op & (rng.random(k) < np.where(tcm, P.PERIOP_TCM[0], P.PERIOP_TCM[1]))).astype(np.int64)
        age = ((st.admit[idx].astype("datetime64[D]") - cl.pat_birth[pat[idx]]) / DAY / 365.25).astype(np.int64)
        his.write("BA_SYJL", {
            "ZYH": self.zyh[idx], "BAH": zfill_codes("", pat[idx] + 1, 8), "BRID": cl.pat_id[pat[idx]],
            "XB": np.where(cl.pat_male[pat[idx]], "1", "2").astype(object), "NL": age,
            "RYSJ": fmt_datetime(st.admit[idx]), "CYSJ": fmt_datetime(st.discharge[idx]),
            "RYKS": his_codes(st.dept1[idx], st.admit[idx]), "CYKS": cyks[idx],
            "ZZYS": self.staff.number[st.doc2[idx]], "ZYZDDM": dx_code, "ZYZDMC": dx_name,
            "QTZDDM": secondary_diagnoses(np.random.default_rng([self.seed, 61]), age, has_op, dx_code),
            "SJZYTS": st.los[idx], "LYFS": lyfs, "ZYZLBZ": zyzl, "WSSQZYBZ": wssq,
            "ZFY": np.round(self.zfy[idx], 2), "YPF": np.round(self.ypf[idx], 2), "HCF": np.round(self.hcf[idx], 2),
            "XGSJ": fmt_datetime(st.discharge[idx] + rng.integers(1, 6, k) * 86400 * SEC),
        })
        ops = ops[discharged[ops.stay.to_numpy()]].reset_index(drop=True)
        s = ops.stay.to_numpy()
        no = len(ops)
        opdef = [OPERATIONS[d][o] for d, o in zip(ops.dept, ops.op, strict=True)]
        ssrq = (st.admit[s].astype("datetime64[D]") + st.op_day[s] * DAY).astype("datetime64[s]") \
            + (8 * 3600 + rng.integers(0, 9 * 3600, no) + (ops.ssxh.to_numpy() - 1) * 1800) * SEC
        his.write("BA_SSJL", {
            "SSJLID": np.arange(1, no + 1), "ZYH": self.zyh[s], "SSXH": ops.ssxh.to_numpy(),
            "SSCZDM": np.array([x[0] for x in opdef], dtype=object), "SSCZMC": np.array([x[1] for x in opdef], dtype=object),
            "SSJB": np.array([x[2] for x in opdef], dtype=np.int64), "WCBZ": np.array([x[3] for x in opdef], dtype=np.int64),
            "SSRQ": fmt_datetime(ssrq), "SZYS": self.staff.number[ops.surgeon.to_numpy()],
            "MZYS": self.staff.number[ops.anaesthetist.to_numpy()],
            "MZFS": np.array([x[4] for x in opdef], dtype=object),
            "XGSJ": fmt_datetime(st.discharge[s] + 2 * 86400 * SEC),
        })
        self.progress("HIS inpatient records", 1, 1)

    # ---------------------------------------------------------------------------------------------
    def _headcount(self):
        st = self.staff
        posts = np.zeros((self.M, self.D, len(POSTS)))
        for mi, m in enumerate(self.window.months):
            act = st.active(m) & st.in_hr
            np.add.at(posts[mi], (st.dept[act], st.post[act]), 1)
        return posts.sum(-1), posts

    def _ledgers(self, fin: Writer | None, cost: Writer | None) -> None:
        rng = np.random.default_rng([self.seed, 7])
        head, posts = self._headcount()
        beds_by_dept = np.zeros(self.D)
        np.add.at(beds_by_dept, self.plan.dept_index, self.plan.initial)
        led = Ledgers(rng, self.window, beds_by_dept, head, posts)
        direct = led.direct_costs(self.rev, self.exec_rev)
        j1, j2, j3 = led.allocate(direct, self.exec_rev)
        months = self.window.months
        if cost is not None:
            cost.write("CB_KSDY", {"CBKSDM": [d.cost for d in DEPARTMENTS], "CBKSMC": [d.name for d in DEPARTMENTS],
                                   "KSLX": list(led.types), "FTJC": [int(x) for x in led.stage]})
            cost.write("CB_CBXM", {"CBXMDM": [c[0] for c in COST_ITEMS], "CBXMMC": [c[1] for c in COST_ITEMS],
                                   "CBFL": [c[2] for c in COST_ITEMS]})
            M, D, n_items = direct.shape
            mm, dd, ii = np.meshgrid(np.arange(M), np.arange(D), np.arange(n_items), indexing="ij")
            mm, dd, ii = mm.ravel(), dd.ravel(), ii.ravel()
            kjqj = np.array([str(m).replace("-", "") for m in months], dtype=object)
            xg = (np.array(months) + 1).astype("datetime64[D]").astype("datetime64[s]") + 12 * 86400 * SEC
            cost.write("CB_KSCB", {
                "ID": np.arange(1, len(mm) + 1), "KJQJ": kjqj[mm],
                "CBKSDM": np.array([d.cost for d in DEPARTMENTS], dtype=object)[dd],
                "CBXMDM": np.array([c[0] for c in COST_ITEMS], dtype=object)[ii],
                "ZJCB": direct.ravel(), "JJCB1": j1.ravel(), "JJCB2": j2.ravel(), "JJCB3": j3.ravel(),
                "XGSJ": fmt_datetime(xg[mm] + (dd * 60) * SEC),
            })
            self.progress("cost", 1, 1)
        if fin is None:
            return
        fin.write("department", finance_departments())
        fin.write("code", chart_of_accounts())
        rows = {k: [] for k in ("iyear", "iperiod", "ccode", "cdept_id", "md", "mc", "dmodified")}
        mism = self.report.faults.get("revenue_mismatch")
        exp_acc = [c[3] for c in COST_ITEMS]
        size = self.beds / 200.0
        totals = []
        for mi, m in enumerate(months):
            y, p = int(str(m)[:4]), int(str(m)[5:7])
            posted = f"{(m + 1).astype('datetime64[D]') + 6 * DAY} 16:30:00"
            rev_total = 0.0
            for di, d in enumerate(DEPARTMENTS):
                acc: dict[str, float] = {}
                for jz in range(2):
                    for fi, fee in enumerate(FEE_CODES):
                        v = self.rev[mi, di, jz, fi]
                        if abs(v) >= 0.005:
                            a = revenue_account(JZLX[jz], fee)
                            acc[a] = acc.get(a, 0.0) + v
                for a in sorted(acc):
                    v = round(acc[a], 2)
                    rev_total += v
                    if mism and (y, p, d.code, a) == (mism["year"], mism["month"], mism["perf_dept_code"], mism["ccode"]):
                        v = round(v + mism["amount"], 2)
                    _add(rows, y, p, a, d.fin, 0.0, v, posted)
                exp: dict[str, float] = {}
                for ii, a in enumerate(exp_acc):
                    exp[a] = exp.get(a, 0.0) + direct[mi, di, ii]
                for a in sorted(exp):
                    if exp[a] >= 0.005:
                        _add(rows, y, p, a, d.fin, round(exp[a], 2), 0.0, posted)
            fiscal = round(float(rng.uniform(0.8, 1.2) * 1_200_000 * size), 2)
            _add(rows, y, p, "6101", DEPARTMENTS[[d.code for d in DEPARTMENTS].index("D0501")].fin, 0.0, fiscal, posted)
            cat = {a: float(sum(direct[mi, :, ii].sum() for ii, x in enumerate(exp_acc) if x == a)) for a in set(exp_acc)}
            totals.append((y, p, posted, rev_total, fiscal, cat))
        n = len(rows["ccode"])
        fin.write("gl_accass", {"i_id": np.arange(1, n + 1), **rows})
        fin.write("gl_accsum", _balances(rng, totals, size))
        self.progress("finance", 1, 1)

    # ---------------------------------------------------------------------------------------------
    def _write_hr(self, hr: Writer) -> None:
        rng = np.random.default_rng([self.seed, 8])
        orgs = [(f"O{i + 1:03d}", num, name, par) for i, (num, name, par) in enumerate(HR_GROUPS)]
        fid = {num: f for f, num, _, _ in orgs}
        k = len(orgs)
        for i, d in enumerate(sorted(DEPARTMENTS, key=lambda x: x.hr)):
            orgs.append((f"O{k + i + 1:03d}", d.hr, d.name, d.hr.rsplit(".", 1)[0]))
            fid[d.hr] = orgs[-1][0]
        hr.write("t_hr_org", {"fid": [o[0] for o in orgs], "fnumber": [o[1] for o in orgs],
                              "fname": [o[2] for o in orgs], "fparentid": [fid.get(o[3]) for o in orgs]})
        st = self.staff
        idx = np.flatnonzero(st.in_hr)
        leave = st.leave[idx]
        left = ~np.isnat(leave)
        mod = np.where(left, leave + DAY, np.maximum(st.hire[idx], self.window.start - 400 * DAY))
        mod = mod.astype("datetime64[s]") + (9 * 3600 + rng.integers(0, 8 * 3600, len(idx))) * SEC
        hr.write("t_hr_person", {
            "fnumber": st.number[idx], "fname": st.name[idx], "fgender": np.where(st.male[idx], "男", "女").astype(object),
            "fbirthday": fmt_date(st.birth[idx]), "forgnumber": np.array([DEPARTMENTS[d].hr for d in st.dept[idx]], dtype=object),
            "fpostcategory": np.array([POSTS[p] for p in st.post[idx]], dtype=object), "ftitle": st.title[idx],
            "fposition": np.where(st.position[idx] == "", None, st.position[idx]),
            "ftcmflag": st.tcm[idx], "fhiredate": fmt_date(st.hire[idx]),
            "fleavedate": np.where(left, fmt_date(np.where(left, leave, st.hire[idx])), None),
            "fmodifytime": fmt_datetime(mod),
        })
        att = attendance(rng, st, self.window)
        att["fmodifytime"] = fmt_datetime(att["fmodifytime"])
        hr.write("t_hr_attendance", {"fid": np.arange(1, len(att["fperiod"]) + 1), **att})
        self.progress("hr", 1, 1)

    def _write_beds(self, beds: Writer) -> None:
        beds.write("nis_ward", self.plan.ward_rows())
        beds.write("nis_bed_config", self.plan.config_rows())
        beds.write("nis_bed_census", census(self.plan, self.stays, self.window))
        self.progress("beds", 1, 1)


def secondary_diagnoses(rng: np.random.Generator, age: np.ndarray, has_op: np.ndarray,
                        principal: np.ndarray) -> np.ndarray:
    """BA_SYJL.QTZDDM 其他诊断 per discharge: age-dependent comorbidities (:data:`profiles.COMORBIDITIES`)
    and, for :data:`profiles.COMPLICATION_RATE` of the operated patients (``has_op``), one surgery
    complication (:data:`profiles.COMPLICATIONS`); ICD-10 codes joined with ';', '' when none. The
    generator gives it a random stream of its own, so the other columns do not depend on it."""
    k = len(age)
    codes = np.array([c[0] for c in P.COMORBIDITIES], dtype=object)
    prev = np.array([c[2] for c in P.COMORBIDITIES])
    factor = np.select([age >= 65, age >= 45, age >= 18], [1.0, 0.5, 0.1], 0.0)
    has = rng.random((k, len(codes))) < prev[None, :] * factor[:, None]
    has &= codes[None, :] != np.asarray(principal, dtype=object)[:, None]
    comp_codes = np.array([c[0] for c in P.COMPLICATIONS], dtype=object)
    w = np.cumsum([c[2] for c in P.COMPLICATIONS])
    comp = has_op & (rng.random(k) < P.COMPLICATION_RATE)
    which = np.minimum(np.searchsorted(w / w[-1], rng.random(k)), len(comp_codes) - 1)
    out = np.empty(k, dtype=object)
    for i in range(k):
        parts = list(codes[has[i]][:P.MAX_COMORBIDITIES])
        if comp[i]:
            parts.append(comp_codes[which[i]])
        out[i] = ";".join(parts)
    return out


def _add(rows, y, p, ccode, dept, md, mc, posted):
    rows["iyear"].append(y)
    rows["iperiod"].append(p)
    rows["ccode"].append(ccode)
    rows["cdept_id"].append(dept)
    rows["md"].append(md)
    rows["mc"].append(mc)
    rows["dmodified"].append(posted)


def _balances(rng, totals, size) -> dict[str, list]:
    """gl_accsum: monthly opening/debit/credit/closing for balance-sheet accounts."""
    bal = {"1001": 150_000.0, "1002": 60_000_000.0, "1212": 25_000_000.0, "1601": 400_000_000.0,
           "1602": -150_000_000.0, "2201": 9_000_000.0, "2301": 6_000_000.0, "2501": 80_000_000.0}
    bal = {k: round(v * size, 2) for k, v in bal.items()}
    liab = {"2201", "2301", "2501"}
    rows = {k: [] for k in ("i_id", "iyear", "iperiod", "ccode", "mb", "md", "mc", "me", "dmodified")}
    prev = {"1212": 0.55 * totals[0][3], "2201": totals[0][5].get("500101", 0.0), "2301": 0.0}
    i = 0
    for y, p, posted, rev, fiscal, cat in totals:
        personnel = cat.get("500101", 0.0)
        supplies = cat.get("500102", 0.0) + cat.get("500103", 0.0)
        dep = cat.get("500104", 0.0)
        other = cat.get("500105", 0.0) + cat.get("500199", 0.0)
        recv_d = 0.55 * rev
        recv_c = 0.5 * recv_d + 0.47 * prev["1212"]
        cash_d = 0.03 * rev
        cash_c = 0.98 * cash_d
        notes_c = 0.3 * supplies
        notes_d = prev["2301"]
        loan_d = 250_000.0 * size
        buy = float(rng.uniform(0.002, 0.01)) * bal["1601"]
        dispose = float(rng.uniform(0.0, 0.001)) * bal["1601"]
        flows = {
            "1001": (cash_d, cash_c),
            "1002": (0.42 * rev + recv_c + cash_c + fiscal,
                     prev["2201"] + 0.7 * supplies + notes_d + other + buy + loan_d),
            "1212": (recv_d, recv_c),
            "1601": (buy, dispose),
            "1602": (0.8 * dispose, dep),
            "2201": (prev["2201"], personnel),
            "2301": (notes_d, notes_c),
            "2501": (loan_d, 0.0),
        }
        for acc in sorted(flows):
            md, mc = (round(x, 2) for x in flows[acc])
            mb = bal[acc]
            me = round(mb + mc - md, 2) if acc in liab else round(mb + md - mc, 2)
            i += 1
            for k, v in zip(rows, (i, y, p, acc, mb, md, mc, me, posted), strict=True):
                rows[k].append(v)
            bal[acc] = me
        prev = {"1212": recv_d, "2201": personnel, "2301": notes_c}
    return rows
