"""Tests of the demo source-system simulator (simulator/)."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from simulator import FAULTS, generate, write_department_seeds
from simulator.hospital import DEPARTMENTS

from conftest import skip_or_fail_without_service

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "connectors" / "sources"
SEEDS = ROOT / "dbt_project" / "seeds" / "department"
SYSTEMS = ("his", "finance", "cost", "hr", "beds")
SMALL = {"beds": 80, "months": 3, "scale": 0.3, "end_month": "2025-08"}  # spans the HIS re-coding 2025-07-01


def _connect(root: Path, system: str) -> sqlite3.Connection:
    return sqlite3.connect(root / "sources" / f"{system}.sqlite")


def _table_hashes(root: Path) -> dict[str, str]:
    out = {}
    for system in SYSTEMS:
        con = _connect(root, system)
        for (table,) in con.execute("select name from sqlite_master where type='table' order by name"):
            h = hashlib.sha256()
            for row in con.execute(f'select * from "{table}" order by rowid'):
                h.update(repr(row).encode())
            out[f"{system}.{table}"] = h.hexdigest()
        con.close()
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean")
    report = generate(root, **SMALL)
    return root, report


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    root = tmp_path_factory.mktemp("faulty")
    report = generate(root, **SMALL, faults=FAULTS)
    return root, report


def _code_map() -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    m = defaultdict(list)
    with (SEEDS / "dept_code_map.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            m[(r["source_system"], r["source_dept_code"])].append(
                (r["effective_from"], r["effective_to"] or "9999-12-31", r["perf_dept_code"]))
    return m


def _perf(code_map, system: str, code: str, day: str) -> str:
    for start, end, perf in code_map[(system, code)]:
        if start <= day <= end:
            return perf
    raise KeyError((system, code, day))


# --------------------------------------------------------------------------------------------------
def test_deterministic_and_seed_sensitive(clean, tmp_path):
    root, _ = clean
    generate(tmp_path / "again", **SMALL)
    generate(tmp_path / "other", **SMALL, seed=7)
    a, b, c = _table_hashes(root), _table_hashes(tmp_path / "again"), _table_hashes(tmp_path / "other")
    assert a == b
    assert a["his.FY_SFMX"] != c["his.FY_SFMX"]
    assert a["his.MZ_GHJL"] != c["his.MZ_GHJL"]
    assert a["his.GY_SFXM"] == c["his.GY_SFXM"]  # the dictionary is a property of the hospital


NOT_EXTRACTED = {"BRXM"}  # columns the simulated source has and the extraction contract leaves out


def test_tables_and_columns_match_contract(clean):
    root, report = clean
    for system in SYSTEMS:
        spec = yaml.safe_load((CONTRACTS / f"{system}.yml").read_text(encoding="utf-8"))
        con = _connect(root, system)
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        assert tables == {t["name"] for t in spec["tables"]}
        for t in spec["tables"]:
            cols = [r[1] for r in con.execute(f'pragma table_info("{t["name"]}")')]
            # the HIS holds the patient's name; the contract does not extract it (docs/privacy.md)
            assert [c for c in cols if c not in NOT_EXTRACTED] == t["columns"], t["name"]
            assert report.rows[f"{system}.{t['name']}"] == con.execute(f'select count(*) from "{t["name"]}"').fetchone()[0]
            assert report.rows[f"{system}.{t['name']}"] > 0, t["name"]
        con.close()
    manifest = json.loads((root / "sources" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == report.rows and manifest["params"]["months"] == 3


def test_charge_lines_amounts_refunds_and_times(clean):
    root, _ = clean
    con = _connect(root, "his")
    bad = con.execute("select count(*) from FY_SFMX where abs(JE - round(SL*DJ, 2)) > 0.0051").fetchone()[0]
    assert bad == 0
    n, refunds = con.execute("select count(*), sum(TFBZ) from FY_SFMX").fetchone()
    assert 0.008 < refunds / n < 0.025
    rows = con.execute("""select r.SL, r.JE, r.SFSJ, r.SFXMDM, o.SL, o.JE, o.SFSJ, o.SFXMDM, o.TFBZ
                          from FY_SFMX r left join FY_SFMX o on o.MXXH = r.YMXXH where r.TFBZ = 1""").fetchall()
    assert len(rows) == refunds
    for sl, je, t, code, osl, oje, ot, ocode, otf in rows:
        assert sl < 0 and je < 0
        assert osl is not None, "refund must point to an existing line"
        assert (osl, oje, ocode, otf) == (-sl, -je, code, 0) and t >= ot
    assert con.execute("select count(*) from FY_SFMX where TFBZ = 0 and YMXXH is not null").fetchone()[0] == 0
    assert con.execute("select count(*) from FY_SFMX where XGSJ < SFSJ").fetchone()[0] == 0
    assert con.execute("select count(*) from FY_SFMX where substr(XGSJ,1,7) <> substr(SFSJ,1,7)").fetchone()[0] == 0
    assert con.execute("select count(*) - count(distinct MXXH) from FY_SFMX").fetchone()[0] == 0
    assert con.execute("select count(*) from FY_SFMX where KDKS is null or ZXKS is null").fetchone()[0] == 0
    unknown = con.execute("select count(*) from FY_SFMX where SFXMDM not in (select SFXMDM from GY_SFXM)")
    assert unknown.fetchone()[0] == 0
    # lab lines are executed by 检验科, drugs by 药剂科
    zx = dict(con.execute("""select f.FYLB, group_concat(distinct f.ZXKS) from FY_SFMX f
                             where f.FYLB in ('04', '10') group by f.FYLB"""))
    assert zx == {"04": "0502", "10": "0601"}
    con.close()


def test_prescriptions_and_abstracts(clean):
    root, _ = clean
    con = _connect(root, "his")
    # every original drug charge line has a prescription line with the same amount
    fy = con.execute("select count(*), round(sum(JE), 2) from FY_SFMX where FYLB in ('10','11','12') and TFBZ = 0")
    cf = con.execute("select count(*), round(sum(JE), 2) from CF_CFMX")
    assert fy.fetchone() == cf.fetchone()
    bad = con.execute("""select count(*) from CF_CFMX c join GY_YPZD y on y.YPDM = c.YPDM
                         where (c.KJYBZ = 1 and (c.DDDS <= 0 or y.DDDZ is null)) or (c.KJYBZ = 0 and c.DDDS <> 0)""")
    assert bad.fetchone()[0] == 0
    assert con.execute("select count(distinct YPLB) from CF_CFMX").fetchone()[0] == 3
    # 病案首页 totals equal the stay's charge lines (stays admitted inside the window)
    rows = con.execute("""select b.ZFY, b.YPF, b.HCF, s.zfy, s.ypf, s.hcf from BA_SYJL b join (
                            select JZH, round(sum(JE),2) zfy,
                                   round(sum(case when FYLB in ('10','11','12') then JE else 0 end),2) ypf,
                                   round(sum(case when FYLB = '09' then JE else 0 end),2) hcf
                            from FY_SFMX where JZLX = 'ZY' group by JZH) s on s.JZH = b.ZYH
                          where b.RYSJ >= '2025-06-01'""").fetchall()
    assert len(rows) > 50
    for r in rows:
        assert r[0:3] == pytest.approx(r[3:6], abs=0.011)
    alos = con.execute("select avg(SJZYTS) from BA_SYJL").fetchone()[0]
    assert 6 < alos < 12
    assert con.execute("select count(*) from BA_SYJL where LYFS not in ('1','2','3','4','5','9')").fetchone()[0] == 0
    # surgeons and anaesthetists are staff of the right departments
    ops = con.execute("""select z1.KSDM, z2.KSDM from BA_SSJL s join GY_ZGXX z1 on z1.ZGGH = s.SZYS
                         join GY_ZGXX z2 on z2.ZGGH = s.MZYS""").fetchall()
    assert len(ops) == con.execute("select count(*) from BA_SSJL").fetchone()[0] > 0
    assert {a for _, a in ops} == {"0501"}
    assert not {s for s, _ in ops} & {"0501", "0502", "0601"}
    con.close()


def test_staff_shared_between_his_and_hr(clean):
    root, _ = clean
    his = _connect(root, "his")
    his.execute(f"attach '{root / 'sources' / 'hr.sqlite'}' as hr")
    missing = his.execute("""select count(*) from GY_ZGXX z left join hr.t_hr_person p on p.fnumber = z.ZGGH
                             where p.fnumber is null and z.ZGGH not like 'JX%'""").fetchone()[0]
    assert missing == 0
    assert his.execute("select count(*) from GY_ZGXX where ZGGH like 'JX%'").fetchone()[0] > 0
    assert his.execute("select count(*) from hr.t_hr_person where fpostcategory = '行政后勤'").fetchone()[0] > 0
    assert his.execute("select count(*) from hr.t_hr_person where fleavedate is not null").fetchone()[0] > 0
    assert his.execute("""select count(*) from FY_SFMX where KDYS not in (select ZGGH from GY_ZGXX)""").fetchone()[0] == 0
    bad = his.execute("""select count(*) from hr.t_hr_attendance a
        where a.fattenddays > cast(strftime('%d', date(a.fperiod || '-01', '+1 month', '-1 day')) as int)
           or a.fnightshifts > a.fattenddays""").fetchone()[0]
    assert bad == 0
    his.close()


def test_finance_revenue_equals_his_charges(clean):
    root, _ = clean
    cmap = _code_map()
    fin_of = {d.code: d.fin for d in DEPARTMENTS}
    his = _connect(root, "his")
    expected: dict[tuple, float] = defaultdict(float)
    for month, day, kdks, je in his.execute(
            "select substr(SFSJ,1,7), substr(SFSJ,1,10), KDKS, sum(JE) from FY_SFMX group by 1, 2, 3"):
        expected[(month, fin_of[_perf(cmap, "his", kdks, day)])] += je
    assert {k[1] for k in expected} >= {"10202"}  # 呼吸内科 charged under both HIS codes
    fin = _connect(root, "finance")
    got = {(f"{y:04d}-{p:02d}", d): v for y, p, d, v in fin.execute(
        "select iyear, iperiod, cdept_id, sum(mc) - sum(md) from gl_accass where ccode like '6001%' group by 1,2,3")}
    assert set(got) == {k for k, v in expected.items() if abs(v) > 0.001}
    for k, v in got.items():
        assert v == pytest.approx(expected[k], abs=0.01), k
    # balance accounts roll forward
    rows = fin.execute("""select s.ccode, c.cclass, s.iyear*100+s.iperiod, s.mb, s.md, s.mc, s.me
                          from gl_accsum s join code c using (ccode) order by s.ccode, 3""").fetchall()
    last = {}
    for code, cls, _period, mb, md, mc, me in rows:
        assert me == pytest.approx(mb + md - mc if cls == "资产" else mb + mc - md, abs=0.005)
        if code in last:
            assert mb == pytest.approx(last[code], abs=0.005)
        last[code] = me
    his.close()
    fin.close()


def test_cost_allocation_balances(clean):
    root, _ = clean
    con = _connect(root, "cost")
    for kjqj, item, j1, j2, j3, n in con.execute(
            "select KJQJ, CBXMDM, sum(JJCB1), sum(JJCB2), sum(JJCB3), count(*) from CB_KSCB group by 1, 2"):
        assert abs(j1) < 0.005 and abs(j2) < 0.005 and abs(j3) < 0.005, (kjqj, item)
        assert n == len(DEPARTMENTS)
    # after the three stages only clinical centres carry cost
    rows = con.execute("""select d.KSLX, round(sum(c.ZJCB + c.JJCB1 + c.JJCB2 + c.JJCB3), 2), sum(c.ZJCB)
                          from CB_KSCB c join CB_KSDY d using (CBKSDM) group by 1""").fetchall()
    full = {k: v for k, v, _ in rows}
    assert full["行政后勤类"] == 0 and full["医疗辅助类"] == 0 and full["医疗技术类"] == 0
    assert full["临床服务类"] == pytest.approx(sum(z for _, _, z in rows), abs=0.05)
    con.close()


def test_beds_census_consistent(clean):
    root, _ = clean
    con = _connect(root, "beds")
    rows = con.execute("""select ward_code, census_date, open_beds, occupied_beds, admissions, discharges,
                                 transfers_in, transfers_out from nis_bed_census order by ward_code, census_date""")
    prev = {}
    for ward, _day, open_beds, occ, adm, dis, tin, tout in rows:
        if ward in prev:
            assert occ == prev[ward] + adm - dis + tin - tout
        assert 0 <= occ <= 1.3 * open_beds
        prev[ward] = occ
    assert con.execute("select count(distinct ward_code) from nis_bed_config").fetchone()[0] == 14
    assert con.execute("select count(*) from nis_bed_config").fetchone()[0] == 15  # one effective-dated change
    con.close()


def test_bed_use_at_default_size(tmp_path):
    report = generate({"beds": f"sqlite:///{tmp_path / 'beds.sqlite'}"}, end_month="2025-12")
    assert report.rows["beds.nis_bed_census"] == 14 * 731  # 2024 is a leap year
    con = sqlite3.connect(tmp_path / "beds.sqlite")
    use = con.execute("select 1.0 * sum(occupied_beds) / sum(open_beds) from nis_bed_census").fetchone()[0]
    assert 0.85 <= use <= 0.95
    over = con.execute("select avg(occupied_beds > 1.05 * open_beds) from nis_bed_census").fetchone()[0]
    assert over < 0.02
    con.close()


def test_faults_are_present_and_documented(faulty, clean):
    root, report = faulty
    manifest = json.loads((root / "sources" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["faults"]) == FAULTS
    f = manifest["faults"]
    con = _connect(root, "his")
    day = f["missing_day"]["date"]
    assert con.execute("select count(*) from FY_SFMX where substr(SFSJ,1,10) = ?", (day,)).fetchone()[0] == 0
    assert con.execute("select count(*) from MZ_GHJL where substr(GHSJ,1,10) = ?", (day,)).fetchone()[0] == 0
    assert f["missing_day"]["charge_lines_removed"] > 0
    clean_con = _connect(clean[0], "his")
    assert clean_con.execute("select count(*) from FY_SFMX where substr(SFSJ,1,10) = ?",
                             (day,)).fetchone()[0] == f["missing_day"]["charge_lines_removed"]
    assert clean_con.execute("select count(*) from MZ_GHJL where substr(GHSJ,1,10) = ?",
                             (day,)).fetchone()[0] == f["missing_day"]["registrations_removed"] > 0
    assert clean_con.execute("select count(*) from FY_SFMX").fetchone()[0] == con.execute(
        "select count(*) from FY_SFMX").fetchone()[0] + f["missing_day"]["charge_lines_removed"] \
        + f["missing_day"]["refund_lines_removed"] - f["duplicate_lines"]["count"]
    orphans = con.execute("select count(*) from FY_SFMX where TFBZ = 1 and YMXXH not in (select MXXH from FY_SFMX)")
    assert orphans.fetchone()[0] == 0
    kd, zx = con.execute("select sum(KDKS is null), sum(ZXKS is null) from FY_SFMX").fetchone()
    assert (kd, zx) == (f["null_dept"]["kdks_null"], f["null_dept"]["zxks_null"]) and kd > 0 and zx > 0
    dups = [r[0] for r in con.execute("select MXXH from FY_SFMX group by MXXH having count(*) > 1 order by 1")]
    assert dups == sorted(f["duplicate_lines"]["mxxh"]) and len(dups) == f["duplicate_lines"]["count"] > 0
    unk = con.execute("select count(*) from FY_SFMX where SFXMDM not in (select SFXMDM from GY_SFXM)").fetchone()[0]
    assert unk == f["unknown_items"]["lines"] > 0
    late = con.execute("select count(*) from FY_SFMX where substr(XGSJ,1,7) > substr(SFSJ,1,7)").fetchone()[0]
    assert late == f["late_records"]["lines"] > 0
    # revenue_mismatch: the faulty finance differs from the clean one in exactly one row, by the amount
    mm = f["revenue_mismatch"]
    q = "select iyear, iperiod, ccode, cdept_id, mc from gl_accass order by i_id"
    a = _connect(clean[0], "finance").execute(q).fetchall()
    b = _connect(root, "finance").execute(q).fetchall()
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert len(diff) == 1
    (y, p, ccode, dept, mc_clean), (*_, mc_bad) = diff[0]
    assert (y, p, ccode, dept) == (mm["year"], mm["month"], mm["ccode"], mm["cdepcode"])
    assert mc_bad - mc_clean == pytest.approx(mm["amount"], abs=0.005)
    con.close()
    clean_con.close()


def test_department_seeds_are_current(tmp_path):
    write_department_seeds(tmp_path)
    for name in ("perf_department.csv", "dept_code_map.csv"):
        assert (SEEDS / name).read_bytes() == (tmp_path / name).read_bytes(), name
    with (SEEDS / "dept_code_map.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for system in SYSTEMS:
        codes = [r["source_dept_code"] for r in rows if r["source_system"] == system]
        assert len(codes) == len(set(codes)), system
    assert any(r["effective_to"] for r in rows)  # the effective-dated HIS re-coding


def test_every_his_code_maps_at_its_date(clean):
    root, _ = clean
    cmap = _code_map()
    con = _connect(root, "his")
    for code, day in con.execute("select distinct KDKS, substr(SFSJ,1,10) from FY_SFMX union "
                                 "select distinct ZXKS, substr(SFSJ,1,10) from FY_SFMX"):
        _perf(cmap, "his", code, day)
    beds = _connect(root, "beds")
    for (ward,) in beds.execute("select ward_code from nis_ward"):
        assert ("beds", ward) in cmap
    con.close()
    beds.close()


# --------------------------------------------------------------------------------------------------
DB = "jixiao_sim_test"
SERVER_RUN = {"months": 1, "scale": 0.05, "beds": 60, "end_month": "2025-07"}


@pytest.mark.postgres
def test_write_his_to_postgresql():
    import psycopg

    try:
        admin = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        skip_or_fail_without_service("PostgreSQL")
    admin.execute(f"drop database if exists {DB}")
    admin.execute(f"create database {DB}")
    try:
        report = generate({"his": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"}, **SERVER_RUN)
        with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={DB}") as con:
            n = con.execute('select count(*) from "FY_SFMX"').fetchone()[0]
            assert n == report.rows["his.FY_SFMX"] > 0
            types = dict(con.execute("""select column_name, data_type from information_schema.columns
                                        where table_name = 'FY_SFMX'""").fetchall())
            assert types["SFSJ"].startswith("timestamp") and types["JE"] == "numeric" and types["MXXH"] == "bigint"
            bad = con.execute('select count(*) from "FY_SFMX" where abs("JE" - round("SL" * "DJ", 2)) > 0.005')
            assert bad.fetchone()[0] == 0
        generate({"his": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"}, **SERVER_RUN)  # re-run replaces
        with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={DB}") as con:
            assert con.execute('select count(*) from "FY_SFMX"').fetchone()[0] == n
    finally:
        admin.execute(f"drop database if exists {DB} with (force)")
        admin.close()


@pytest.mark.mariadb
def test_write_his_to_mariadb():
    import pymysql

    try:
        admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True,
                                connect_timeout=3)
    except pymysql.err.OperationalError:
        skip_or_fail_without_service("MariaDB")
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {DB}")
        cur.execute(f"create database {DB} character set utf8mb4")
    try:
        report = generate({"his": f"mysql+pymysql://root@127.0.0.1:3306/{DB}?charset=utf8mb4"}, **SERVER_RUN)
        con = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", database=DB)
        with con.cursor() as cur:
            cur.execute("select count(*), sum(TFBZ) from FY_SFMX")
            n, refunds = cur.fetchone()
            assert n == report.rows["his.FY_SFMX"] > 0 and refunds > 0
            cur.execute("select data_type from information_schema.columns where table_schema = %s "
                        "and table_name = 'FY_SFMX' and column_name = 'SFSJ'", (DB,))
            assert cur.fetchone()[0] == "datetime"
            cur.execute("select SFXMMC from FY_SFMX where SFXMMC like '%%诊查费%%' limit 1")
            assert "诊查费" in cur.fetchone()[0]
        con.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {DB}")
        admin.close()


# --------------------------------------------------------------------------------------------------
# charge-item mix for the point-value library (项目点值库)
MAPPING_SEED = ROOT / "dbt_project" / "seeds" / "mapping" / "charge_item_mapping.csv"
REFERENCE = ROOT / "reference" / "catalogues"
NOT_MAPPED_FEES = ("09", "10", "11", "12")  # 材料费 and drugs are excluded from mapping


def _tsv(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _mapping_rules():
    """Independent implementation of the matching rules: (national codes, crosswalk, confirmed)."""
    national = {r["item_code"]: r["item_name"] for r in _tsv("national_service_items_2023.sample.tsv")}
    crosswalk = {}
    for r in _tsv("service_code_crosswalk_2023_2012.sample.tsv"):
        if r["code_2001"] and r["code_2023"] and r["code_2023"] in national:
            crosswalk.setdefault(r["code_2001"], r["code_2023"])
    with MAPPING_SEED.open(encoding="utf-8") as fh:
        confirmed = {r["his_code"]: r["standard_code"] for r in csv.DictReader(fh)}
    return national, crosswalk, confirmed


def _match_path(code: str, national, crosswalk, confirmed) -> str:
    import re

    if code in national:
        return "national"
    m = re.fullmatch(r"(.+)-[0-9A-Za-z]+", code)
    if m and m.group(1) in national:
        return "suffix"
    m = re.fullmatch(r"(\d{9})[a-z]?", code)
    if m and m.group(1) in crosswalk:
        return "crosswalk"
    if confirmed.get(code) in national:
        return "confirmed"
    return "unmapped"


def test_mapping_seed_is_current(tmp_path):
    from simulator.catalogue import build_charge_items, write_mapping_seed

    write_mapping_seed(tmp_path / "charge_item_mapping.csv")
    assert MAPPING_SEED.read_bytes() == (tmp_path / "charge_item_mapping.csv").read_bytes()
    national, _, _ = _mapping_rules()
    with MAPPING_SEED.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == ["his_code", "standard_code", "confirmed_by", "confirmed_at", "note"]
    items = build_charge_items().set_index("SFXMDM")
    assert len(rows) >= 10 and len({r["his_code"] for r in rows}) == len(rows)
    for r in rows:
        assert r["standard_code"] in national  # no invented national codes
        assert items.loc[r["his_code"], "std_code"] == r["standard_code"]  # the simulator's truth
        assert r["confirmed_by"].startswith(("绩效办-", "医务科-")) and r["note"]
        assert len(r["confirmed_at"]) == 10 and r["confirmed_at"][4] == "-" and r["confirmed_at"][7] == "-"


def _clean_bigrams(name: str) -> set[str]:
    s = name.lower()
    for c in " 　()（）[]【】,，、.。:：;；/-—+\"“”":
        s = s.replace(c, "")
    return {s[i:i + 2] for i in range(len(s) - 1)}


def test_unreviewed_local_variants_found_by_bigram_similarity():
    from simulator.catalogue import build_charge_items

    national, _, confirmed = _mapping_rules()
    items = build_charge_items()
    variants = items[items.origin == "local_variant"]
    assert len(variants) >= 3
    nat_bigrams = {c: _clean_bigrams(n) for c, n in national.items()}
    for r in variants.itertuples(index=False):
        assert r.SFXMDM not in confirmed
        a = _clean_bigrams(r.SFXMMC)
        dice = {c: 2 * len(a & b) / (len(a) + len(b)) for c, b in nat_bigrams.items()}
        top3 = sorted(dice, key=lambda c: (-dice[c], c))[:3]
        assert r.std_code in top3, (r.SFXMMC, top3)
    # items without a counterpart carry no standard code, and the seed never maps them
    none = items[items.origin.isin(["local_none", "nine_hubei"])]
    assert (none.std_code == "").all() and not set(none.SFXMDM) & set(confirmed)


def test_service_amount_maps_to_national_sample(tmp_path):
    """≥95 % of non-drug, non-consumable charge amount maps (code, crosswalk or confirmed mapping).

    Two months at the default size (24 months at defaults give ~96 %; see simulator/catalogue.py).
    """
    report = generate(tmp_path, months=2)
    assert report.params["beds"] == 200
    national, crosswalk, confirmed = _mapping_rules()
    con = _connect(tmp_path, "his")
    by_path: dict[str, float] = defaultdict(float)
    unmapped_codes = set()
    for code, fylb, je in con.execute("select SFXMDM, FYLB, sum(JE) from FY_SFMX group by 1, 2"):
        if fylb in NOT_MAPPED_FEES:
            continue
        path = _match_path(code, national, crosswalk, confirmed)
        by_path[path] += je
        if path == "unmapped" and je > 0:
            unmapped_codes.add(code)
    con.close()
    total = sum(by_path.values())
    share = {k: v / total for k, v in by_path.items()}
    print({k: round(100 * v, 2) for k, v in sorted(share.items())})
    assert 1 - share["unmapped"] >= 0.95
    assert 0.01 <= share["unmapped"] <= 0.05
    assert share["national"] > share["suffix"] > 0 and share["crosswalk"] > 0 and share["confirmed"] > 0
    # the review work is a mix: local codes (variants and items without counterpart), Hubei 9-digit items
    assert any(c.startswith("ZL") for c in unmapped_codes)
    assert any(len(c) >= 9 and c[:9].isdigit() for c in unmapped_codes)
