"""Clinical activity: patients, outpatient visits (门诊), inpatient stays (住院) and their charges.

Everything is vectorised with numpy. Charge lines are produced as dicts of parallel arrays with
internal codes (department indexes, item indexes, staff indexes); :mod:`simulator.generate`
turns them into source-system rows.

Line fields: ``jzlx`` (0 门诊 / 1 住院), ``visit`` (visit index or stay index), ``item`` (row of
the charge dictionary), ``sl`` quantity, ``t`` charge time (datetime64[s]), ``kd`` ordering
department 开单科室, ``zx`` executing department 执行科室, ``kdys`` ordering doctor, ``zxr``
executor (-1 = to be filled), ``rx`` prescription number (-1 = not a drug line).

Besides the profile orders, inpatient days carry bed 床位费, nursing 护理费, ward round 住院诊查费
and, on TCM wards, 住院中医辨证论治; herbal prescriptions carry 调剂费 and (inpatients always,
outpatients sometimes) 代煎费; operations carry the surgery fee, anaesthesia 麻醉费 (局麻 mostly
included), surgical materials and, by department, pathology 病理 (手术标本, sometimes 免疫组化 or
冰冻切片).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import profiles as P
from .catalogue import (
    DECOCTION_NAME,
    HERB_PROCESSING_CODE,
    IP_TCM_DIAG_CODE,
    OPERATION_RATE,
    OPERATIONS,
    PATHOLOGY_RATE,
    PATHOLOGY_SPECIMEN_CODE,
)
from .hospital import DEPARTMENTS, HIS_RECODE_DATE, Department
from .staff import Staff, pick, synth_names
from .timeline import DAY, Window, growth_factor, holiday_factor, weekday, winter_factor

SEC = np.timedelta64(1, "s")
DEPT_INDEX = {d.name: i for i, d in enumerate(DEPARTMENTS)}
CODE_INDEX = {d.code: i for i, d in enumerate(DEPARTMENTS)}
ROLE_DEPT = {"lab": "D0202", "path": "D0205", "rad": "D0203", "us": "D0204", "pharm": "D0206",
             "or": "D0401", "anes": "D0201", "infusion": "D0402"}
LINE_FIELDS = ("jzlx", "visit", "item", "sl", "t", "kd", "zx", "kdys", "zxr", "rx")

# outpatient visits per weekday at beds=200, scale=1 (before season/holiday/growth)
OP_BASE_WEEKDAY = 520.0
OP_WEEKDAY_FACTOR = np.array([1.18, 1.0, 1.0, 0.98, 0.95, 0.52, 0.42])
ADM_WEEKDAY_FACTOR = np.array([1.25, 1.15, 1.1, 1.05, 1.0, 0.75, 0.7])
OCCUPANCY_TARGET = 1.12  # before capacity truncation; gives ~88–90% bed use
WARMUP_DAYS = 92


def empty_lines() -> dict[str, np.ndarray]:
    return {
        "jzlx": np.zeros(0, np.int8), "visit": np.zeros(0, np.int64), "item": np.zeros(0, np.int64),
        "sl": np.zeros(0), "t": np.zeros(0, "datetime64[s]"), "kd": np.zeros(0, np.int64),
        "zx": np.zeros(0, np.int64), "kdys": np.zeros(0, np.int64), "zxr": np.zeros(0, np.int64),
        "rx": np.zeros(0, np.int64),
    }


def cat_lines(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    parts = [p for p in parts if len(p["item"])]
    if not parts:
        return empty_lines()
    return {k: np.concatenate([p[k] for p in parts]) for k in LINE_FIELDS}


def take(lines: dict[str, np.ndarray], idx) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in lines.items()}


def _zipf_weights(codes: list[str], base: np.ndarray) -> np.ndarray:
    import zlib

    order = np.argsort([zlib.crc32(c.encode()) for c in codes], kind="stable")
    rank = np.empty(len(codes))
    rank[order] = np.arange(len(codes))
    w = base / (rank + 1.0) ** 0.9
    return w / w.sum()


@dataclass
class Stays:
    """One row per inpatient stay (住院) overlapping the window (plus warm-up)."""

    admit: np.ndarray  # datetime64[s] admission time
    los: np.ndarray  # days (SJZYTS), ≥ 1
    tday: np.ndarray  # day index of transfer (== los when no transfer)
    dept1: np.ndarray
    dept2: np.ndarray
    ward1: np.ndarray
    ward2: np.ndarray
    patient: np.ndarray
    doc1: np.ndarray
    doc2: np.ndarray
    discharge: np.ndarray  # datetime64[s]
    op_day: np.ndarray  # day index of first operation (-1 none)
    ops: pd.DataFrame  # one row per operation: stay, ssxh, op tuple index, dept

    def __len__(self) -> int:
        return len(self.admit)


class Clinic:
    def __init__(self, seed: int, window: Window, beds: int, scale: float, staff: Staff,
                 items: pd.DataFrame, drugs: pd.DataFrame):
        self.seed = seed
        self.window = window
        self.beds = beds
        self.scale = scale
        self.staff = staff
        self.items = items
        self.drugs = drugs
        self.size = beds / 200.0
        self.code_idx = {c: i for i, c in enumerate(items.SFXMDM.tolist())}
        self.item_role = items.exec_role.to_numpy()
        self.item_price = items.DJ.to_numpy(dtype=float)
        self.role_dept = {r: CODE_INDEX[c] for r, c in ROLE_DEPT.items()}
        self._build_pools()
        self._build_patients()
        for ops in OPERATIONS.values():  # every operation must resolve to a charge item
            for op in ops:
                self._op_charge(op)

    def rng(self, *key: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, *key])

    # ------------------------------------------------------------------------------------------
    # pools
    # ------------------------------------------------------------------------------------------
    def _build_pools(self) -> None:
        it = self.items
        active = it.TYBZ.to_numpy() == 0
        tags = it.tag.to_numpy()
        codes = np.array(it.SFXMDM.tolist(), dtype=object)
        pshare = it.pshare.to_numpy(dtype=float)
        self.kind_pool: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for kind, ktags in P.KIND_TAGS.items():
            # items with a fixed pool share (pshare) keep it; the others share the rest by Zipf weight
            idx = np.flatnonzero(active & np.isin(tags, ktags))
            fixed = pshare[idx] > 0
            p = np.where(fixed, pshare[idx], 0.0)
            free = np.flatnonzero(~fixed)
            if len(free):
                base = np.array([P.TAG_WEIGHT.get(tags[i], 1.0) for i in idx[free]])
                p[free] = _zipf_weights(list(codes[idx[free]]), base) * max(1.0 - p.sum(), 0.05)
            self.kind_pool[kind] = (idx, p / p.sum())
        c = self.code_idx
        self.item_reg = c["110100001"]
        self.item_diag = {"01": np.array([c["110200001a"], c["110200001"]]),
                          "02": np.array([c["110200002b"], c["110200002a"]]),
                          "03": np.array([c["110200003"]]), "04": np.array([c["480000006"]])}
        self.item_ip_diag = c["110200005"]
        self.item_beds = np.array([c["110900001d"], c["110900001c"], c["110900001b"], c["110900001a"]])
        self.bed_p = np.array([0.55, 0.28, 0.12, 0.05])
        self.item_bed_icu = c["110900003"]
        self.item_nursing = np.array([c["120100004"], c["120100003"], c["120100005"]])
        self.nursing_p = np.array([0.62, 0.3, 0.08])
        self.item_icu_care = c["120100001"]
        self.item_herb_proc = c[HERB_PROCESSING_CODE]
        self.item_decoct = self.code_idx_by_name(DECOCTION_NAME)
        self.item_ip_tcm_diag = c[IP_TCM_DIAG_CODE]
        self.item_path = c[PATHOLOGY_SPECIMEN_CODE]
        self.item_path_extra = np.array([self.code_idx_by_name("免疫组化染色"), self.code_idx_by_name("术中快速冰冻切片")])
        self.item_anes = {"全麻": c[_local(it, "全身麻醉")], "椎管内麻醉": c[_local(it, "椎管内麻醉")],
                          "局麻": c[_local(it, "局部浸润麻醉")]}
        # drug pools per department (YPLB 1/2) for outpatient and inpatient use
        dr = self.drugs
        drug_item = np.array([c[x] for x in dr.YPDM], dtype=np.int64)
        self.drug_item = drug_item
        yplb = dr.YPLB.to_numpy()
        route = dr.route.to_numpy()
        kj = dr.KJYBZ.to_numpy()
        self.op_drugs, self.ip_drugs = [], []
        for d in DEPARTMENTS:
            ok = (yplb < 3) & np.array([x == "*" or d.name in x.split(",") for x in dr.depts])
            w = np.where(kj == 1, 0.45, 1.0) * np.where(dr.depts.to_numpy() == "*", 0.6, 1.0)
            op_ok = ok & ((route != "inj") | (d.name in ("急诊科", "儿科")))
            self.op_drugs.append((np.flatnonzero(op_ok), w[op_ok] / w[op_ok].sum()))
            wi = w * np.where(route == "inj", 2.0, 1.0)
            self.ip_drugs.append((np.flatnonzero(ok), wi[ok] / wi[ok].sum()))
        self.herb_rows = np.flatnonzero(yplb == 3)
        self.herb_dose = dr.dose.to_numpy()[self.herb_rows]

    def _build_patients(self) -> None:
        """Patient master: segments 成人 / 儿童 / 育龄女性, sized to the expected visits."""
        rng = self.rng(1)
        months = len(self.window.months)
        expected_visits = OP_BASE_WEEKDAY * 0.8 * 30.4 * months * self.size * self.scale
        n = max(2000, int(expected_visits / 2.6))
        shares = {"adult": 0.8, "child": 0.1, "female": 0.1}
        self.seg_offset, self.seg_size = {}, {}
        off = 0
        births, males = [], []
        ref = self.window.start
        for seg, share in shares.items():
            k = max(300, int(n * share))
            self.seg_offset[seg], self.seg_size[seg] = off, k
            off += k
            if seg == "adult":
                age = np.clip(rng.triangular(18, 62, 95, k), 18, 95)
                male = rng.random(k) < 0.48
            elif seg == "child":
                age = rng.uniform(0.3, 14, k)
                male = rng.random(k) < 0.53
            else:
                age = rng.uniform(20, 45, k)
                male = np.zeros(k, bool)
            births.append(ref - (age * 365.25).astype(np.int64) * DAY)
            males.append(male)
        self.pat_birth = np.concatenate(births)
        self.pat_male = np.concatenate(males)
        self.pat_name = synth_names(rng, off).astype(object)
        self.pat_id = np.strings.add("P", np.strings.zfill((np.arange(off) + 100001).astype(str), 9)).astype(object)
        self.n_patients = off

    def patients_for(self, rng: np.random.Generator, dept: np.ndarray) -> np.ndarray:
        seg = np.full(len(dept), "adult", dtype=object)
        seg[dept == DEPT_INDEX["儿科"]] = "child"
        seg[dept == DEPT_INDEX["妇产科"]] = "female"
        er = dept == DEPT_INDEX["急诊科"]
        seg[er & (rng.random(len(dept)) < 0.15)] = "child"
        u = rng.random(len(dept)) ** 1.6
        out = np.zeros(len(dept), np.int64)
        for s in ("adult", "child", "female"):
            m = seg == s
            out[m] = self.seg_offset[s] + (u[m] * self.seg_size[s]).astype(np.int64)
        return out

    # ------------------------------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------------------------------
    def _kind_lines(self, rng, kind: str, n: int) -> np.ndarray:
        idx, p = self.kind_pool[kind]
        return idx[rng.choice(len(idx), n, p=p)]

    def exec_dept(self, item: np.ndarray, kd: np.ndarray, jzlx: np.ndarray) -> np.ndarray:
        role = self.item_role[item]
        zx = kd.copy()
        for r, d in self.role_dept.items():
            zx[role == r] = d
        # outpatient injections are given in the infusion room 门诊输液室
        inj = np.isin(item, self.kind_pool["inject"][0]) & (jzlx == 0)
        zx[inj] = self.role_dept["infusion"]
        return zx

    def _expand(self, counts: np.ndarray) -> np.ndarray:
        return np.repeat(np.arange(len(counts)), counts)

    def _drug_lines(self, rng, pools, dept: np.ndarray, owner: np.ndarray, n_per: np.ndarray):
        """Western/patent drug lines: returns (owner index, drug row)."""
        par = np.repeat(owner, n_per)
        dpar = np.repeat(dept, n_per)
        rows = np.zeros(len(par), np.int64)
        u = rng.random(len(par))
        for d in np.unique(dpar):
            m = dpar == d
            idx, p = pools[d]
            rows[m] = idx[np.minimum(np.searchsorted(np.cumsum(p), u[m]), len(idx) - 1)]
        return par, rows

    def _herb_rx(self, rng, n_rx: int):
        """Herbal prescriptions: returns (rx index per herb line, herb drug row, grams, doses 剂数)."""
        lo, hi = P.HERBS_PER_RX
        k = rng.integers(lo, hi + 1, n_rx)
        keys = rng.random((n_rx, len(self.herb_rows)))
        order = np.argsort(keys, axis=1)
        mask = np.arange(len(self.herb_rows))[None, :] < k[:, None]
        rx_of = np.repeat(np.arange(n_rx), k)
        pos = order[mask]
        doses = rng.choice(np.array([5, 7, 7, 7, 14]), n_rx)
        grams = self.herb_dose[pos] * rng.choice(np.array([0.67, 1.0, 1.0, 1.33]), len(pos))
        grams = np.round(grams) * doses[rx_of]
        return rx_of, self.herb_rows[pos], grams, doses

    # ------------------------------------------------------------------------------------------
    # outpatient 门诊
    # ------------------------------------------------------------------------------------------
    def outpatient_month(self, mi: int, month: np.datetime64, pools, rx_base: int):
        rng = self.rng(2, mi)
        days = self.window.month_days(month)
        op_depts = [i for i, d in enumerate(DEPARTMENTS) if d.outpatient]
        wts = np.array([DEPARTMENTS[i].op_weight for i in op_depts])
        wts = wts / wts.sum()
        wd = weekday(days)
        base = OP_BASE_WEEKDAY * self.size * self.scale * growth_factor(days, self.window.start)
        hol = holiday_factor(days)
        exp = np.zeros((len(days), len(op_depts)))
        for j, di in enumerate(op_depts):
            d = DEPARTMENTS[di]
            amp = 0.3 if d.name in ("呼吸内科", "儿科", "急诊科") else 0.06
            dow = np.ones(len(days)) * 1.05 if d.name == "急诊科" else OP_WEEKDAY_FACTOR[wd]
            h = holiday_factor(days, 0.4) if d.name == "急诊科" else hol
            exp[:, j] = base * wts[j] * dow * h * winter_factor(days, amp)
        counts = rng.poisson(exp)
        day_idx, dcol = np.nonzero(counts)
        reps = counts[day_idx, dcol]
        vday = np.repeat(days[day_idx], reps)
        vdept = np.repeat(np.array(op_depts)[dcol], reps)
        n = len(vday)
        er = vdept == DEPT_INDEX["急诊科"]
        morning = rng.random(n) < 0.66
        sec = np.where(morning, rng.integers(int(7.5 * 3600), 12 * 3600, n),
                       rng.integers(int(13.5 * 3600), int(17.5 * 3600), n))
        sec = np.where(er, rng.integers(0, 86400, n), sec)
        vtime = vday.astype("datetime64[s]") + sec * SEC
        order = np.lexsort((vdept, vtime))
        vtime, vdept = vtime[order], vdept[order]
        tcm = np.array([DEPARTMENTS[d].tcm for d in vdept])
        r = rng.random(n)
        ghlb = np.where(r < 0.22, "02", "01").astype(object)
        ghlb[tcm & (r > 0.6)] = "04"
        ghlb[er] = "03"
        doctor = pick(rng, pools["doctor"], vdept)
        patient = self.patients_for(rng, vdept)
        withdrawn = rng.random(n) < 0.012  # 退号
        visits = {"time": vtime, "dept": vdept, "ghlb": ghlb, "doctor": doctor, "patient": patient,
                  "withdrawn": withdrawn}

        live = np.flatnonzero(~withdrawn)
        parts = []

        def lines_for(owner, item, sl, delay_min, rx=None):
            k = len(owner)
            t = vtime[owner] + (rng.integers(delay_min[0] * 60, delay_min[1] * 60, k)) * SEC
            day_end = (vtime[owner].astype("datetime64[D]") + DAY).astype("datetime64[s]") - SEC
            t = np.minimum(t, day_end)  # charged on the visit day
            parts.append({"jzlx": np.zeros(k, np.int8), "visit": owner, "item": item, "sl": sl, "t": t,
                          "kd": vdept[owner], "zx": np.zeros(k, np.int64), "kdys": doctor[owner],
                          "zxr": np.full(k, -1, np.int64), "rx": np.full(k, -1, np.int64) if rx is None else rx})

        # registration 挂号费 and consultation 诊察费
        reg = live[rng.random(len(live)) < P.REG_FEE_SHARE]
        lines_for(reg, np.full(len(reg), self.item_reg), np.ones(len(reg)), (0, 1))
        diag_item = np.zeros(len(live), np.int64)
        g = ghlb[live]
        for code, opts in self.item_diag.items():
            m = g == code
            diag_item[m] = opts[rng.integers(0, len(opts), m.sum())] if len(opts) > 1 else opts[0]
        lines_for(live, diag_item, np.ones(len(live)), (1, 15))

        # examinations and treatments by department profile
        ldept = vdept[live]
        for di in np.unique(ldept):
            prof = P.OP.get(DEPARTMENTS[di].name, {})
            owners = live[ldept == di]
            for kind, lam in prof.items():
                if kind in ("rx", "herb") or lam <= 0:
                    continue
                cnt = rng.poisson(lam * P.OP_KIND_FACTOR, len(owners))
                own = np.repeat(owners, cnt)
                item = self._kind_lines(rng, kind, len(own))
                sl = np.where(rng.random(len(own)) < 0.12, 2.0, 1.0) if kind in ("acu", "tuina", "mat", "mat_acu") \
                    else np.ones(len(own))
                lines_for(own, item, sl, (10, 90))
                if kind == "inject":  # infusion set with each injection
                    mat = self._kind_lines(rng, "mat", len(own))
                    lines_for(own, mat, np.ones(len(own)), (10, 90))

        # western / patent prescriptions 西药/中成药处方
        p_rx = P.OP_RX_FACTOR * np.array([P.OP.get(DEPARTMENTS[d].name, {}).get("rx", 0.4)
                                          for d in range(len(DEPARTMENTS))])
        p_herb = P.OP_HERB_FACTOR * np.array([P.OP.get(DEPARTMENTS[d].name, {}).get("herb", 0.0)
                                               for d in range(len(DEPARTMENTS))])
        has_rx = live[rng.random(len(live)) < p_rx[ldept]]
        n_per = 1 + rng.poisson(P.OP_DRUGS_PER_RX - 1, len(has_rx))
        own, drow = self._drug_lines(rng, self.op_drugs, vdept[has_rx], has_rx, n_per)
        rxid = rx_base + np.searchsorted(has_rx, own)
        sl = rng.choice(np.array([1.0, 1.0, 1.0, 2.0, 2.0, 3.0]), len(own))
        lines_for(own, self.drug_item[drow], sl, (15, 60), rxid)
        rx_base += len(has_rx)
        # herbal prescriptions 中药饮片处方 (+ dispensing fee 调剂费 per 剂)
        has_herb = live[rng.random(len(live)) < p_herb[ldept]]
        rx_of, hrow, grams, doses = self._herb_rx(rng, len(has_herb))
        lines_for(has_herb[rx_of], self.drug_item[hrow], grams, (15, 60), rx_base + rx_of)
        lines_for(has_herb, np.full(len(has_herb), self.item_herb_proc), doses.astype(float), (15, 60))
        dec = rng.random(len(has_herb)) < P.OP_DECOCTION_SHARE  # 代煎 by the hospital
        lines_for(has_herb[dec], np.full(int(dec.sum()), self.item_decoct), doses[dec].astype(float), (15, 60))
        rx_base += len(has_herb)

        lines = cat_lines(parts)
        lines["zx"] = self.exec_dept(lines["item"], lines["kd"], lines["jzlx"])
        return visits, lines, rx_base

    # ------------------------------------------------------------------------------------------
    # inpatient 住院: stays (capacity-constrained), then charges per day
    # ------------------------------------------------------------------------------------------
    def simulate_stays(self, ward_depts: np.ndarray, open_beds: np.ndarray, sim_start: np.datetime64) -> Stays:
        """Daily admissions per ward limited to ~1.05 × open beds; LOS lognormal around ALOS."""
        rng = self.rng(3)
        n_days = open_beds.shape[1]
        days = sim_start + np.arange(n_days) * DAY
        wd = weekday(days)
        adm_f = ADM_WEEKDAY_FACTOR[wd] / ADM_WEEKDAY_FACTOR.mean()
        alos = np.array([DEPARTMENTS[d].alos for d in ward_depts])
        amp = np.array([0.22 if DEPARTMENTS[d].name in ("呼吸内科", "儿科") else 0.05 for d in ward_depts])
        lam = (OCCUPANCY_TARGET * open_beds / alos[:, None] * adm_f[None, :]
               * holiday_factor(days, 0.85)[None, :] * growth_factor(days, self.window.start)[None, :]
               * (1 + amp[:, None] * np.cos(2 * np.pi * (_doy(days)[None, :] - 15) / 365.25))
               * self.scale)
        cap = open_beds.astype(np.int64)
        sigma = 0.55
        mu = np.log(alos) - sigma**2 / 2
        W = len(ward_depts)
        # transfers 转科: a few percent; most ICU patients move on to a specialty ward
        icu = DEPT_INDEX["重症医学科"]
        p_tr = np.where(ward_depts == icu, 0.6, 0.02)
        tp = np.repeat(open_beds[:, :1].T.astype(float), W, axis=0)
        tp[ward_depts[:, None] == ward_depts[None, :]] = 0.0  # not within the same department
        tcum = np.cumsum(tp / tp.sum(1, keepdims=True), axis=1)
        H = n_days + 80
        leave = np.zeros((W, H), np.int64)  # discharges and transfers out, per ward and day
        arrive = np.zeros((W, H), np.int64)  # transfers in
        occ = np.zeros(W, np.int64)
        # start the warm-up near steady state (these initial patients are not emitted)
        init = (0.85 * open_beds[:, 0] * min(self.scale, 1.0)).astype(np.int64)
        for w in range(W):
            np.add.at(leave[w], rng.integers(1, int(alos[w] * 2) + 1, init[w]), 1)
        occ += init
        out = []
        for d in range(n_days):
            occ += arrive[:, d] - leave[:, d]
            want = rng.poisson(lam[:, d])
            got = np.minimum(want, np.maximum(cap[:, d] - occ, 0))
            k = int(got.sum())
            if k:
                w1 = np.repeat(np.arange(W), got)
                los = np.clip(np.round(rng.lognormal(mu[w1], sigma)), 1, 60).astype(np.int64)
                tr = (rng.random(k) < p_tr[w1]) & (los >= 2)
                w2 = np.where(tr, np.minimum((rng.random(k)[:, None] > tcum[w1]).sum(1), W - 1), w1)
                t = np.where(tr, 1 + (rng.random(k) * (los - 1)).astype(np.int64), los)
                np.add.at(leave, (w1, d + t), 1)
                np.add.at(arrive, (w2[tr], d + t[tr]), 1)
                np.add.at(leave, (w2[tr], d + los[tr]), 1)
                out.append((w1, np.full(k, d), los, t, w2))
            occ += got
        ward, aday, los, tday, ward2 = (np.concatenate([o[i] for o in out]) for i in range(5))
        ws = int((self.window.start - sim_start) / DAY)
        keep = aday + los >= ws
        ward, aday, los, tday, ward2 = ward[keep], aday[keep], los[keep], tday[keep], ward2[keep]
        n = len(ward)
        hour = np.where(rng.random(n) < 0.7, rng.integers(8 * 3600, 17 * 3600, n), rng.integers(0, 86400, n))
        admit = (sim_start + aday * DAY).astype("datetime64[s]") + hour * SEC
        order = np.argsort(admit, kind="stable")
        ward, los, admit, tday, ward2 = ward[order], los[order], admit[order], tday[order], ward2[order]
        dept1 = ward_depts[ward]
        dept2 = ward_depts[ward2]
        discharge = (admit.astype("datetime64[D]") + los * DAY).astype("datetime64[s]") + \
            rng.integers(int(8.5 * 3600), 16 * 3600, n) * SEC
        patient = self.patients_for(rng, dept1)
        months = admit.astype("datetime64[M]")
        doc1 = np.zeros(n, np.int64)
        doc2 = np.zeros(n, np.int64)
        for m in np.unique(months):
            sel = months == m
            pools = self.staff.pools(m)
            doc1[sel] = pick(rng, pools["doctor"], dept1[sel])
            doc2[sel] = pick(rng, pools["doctor"], dept2[sel])
        # operations 手术
        op_rows = []
        op_day = np.full(n, -1, np.int64)
        od = np.minimum(np.where(rng.random(n) < 0.7, 1, 2), los - 1)
        od = np.maximum(od, 0)
        op_dept = np.where(od < tday, dept1, dept2)
        u = rng.random(n)
        u2 = rng.random(n)
        choice = rng.random(n)
        for dname, ops in OPERATIONS.items():
            di = DEPT_INDEX[dname]
            m = np.flatnonzero((op_dept == di) & (u < OPERATION_RATE[dname]))
            if not len(m):
                continue
            w = np.array([1.0 / (k + 1) ** P.OPERATION_RANK_EXPONENT for k in range(len(ops))])
            w /= w.sum()
            k1 = np.minimum(np.searchsorted(np.cumsum(w), choice[m]), len(ops) - 1)
            op_day[m] = od[m]
            for s, k in zip(m, k1, strict=True):
                op_rows.append((s, 1, dname, int(k)))
            second = m[u2[m] < 0.08]
            for s in second:
                op_rows.append((s, 2, dname, int((k1[np.searchsorted(m, s)] + 1) % len(ops))))
        ops = pd.DataFrame(op_rows, columns=["stay", "ssxh", "dept", "op"]).sort_values(
            ["stay", "ssxh"], kind="stable").reset_index(drop=True)
        # surgeon 术者 from the operating department, anaesthetist 麻醉医师 from 麻醉科
        st = ops.stay.to_numpy()
        om = months[st] if len(st) else months[:0]
        surgeon = np.zeros(len(ops), np.int64)
        anaesthetist = np.zeros(len(ops), np.int64)
        odept = np.array([DEPT_INDEX[x] for x in ops.dept], dtype=np.int64)
        for m in np.unique(om):
            sel = om == m
            pools = self.staff.pools(m)
            surgeon[sel] = pick(rng, pools["doctor"], odept[sel])
            anaesthetist[sel] = pick(rng, pools["doctor"], np.full(sel.sum(), CODE_INDEX["D0201"]))
        ops["surgeon"] = surgeon
        ops["anaesthetist"] = anaesthetist
        ops["dept_idx"] = odept
        return Stays(admit=admit, los=los, tday=tday, dept1=dept1, dept2=dept2, ward1=ward, ward2=ward2,
                     patient=patient, doc1=doc1, doc2=doc2, discharge=discharge, op_day=op_day, ops=ops)

    def inpatient_lines(self, stays: Stays, first: np.datetime64, last: np.datetime64, key: int,
                        rx_base: int, ward_depts: np.ndarray):
        """Charge lines for stay-days dated ``first`` … ``last`` (datetime64[D], inclusive)."""
        rng = self.rng(4, key)
        adate = stays.admit.astype("datetime64[D]")
        ddate = adate + stays.los * DAY  # discharge date; bed-days are adate … ddate-1
        lo = np.maximum(adate, first)
        hi = np.minimum(ddate - DAY, last)
        sel = np.flatnonzero(hi >= lo)
        cnt = ((hi[sel] - lo[sel]) / DAY).astype(np.int64) + 1
        s = np.repeat(sel, cnt)  # stay of each stay-day
        start_off = np.repeat(((lo[sel] - adate[sel]) / DAY).astype(np.int64), cnt)
        j = start_off + (np.arange(len(s)) - np.repeat(np.cumsum(cnt) - cnt, cnt))  # day index in stay
        day = adate[s] + j * DAY
        second = j >= stays.tday[s]
        dept = np.where(second, stays.dept2[s], stays.dept1[s])
        doc = np.where(second, stays.doc2[s], stays.doc1[s])
        icu = dept == DEPT_INDEX["重症医学科"]
        n = len(s)
        parts = []

        def add(idx, item, sl, kd=None, kdys=None, rx=None, t=None):
            k = len(idx)
            if t is None:
                t = day[idx].astype("datetime64[s]") + rng.integers(8 * 3600, 20 * 3600, k) * SEC
                t = np.maximum(t, stays.admit[s[idx]] + 30 * SEC)
                t = np.minimum(t, (day[idx] + DAY).astype("datetime64[s]") - SEC)
            parts.append({"jzlx": np.ones(k, np.int8), "visit": s[idx], "item": item, "sl": sl, "t": t,
                          "kd": dept[idx] if kd is None else kd, "zx": np.zeros(k, np.int64),
                          "kdys": doc[idx] if kdys is None else kdys, "zxr": np.full(k, -1, np.int64),
                          "rx": np.full(k, -1, np.int64) if rx is None else rx})

        allidx = np.arange(n)
        # daily: bed 床位费, nursing 护理费 (ICU: 重症监护 by the hour), ward round 住院诊查费
        bed = np.where(icu, self.item_bed_icu, self.item_beds[rng.choice(4, n, p=self.bed_p)])
        add(allidx, bed, np.ones(n))
        nurse = self.item_nursing[rng.choice(3, n, p=self.nursing_p)]
        add(allidx, np.where(icu, self.item_icu_care, nurse), np.where(icu, 24.0, 1.0))
        add(allidx, np.full(n, self.item_ip_diag), np.ones(n))
        # TCM wards: 住院中医辨证论治 on most days
        tcm_dept = np.array([d.tcm for d in DEPARTMENTS])
        td = np.flatnonzero(tcm_dept[dept] & (rng.random(n) < P.IP_TCM_DIAG_P))
        add(td, np.full(len(td), self.item_ip_tcm_diag), np.ones(len(td)))
        # admission-day work-up
        a0 = np.flatnonzero(j == 0)
        for kind, lam in P.ADMIT.items():
            c = rng.poisson(lam, len(a0))
            own = np.repeat(a0, c)
            add(own, self._kind_lines(rng, kind, len(own)), np.ones(len(own)))
        # daily orders by department profile
        for di in np.unique(dept):
            prof = {**P.IP_COMMON, **{k: v * (P.IP_TCM_FACTOR if k in P.IP_TCM_KINDS else P.IP_KIND_FACTOR)
                                      for k, v in P.IP.get(DEPARTMENTS[di].name, {}).items()}}
            dd = np.flatnonzero(dept == di)
            for kind, lam in prof.items():
                if kind in ("drugs", "herb"):
                    continue
                c = rng.poisson(lam, len(dd))
                own = np.repeat(dd, c)
                sl = np.where(rng.random(len(own)) < 0.2, 2.0, 1.0)
                add(own, self._kind_lines(rng, kind, len(own)), sl)
        # daily drug orders 西药/中成药 (one prescription number per stay-day)
        nd = rng.poisson(P.IP_COMMON["drugs"] * np.where(icu, 2.5, 1.0))
        own, drow = self._drug_lines(rng, self.ip_drugs, dept, allidx, nd)
        has = np.flatnonzero(nd > 0)
        rxid = rx_base + np.searchsorted(has, own)
        rx_base += len(has)
        route = self.drugs.route.to_numpy()[drow]
        sl = np.where(route == "inj", rng.choice(np.array([2.0, 3.0, 4.0, 6.0]), len(own)),
                      rng.choice(np.array([1.0, 2.0, 2.0, 3.0]), len(own)))
        add(own, self.drug_item[drow], sl, rx=rxid)
        # herbal decoctions 中药汤剂: on stay days 1, 8, 15, … with department probability
        p_herb = np.array([P.IP.get(d.name, {}).get("herb", 0.0) * P.IP_HERB_FACTOR
                           for d in DEPARTMENTS])
        hd = np.flatnonzero((j % 7 == 1) & (_unit(self.seed, stays, s) < p_herb[dept]))
        rx_of, hrow, grams, doses = self._herb_rx(rng, len(hd))
        add(hd[rx_of], self.drug_item[hrow], grams, rx=rx_base + rx_of)
        add(hd, np.full(len(hd), self.item_herb_proc), doses.astype(float))
        add(hd, np.full(len(hd), self.item_decoct), doses.astype(float))  # inpatients: always decocted
        rx_base += len(hd)
        # operations on their day: surgery fee (手术室), anaesthesia (麻醉科), materials
        op_lines = self._operation_lines(rng, stays, s, j, day, dept)
        lines = cat_lines(parts + op_lines)
        lines["zx"] = self.exec_dept(lines["item"], lines["kd"], lines["jzlx"])
        # bed/nursing/ward-round lines are executed by the ward's department
        return lines, rx_base

    def _operation_lines(self, rng, stays: Stays, s, j, day, dept):
        ops = stays.ops
        if not len(ops):
            return []
        # stay-days that are an operation day
        is_op = j == stays.op_day[s]
        idx = np.flatnonzero(is_op)
        if not len(idx):
            return []
        sd = s[idx]
        sub = ops[ops.stay.isin(sd)]
        pos = idx[np.searchsorted(sd, sub.stay.to_numpy())]  # sd is strictly increasing
        parts = []
        k = len(sub)
        t = day[pos].astype("datetime64[s]") + rng.integers(8 * 3600, 17 * 3600, k) * SEC
        opdef = [OPERATIONS[d][o] for d, o in zip(sub.dept, sub.op, strict=True)]
        charge = np.array([self._op_charge(x) for x in opdef], dtype=np.int64)
        anes = np.array([self.item_anes[x[4]] for x in opdef], dtype=np.int64)
        surgeon = sub["surgeon"].to_numpy()
        anes_dept = np.full(k, CODE_INDEX["D0201"])
        anesth = sub["anaesthetist"].to_numpy()
        base = {"jzlx": np.ones(k, np.int8), "visit": sub.stay.to_numpy(), "t": t,
                "zxr": np.full(k, -1, np.int64), "rx": np.full(k, -1, np.int64), "zx": np.zeros(k, np.int64)}
        parts.append({**base, "item": charge, "sl": np.ones(k), "kd": dept[pos], "kdys": surgeon})
        first = sub.ssxh.to_numpy() == 1
        # anaesthesia fee 麻醉费 (麻醉科) with the first operation; local infiltration by the surgeon is
        # mostly part of the operation fee, charged separately only when the anaesthetist gave it
        local = np.array([x[4] == "局麻" for x in opdef], dtype=bool)
        charged = first & (~local | (rng.random(k) < P.LOCAL_ANAESTHESIA_CHARGED))
        fb = {kk: v[charged] for kk, v in base.items()}
        parts.append({**fb, "item": anes[charged], "sl": np.ones(charged.sum()), "kd": anes_dept[charged],
                      "kdys": anesth[charged]})
        # pathology 病理: surgical specimen (蜡块), sometimes immunohistochemistry or a frozen section
        prate = np.array([PATHOLOGY_RATE.get(d, 0.0) for d in sub.dept])
        pi = np.flatnonzero(first & (rng.random(k) < prate))
        if len(pi):
            pb = {kk: v[pi] for kk, v in base.items()}
            parts.append({**pb, "item": np.full(len(pi), self.item_path), "sl": rng.integers(1, 4, len(pi)).astype(float),
                          "kd": dept[pos][pi], "kdys": surgeon[pi]})
            extra = pi[rng.random(len(pi)) < 0.15]
            if len(extra):
                which = (rng.random(len(extra)) < 0.3).astype(np.int64)  # 0 免疫组化, 1 冰冻
                eb = {kk: v[extra] for kk, v in base.items()}
                sl = np.where(which == 0, rng.integers(2, 7, len(extra)), 1).astype(float)
                parts.append({**eb, "item": self.item_path_extra[which], "sl": sl, "kd": dept[pos][extra],
                              "kdys": surgeon[extra]})
        mats = [(i, self.code_idx_by_name(m)) for i, x in enumerate(opdef) for m in x[6] + ("一次性手术衣", "手术贴膜")]
        if mats:
            mi = np.array([m[0] for m in mats], dtype=np.int64)
            mit = np.array([m[1] for m in mats], dtype=np.int64)
            mb = {kk: v[mi] for kk, v in base.items()}
            sl = np.where(self.items.tag.to_numpy()[mit] == "mat_surg",
                          np.where(self.item_price[mit] < 500, rng.integers(1, 4, len(mi)), 1), 1).astype(float)
            parts.append({**mb, "item": mit, "sl": sl, "kd": dept[pos][mi], "kdys": surgeon[mi]})
        return parts

    def code_idx_by_name(self, name: str) -> int:
        if not hasattr(self, "_by_name"):
            self._by_name = {}
            for i, nm in enumerate(self.items.SFXMMC):
                self._by_name.setdefault(nm, i)
        return self._by_name[name]

    def _op_charge(self, op) -> int:
        charge = op[5]
        if charge in self.code_idx:
            return self.code_idx[charge]
        for suffix in ("-1", "-2"):
            if charge + suffix in self.code_idx:
                return self.code_idx[charge + suffix]
        return self.code_idx_by_name(charge)


def _local(items: pd.DataFrame, name: str) -> str:
    return items.SFXMDM[items.SFXMMC == name].iloc[0]


def _doy(days: np.ndarray) -> np.ndarray:
    d = days.astype("datetime64[D]")
    return (d - d.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)


def _unit(seed: int, stays: Stays, s: np.ndarray) -> np.ndarray:
    """A fixed uniform number per stay (so a stay either gets herbal decoctions or not)."""
    x = (s.astype(np.uint64) * np.uint64(2654435761) + np.uint64(seed % 2**32)) % np.uint64(2**32)
    return x.astype(np.float64) / 2**32


def his_codes(dept: np.ndarray, when: np.ndarray) -> np.ndarray:
    """HIS KSDM per (department index, date) — honours the 呼吸内科 re-coding."""
    from .hospital import his_code

    before = np.array([d.his for d in DEPARTMENTS], dtype=object)
    after = np.array([his_code(d, HIS_RECODE_DATE) for d in DEPARTMENTS], dtype=object)
    late = when.astype("datetime64[D]") >= np.datetime64(HIS_RECODE_DATE)
    return np.where(late, after[dept], before[dept])


def ward_dept_index(ward_list: list[tuple]) -> np.ndarray:
    return np.array([DEPARTMENTS.index(d) for _, d in ward_list], dtype=np.int64)


__all__ = ["Clinic", "Stays", "Department", "his_codes", "cat_lines", "take", "empty_lines"]
