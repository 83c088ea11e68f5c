"""Staff (人员): the HR person file, the HIS staff dictionary and monthly attendance.

HR (人事系统) holds everyone, including administration; HIS (GY_ZGXX) holds the clinical,
medical-technology, pharmacy and nursing staff under the same 工号 (``ZGGH`` = ``fnumber``), plus
a few visiting doctors (进修医生, ``JX…``) who exist only in HIS. Some staff leave during the
window (离职, leave date = a month end) and some join (入职, hire date = a month start), so the
active staff of a month is well defined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .hospital import DEPARTMENTS
from .timeline import DAY, Window

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆帅旭宁"
         "晨阳佳欣怡梓涵子轩雨思琪婷雪梅琳颖倩慧晶月玲燕博文昊天瑞泽然浩宇一诺梓萱欣妍佳怡紫涵"
         "海波春林秋菊冬梅宏伟志强永刚德明立新国庆金凤淑珍秀英")

POSTS = ("医生", "护理", "医技", "药剂", "行政后勤")
HIS_CATEGORY = {"医生": "医生", "护理": "护士", "医技": "医技", "药剂": "药剂"}
TITLES = {
    "医生": ("住院医师", "主治医师", "副主任医师", "主任医师"),
    "护理": ("护士", "护师", "主管护师", "副主任护师"),
    "医技": ("技士", "技师", "主管技师", "副主任技师"),
    "药剂": ("药士", "药师", "主管药师", "副主任药师"),
    "行政后勤": ("员级", "助理级", "中级", "副高级"),
}
TITLE_P = (0.38, 0.36, 0.18, 0.08)


def synth_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Synthetic Chinese names (surname + 1–2 given characters)."""
    sur = np.array(list(SURNAMES))
    giv = np.array(list(GIVEN))
    w = 1.0 / np.arange(1, len(sur) + 1) ** 0.7
    s = sur[rng.choice(len(sur), n, p=w / w.sum())]
    g1 = giv[rng.integers(0, len(giv), n)]
    g2 = np.where(rng.random(n) < 0.7, giv[rng.integers(0, len(giv), n)], "")
    return np.strings.add(np.strings.add(s, g1), g2)


@dataclass
class Staff:
    """Person-level arrays (index = person)."""

    number: np.ndarray  # 工号 (object str)
    name: np.ndarray
    male: np.ndarray  # bool
    birth: np.ndarray  # datetime64[D]
    dept: np.ndarray  # index into DEPARTMENTS
    post: np.ndarray  # index into POSTS
    title: np.ndarray  # object str
    position: np.ndarray  # object str: 科主任 / 护士长 / ''
    tcm: np.ndarray  # 0/1 中医类别执业医师
    hire: np.ndarray  # datetime64[D]
    leave: np.ndarray  # datetime64[D], NaT = still employed
    in_hr: np.ndarray  # bool
    in_his: np.ndarray  # bool
    ward_duty: np.ndarray  # bool: works night shifts

    def __len__(self) -> int:
        return len(self.number)

    def active(self, month: np.datetime64) -> np.ndarray:
        first = month.astype("datetime64[D]")
        last = (month + 1).astype("datetime64[D]") - DAY
        left = ~np.isnat(self.leave) & (self.leave < first)
        return (self.hire <= last) & ~left

    def pools(self, month: np.datetime64) -> dict[str, list[np.ndarray]]:
        """Active HIS staff per department: 'doctor', 'nurse', 'any' lists of person indexes."""
        act = self.active(month) & self.in_his
        out = {"doctor": [], "nurse": [], "any": []}
        for d in range(len(DEPARTMENTS)):
            in_d = act & (self.dept == d)
            doc = np.flatnonzero(in_d & (self.post == 0))
            nur = np.flatnonzero(in_d & (self.post == 1))
            anyone = np.flatnonzero(in_d)
            out["doctor"].append(doc if len(doc) else anyone)
            out["nurse"].append(nur if len(nur) else anyone)
            out["any"].append(anyone)
        return out


def pick(rng: np.random.Generator, pools: list[np.ndarray], dept: np.ndarray) -> np.ndarray:
    """For each element of ``dept`` pick a random person index from ``pools[dept]`` (-1 if none)."""
    out = np.full(len(dept), -1, dtype=np.int64)
    if not len(dept):
        return out
    u = rng.random(len(dept))
    for d in np.unique(dept):
        pool = pools[d]
        if len(pool) == 0:
            continue
        m = dept == d
        # skewed towards the first staff of the pool (senior doctors order more)
        k = np.minimum((u[m] ** 1.3 * len(pool)).astype(np.int64), len(pool) - 1)
        out[m] = pool[k]
    return out


def build_staff(rng: np.random.Generator, beds: int, window: Window) -> Staff:
    f = beds / 200.0
    rows = []  # (dept, post, core)
    for di, d in enumerate(DEPARTMENTS):
        doctor_post = 0
        other_post = {"医技": 2, "药剂": 3}.get(d.group, 4)
        if d.group == "医技组" and d.code != "D0201":
            other_post = 2
        if d.code == "D0206":
            other_post = 3
        for post, base in ((doctor_post, d.doctors), (1, d.nurses), (other_post, d.others)):
            if base <= 0:
                continue
            n = max(2 if base >= 2 else 1, int(round(base * f)))
            for k in range(n):
                rows.append((di, post, k < 2))
    dept = np.array([r[0] for r in rows], dtype=np.int64)
    post = np.array([r[1] for r in rows], dtype=np.int64)
    core = np.array([r[2] for r in rows], dtype=bool)
    n = len(rows)

    # the first doctor of each department is senior; titles otherwise random
    title_idx = rng.choice(4, n, p=TITLE_P)
    first_of_dept = np.r_[True, dept[1:] != dept[:-1]]
    title_idx = np.where(first_of_dept, 3, title_idx)
    age = 24 + title_idx * 7 + rng.integers(0, 9, n)
    male_p = np.select([post == 1, post == 0], [0.05, 0.5], 0.4)
    male = rng.random(n) < male_p
    ref = window.start
    birth = ref - (age * 365.25).astype(np.int64) * DAY - rng.integers(0, 365, n) * DAY
    years_served = np.maximum(0, age - 23 - rng.integers(0, 4, n))
    hire = (ref - (years_served * 365.25).astype(np.int64) * DAY).astype("datetime64[M]").astype("datetime64[D]")
    months = np.array(window.months)
    # joiners (入职) during the window: ~8%, mostly in July
    join = ~core & (rng.random(n) < 0.08)
    jm = months[rng.integers(0, len(months), n)]
    july = months[(months.astype(np.int64) % 12) == 6]
    if len(july):
        jm = np.where(rng.random(n) < 0.6, july[rng.integers(0, len(july), n)], jm)
    hire = np.where(join, jm.astype("datetime64[D]"), hire)
    # leavers (离职): ~7%, leave at a month end
    leaving = ~core & ~join & (rng.random(n) < 0.07)
    lm = months[rng.integers(0, len(months), n)]
    leave = np.where(leaving, (lm + 1).astype("datetime64[D]") - DAY, np.datetime64("NaT", "D"))

    tcm_dept = np.array([DEPARTMENTS[d].tcm for d in dept])
    tcm = ((post == 0) & (rng.random(n) < np.where(tcm_dept, 0.85, 0.25))).astype(np.int64)
    ward_dept = np.array([DEPARTMENTS[d].inpatient or DEPARTMENTS[d].code == "D0115" for d in dept])
    ward_duty = ward_dept & (post <= 1)

    titles = np.array([TITLES[POSTS[p]][t] for p, t in zip(post, title_idx, strict=True)], dtype=object)
    # 职务: the first staff member of each department heads it (科主任); its first nurse, if not the
    # head already, is 护士长 (head nurse). Everybody else has no position.
    first_nurse = (post == 1) & np.r_[True, (dept[1:] != dept[:-1]) | (post[1:] != post[:-1])]
    position = np.where(first_of_dept, "科主任", np.where(first_nurse, "护士长", "")).astype(object)
    in_his = post <= 3
    number = np.array([f"{10001 + i}" for i in range(n)], dtype=object)

    # visiting doctors 进修医生: HIS only
    vis_depts = [i for i, d in enumerate(DEPARTMENTS) if d.code in ("D0101", "D0105", "D0107")]
    nv = len(vis_depts)
    staff = Staff(
        number=np.concatenate([number, np.array([f"JX{i + 1:04d}" for i in range(nv)], dtype=object)]),
        name=np.concatenate([synth_names(rng, n), synth_names(rng, nv)]).astype(object),
        male=np.concatenate([male, rng.random(nv) < 0.5]),
        birth=np.concatenate([birth, ref - rng.integers(26 * 365, 32 * 365, nv) * DAY]),
        dept=np.concatenate([dept, np.array(vis_depts, dtype=np.int64)]),
        post=np.concatenate([post, np.zeros(nv, dtype=np.int64)]),
        title=np.concatenate([titles, np.array(["住院医师"] * nv, dtype=object)]),
        position=np.concatenate([position, np.array([""] * nv, dtype=object)]),
        tcm=np.concatenate([tcm, np.zeros(nv, dtype=np.int64)]),
        hire=np.concatenate([hire, np.full(nv, window.start)]),
        leave=np.concatenate([leave, np.full(nv, np.datetime64("NaT", "D"))]),
        in_hr=np.concatenate([np.ones(n, bool), np.zeros(nv, bool)]),
        in_his=np.concatenate([in_his, np.ones(nv, bool)]),
        ward_duty=np.concatenate([ward_duty, np.zeros(nv, bool)]),
    )
    return staff


def attendance(rng: np.random.Generator, staff: Staff, window: Window) -> dict[str, np.ndarray]:
    """Monthly attendance rows (t_hr_attendance) for HR staff active in each month."""
    out: dict[str, list] = {k: [] for k in ("fperiod", "fpersonnumber", "fattenddays", "fleavedays",
                                           "fnightshifts", "fmodifytime")}
    icu_er = np.array([DEPARTMENTS[d].code in ("D0114", "D0115") for d in staff.dept])
    for m in window.months:
        days = window.month_days(m)
        wd = ((days.astype(np.int64) - 4) % 7) < 5
        workdays = int(wd.sum())
        ndays = len(days)
        idx = np.flatnonzero(staff.active(m) & staff.in_hr)
        k = len(idx)
        leave = np.minimum(rng.poisson(0.9, k), workdays)
        extra = np.where(staff.ward_duty[idx], rng.integers(0, 5, k), rng.integers(0, 2, k))
        attend = np.clip(workdays - leave + extra, 0, ndays)
        nights = np.where(staff.ward_duty[idx],
                          rng.poisson(np.where(staff.post[idx] == 1, 6.0, 4.0) + 2.0 * icu_er[idx]), 0)
        nights = np.minimum(nights, attend)
        mod = (m + 1).astype("datetime64[D]") + rng.integers(1, 6, k) * DAY
        out["fperiod"].append(np.full(k, str(m), dtype=object))
        out["fpersonnumber"].append(staff.number[idx])
        out["fattenddays"].append(attend)
        out["fleavedays"].append(leave)
        out["fnightshifts"].append(nights)
        out["fmodifytime"].append(mod.astype("datetime64[s]") + np.timedelta64(9 * 3600, "s")
                                  + rng.integers(0, 8 * 3600, k) * np.timedelta64(1, "s"))
    return {k: np.concatenate(v) for k, v in out.items()}
