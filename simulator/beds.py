"""Beds 床位 (NIS 护理信息系统): wards, effective-dated open beds and the daily ward census."""

from __future__ import annotations

import datetime as dt

import numpy as np

from .hospital import DEPARTMENTS, wards
from .timeline import DAY, Window

CONFIG_START = "2020-01-01"
EXPANDED_WARD = "BQ04"  # 康复科病区 opens extra beds half-way through the window


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer split of ``total`` proportional to ``weights`` (largest remainder, stable)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    rest = total - out.sum()
    order = np.lexsort((np.arange(len(raw)), -(raw - out)))
    out[order[:rest]] += 1
    return np.maximum(out, 1)


class BedPlan:
    """Open beds per ward and day, with one effective-dated change (开放床位调整)."""

    def __init__(self, beds: int, window: Window, sim_start: np.datetime64):
        self.ward_list = wards()
        self.codes = [w.code for w, _ in self.ward_list]
        self.dept_index = np.array([DEPARTMENTS.index(d) for _, d in self.ward_list], dtype=np.int64)
        self.initial = allocate(beds, np.array([w.bed_weight for w, _ in self.ward_list], dtype=float))
        self.change_ward = self.codes.index(EXPANDED_WARD)
        self.change_date = window.months[len(window.months) // 2].astype("datetime64[D]")
        self.change_beds = int(self.initial[self.change_ward] + max(2, round(self.initial[self.change_ward] * 0.3)))
        self.sim_start = sim_start
        n_days = int((window.end - sim_start) / DAY) + 1
        self.open = np.repeat(self.initial[:, None], n_days, axis=1)
        ci = int((self.change_date - sim_start) / DAY)
        self.open[self.change_ward, ci:] = self.change_beds

    def ward_rows(self) -> dict[str, list]:
        from .hospital import his_code

        today = dt.date(2100, 1, 1)
        return {"ward_code": self.codes, "ward_name": [w.name for w, _ in self.ward_list],
                "his_dept_code": [his_code(d, today) for _, d in self.ward_list],
                "is_active": [1] * len(self.codes)}

    def config_rows(self) -> dict[str, list]:
        ids = list(range(1, len(self.codes) + 2))
        return {"id": ids, "ward_code": self.codes + [EXPANDED_WARD],
                "eff_date": [CONFIG_START] * len(self.codes) + [str(self.change_date)],
                "open_beds": [int(x) for x in self.initial] + [self.change_beds]}


def census(plan: BedPlan, stays, window: Window) -> dict[str, np.ndarray]:
    """Daily census per ward: midnight occupancy, admissions, discharges, transfers in/out."""
    W = len(plan.codes)
    n_days = plan.open.shape[1]
    base = plan.sim_start
    a = ((stays.admit.astype("datetime64[D]") - base) / DAY).astype(np.int64)
    t = a + stays.tday
    d = a + stays.los
    H = n_days + 80
    occ = np.zeros((W, H + 1), np.int64)
    adm = np.zeros((W, H), np.int64)
    dis = np.zeros((W, H), np.int64)
    tin = np.zeros((W, H), np.int64)
    tout = np.zeros((W, H), np.int64)
    # in-ward intervals: ward1 [a, t), ward2 [t, d)
    np.add.at(occ, (stays.ward1, a), 1)
    np.add.at(occ, (stays.ward1, t), -1)
    moved = stays.tday < stays.los
    np.add.at(occ, (stays.ward2[moved], t[moved]), 1)
    np.add.at(occ, (stays.ward2[moved], d[moved]), -1)
    occ = np.cumsum(occ, axis=1)[:, :H]
    np.add.at(adm, (stays.ward1, a), 1)
    np.add.at(dis, (stays.ward2, d), 1)
    np.add.at(tout, (stays.ward1[moved], t[moved]), 1)
    np.add.at(tin, (stays.ward2[moved], t[moved]), 1)
    ws = int((window.start - base) / DAY)
    we = int((window.end - base) / DAY) + 1
    days = base + np.arange(ws, we) * DAY
    nd = we - ws
    wi = np.repeat(np.arange(W), nd)
    di = np.tile(np.arange(ws, we), W)
    order = np.lexsort((wi, di))  # by date, then ward
    wi, di = wi[order], di[order]
    return {
        "census_date": np.datetime_as_string(np.tile(days, W)[order], unit="D").astype(object),
        "ward_code": np.array(plan.codes, dtype=object)[wi],
        "open_beds": plan.open[wi, di], "occupied_beds": occ[wi, di], "admissions": adm[wi, di],
        "discharges": dis[wi, di], "transfers_in": tin[wi, di], "transfers_out": tout[wi, di],
    }
