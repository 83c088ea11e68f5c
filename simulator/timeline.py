"""Generation window, calendar effects (weekday, season, Spring Festival 春节) and text formatting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

# 春节 (lunar new year's day)
SPRING_FESTIVAL = {
    2018: "2018-02-16", 2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
    2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03", 2031: "2031-01-23", 2032: "2032-02-11",
}

DAY = np.timedelta64(1, "D")


def default_end_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    first = today.replace(day=1)
    prev = first - dt.timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


@dataclass(frozen=True)
class Window:
    """The generated months: ``start`` (first day) .. ``end`` (last day), inclusive."""

    start: np.datetime64  # datetime64[D]
    end: np.datetime64
    months: tuple[np.datetime64, ...]  # datetime64[M]

    @classmethod
    def build(cls, end_month: str, months: int) -> Window:
        last = np.datetime64(end_month, "M")
        ms = tuple(last - np.arange(months - 1, -1, -1))
        start = ms[0].astype("datetime64[D]")
        end = (last + 1).astype("datetime64[D]") - DAY
        return cls(start, end, ms)

    @property
    def days(self) -> np.ndarray:
        return np.arange(self.start, self.end + DAY, DAY)

    def month_days(self, m: np.datetime64) -> np.ndarray:
        a = m.astype("datetime64[D]")
        b = (m + 1).astype("datetime64[D]")
        return np.arange(a, b, DAY)


def month_label(m: np.datetime64) -> str:
    return str(m)  # 'YYYY-MM'


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday."""
    return ((days.astype("datetime64[D]").astype(np.int64) - 4) % 7).astype(np.int64)


def day_of_year(days: np.ndarray) -> np.ndarray:
    d = days.astype("datetime64[D]")
    return (d - d.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)


def holiday_factor(days: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Volume factor for 春节 (deep dip), 国庆 and 劳动节 (milder)."""
    d = days.astype("datetime64[D]")
    f = np.ones(len(d))
    years = d.astype("datetime64[Y]").astype(int) + 1970
    for y in np.unique(years):
        for yy in (y, y + 1):
            if int(yy) not in SPRING_FESTIVAL:
                continue
            off = (d - np.datetime64(SPRING_FESTIVAL[int(yy)])).astype(np.int64)
            f = np.where((off >= -1) & (off <= 6), np.minimum(f, 0.3), f)
            f = np.where(((off >= -6) & (off <= -2)) | ((off >= 7) & (off <= 11)), np.minimum(f, 0.75), f)
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    f = np.where((month == 10) & (dom <= 7), np.minimum(f, 0.55), f)
    f = np.where((month == 5) & (dom <= 5), np.minimum(f, 0.65), f)
    return 1.0 - strength * (1.0 - f)


def winter_factor(days: np.ndarray, amplitude: float) -> np.ndarray:
    """1 + amplitude·cos, peaking mid-January (respiratory season)."""
    doy = day_of_year(days)
    return 1.0 + amplitude * np.cos(2 * np.pi * (doy - 15) / 365.25)


def growth_factor(days: np.ndarray, origin: np.datetime64, yearly: float = 0.05) -> np.ndarray:
    t = (days.astype("datetime64[D]") - origin).astype(np.int64) / 365.25
    return (1.0 + yearly) ** t


def fmt_datetime(t: np.ndarray) -> np.ndarray:
    """datetime64 → 'YYYY-MM-DD HH:MM:SS' (object array of str)."""
    s = np.datetime_as_string(t.astype("datetime64[s]"), unit="s")
    return np.strings.replace(s, "T", " ").astype(object)


def fmt_date(t: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(t.astype("datetime64[D]"), unit="D").astype(object)


def zfill_codes(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """prefix + zero-padded numbers, vectorised (object array)."""
    s = np.strings.zfill(np.asarray(numbers, dtype=np.int64).astype(str), width)
    return np.strings.add(prefix, s).astype(object)


def as_date(d: np.datetime64) -> dt.date:
    return d.astype("datetime64[D]").astype(dt.date)
