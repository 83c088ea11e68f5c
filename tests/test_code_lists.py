"""Code lists (编码目录): shipped seeds agree with the demo hospital, `jixiao reference load` checks
files and replaces the list, the staging model then reads the loaded rows, `reference lists`."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from connectors.catalogue import (
    CodeListValidationError,
    code_list_status,
    code_lists,
    load_code_list,
    read_code_list,
)
from simulator import catalogue, profiles

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "dbt_project" / "seeds" / "national" / "code_lists"


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"code_list__{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- shipped seeds ---------------------------------------------------------------------------------
def test_every_list_has_a_seed_a_staging_model_and_passes_its_own_checks():
    models = REPO / "dbt_project" / "models" / "staging" / "reference"
    counts = {}
    for name, spec in code_lists().items():
        rows = _seed(name)
        assert list(rows[0]) == [*spec.column_names, "edition", "effective_from", "effective_to"]
        assert (models / f"stg_reference__{name}.sql").is_file()
        checked = read_code_list(SEEDS / f"code_list__{name}.csv", name)  # the loader accepts the seed as is
        assert checked.errors.total == 0, [e.message for e in checked.errors]
        assert checked.ignored == ["edition"]
        counts[name] = len(rows)
    assert counts == {
        "surgery_grades": 49, "minimally_invasive_procedures": 23, "low_risk_diagnoses": 15,
        "complication_diagnoses": 26, "antibiotic_ddd": 11, "essential_drugs": 41, "vbp_drugs": 25,
        "key_monitored_drugs": 20, "key_monitored_consumables": 6, "tcm_service_items": 31,
    }


def test_demo_seeds_agree_with_the_simulated_hospital():
    ops = {op[0]: op for dept in catalogue.OPERATIONS.values() for op in dept}
    grades = {r["procedure_code"]: int(r["surgery_grade"]) for r in _seed("surgery_grades")}
    assert grades == {code: op[2] for code, op in ops.items()}
    assert grades["51.2301"] == 3 and grades["81.5100"] == 4 and grades["49.4700"] == 1
    mis = {r["procedure_code"] for r in _seed("minimally_invasive_procedures")}
    assert mis == {code for code, op in ops.items() if op[3] == 1}

    drugs = catalogue.build_drugs()
    ddd = {r["drug_code"]: r for r in _seed("antibiotic_ddd")}
    antibiotics = drugs[drugs.KJYBZ == 1]
    assert set(ddd) == set(antibiotics.YPDM)
    for d in antibiotics.itertuples():
        assert ddd[d.YPDM]["drug_name"] == d.YPMC
        assert float(ddd[d.YPDM]["ddd_g"]) == d.DDDZ and float(ddd[d.YPDM]["unit_strength_g"]) == d.strength
    assert ddd["XY10018"]["drug_name"] == "注射用头孢曲松钠" and ddd["XY10018"]["atc_code"] == "J01DD04"
    assert ddd["XY10018"]["ddd_g"] == "2.0000"

    assert {r["drug_name"] for r in _seed("essential_drugs")} == set(drugs.YPMC[drugs.JBYWBZ == 1])
    vbp = {r["drug_name"]: r for r in _seed("vbp_drugs")}
    assert {n for n, r in vbp.items() if r["is_selected"] == "true"} == set(drugs.YPMC[drugs.JCBZ == 1])
    assert set(vbp) <= set(drugs.YPMC)
    assert vbp["阿莫西林胶囊(原研)"]["generic_name"] == vbp["阿莫西林胶囊"]["generic_name"] == "阿莫西林"

    items = catalogue.build_charge_items().set_index("SFXMDM")
    for r in _seed("key_monitored_consumables"):
        assert items.loc[r["charge_item_code"], "FYLB"] == "09"
        assert items.loc[r["charge_item_code"], "SFXMMC"] == r["item_name"]
    tcm = _seed("tcm_service_items")
    for r in tcm:
        if r["code_prefix"].startswith("ZL"):
            assert items.loc[r["code_prefix"], "SFXMMC"] == r["category_name"].removeprefix("本院自定义：")
    # every 中医治疗费 (fee class 13) item of the dictionary is a 中医医疗服务项目
    prefixes = [r["code_prefix"] for r in tcm]
    fee13 = [c for c in items.index[items.FYLB == "13"]]
    assert fee13 and all(any(c.startswith(p) for p in prefixes) for c in fee13)

    dx = {code for dept in profiles.DIAGNOSES.values() for code, _, _ in dept}
    low = [r["diagnosis_code_prefix"] for r in _seed("low_risk_diagnoses")]
    assert sum(any(c.startswith(p) for c in dx) for p in low) == len(low) - 1  # all but K35 appendicitis
    high_risk = ("I21.900", "A41.900", "J96.000", "C50.900", "I61.900", "R57.000")  # MI, sepsis, …
    assert set(high_risk) <= dx and not any(c.startswith(p) for c in high_risk for p in low)
    complications = [r["diagnosis_code_prefix"] for r in _seed("complication_diagnoses")]
    for code, _, _ in getattr(profiles, "COMPLICATIONS", ()):
        assert any(code.startswith(p) for p in complications), code
    assert not any(c.startswith(p) for c in dx for p in complications)  # no principal dx is a complication

    monitored = [r["generic_name"] for r in _seed("key_monitored_drugs")]
    assert len(monitored) == 20 and "磷酸肌酸钠" in monitored and "马来酸桂哌齐特" in monitored
    assert all(r["edition"] == "2019-第一批" for r in _seed("key_monitored_drugs"))


# -- validation ------------------------------------------------------------------------------------
def test_a_bad_file_names_line_column_and_reason_and_loads_nothing(tmp_path):
    wh = tmp_path / "w.duckdb"
    good = _write(tmp_path / "ok.csv", "procedure_code,procedure_name,surgery_grade\n51.2301,腹腔镜下胆囊切除术,4\n")
    load_code_list(good, "surgery_grades", wh, edition="第一版")
    bad = _write(
        tmp_path / "分级.csv",
        "手术操作编码,手术操作名称,手术级别,生效日期,备注\n"
        "51.2301,腹腔镜下胆囊切除术,3,2024-01-01,\n"
        ",无编码,2,,\n"
        "51.2301,重复,2,2024/1/1,\n"
        "13.4100,白内障超声乳化抽吸术,5,,\n"
        "47.0901,阑尾切除术,二,,\n"
        "28.2x00,扁桃体切除术,2,2024-02-30,\n",
    )
    with pytest.raises(CodeListValidationError) as exc:
        load_code_list(bad, "surgery_grades", wh)
    messages = [e.message for e in exc.value.errors]
    assert messages == [
        "文件 分级.csv，第 3 行，列「手术操作编码」：值为空，此列必须填写",
        "文件 分级.csv，第 4 行，列「手术操作编码」：值“51.2301”与第 2 行重复（生效日期也相同）",
        "文件 分级.csv，第 5 行，列「手术级别」：值“5”不是手术级别：应为 1–4 的整数",
        "文件 分级.csv，第 6 行，列「手术级别」：值“二”不是手术级别：应为 1–4 的整数",
        "文件 分级.csv，第 7 行，列「生效日期」：值“2024-02-30”不是日期，应写成 YYYY-MM-DD（如 2025-01-01）",
    ]
    assert "共发现 5 个问题，未导入任何数据" in str(exc.value)
    con = duckdb.connect(str(wh), read_only=True)
    try:  # the earlier list is untouched and no load was recorded
        assert con.execute("SELECT procedure_code, surgery_grade, edition FROM raw_reference.code_list__surgery_grades"
                           ).fetchall() == [("51.2301", "4", "第一版")]
        assert con.execute("SELECT count(*) FROM raw_reference.code_list_loads").fetchone()[0] == 1
    finally:
        con.close()


def test_other_checks_flags_numbers_periods_prefixes_and_missing_columns(tmp_path):
    def errors(name: str, text: str, file: str = "f.csv") -> list[str]:
        return [e.message for e in read_code_list(_write(tmp_path / file, text), name).errors]

    assert errors("vbp_drugs", "drug_name,generic_name,is_selected\n阿莫西林胶囊,阿莫西林,是\n头孢克洛胶囊,头孢克洛,maybe\n") == [
        "文件 f.csv，第 3 行，列「is_selected」：值“maybe”无法识别：应为是/否（或 1/0、true/false）"]
    assert errors("antibiotic_ddd", "药品编码,药品名称,ATC编码,单位含量（g）,DDD值（g）\nXY1,甲,J01,0,1.5\nXY2,乙,J01,abc,1\n") == [
        "文件 f.csv，第 2 行，列「单位含量（g）」：值“0”不是大于 0 的数字",
        "文件 f.csv，第 3 行，列「单位含量（g）」：值“abc”不是大于 0 的数字"]
    assert errors("low_risk_diagnoses", "diagnosis_code_prefix,diagnosis_name,effective_from,effective_to\n"
                  "O80,单胎顺产,2020-01-01,2024-12-31\nO80,单胎顺产,2024-06-01,\nK35,阑尾炎,2025-01-01,2024-01-01\n") == [
        "文件 f.csv，第 3 行，列「diagnosis_code_prefix」：值“O80”与第 2 行的有效期重叠（第 2 行到 2024-12-31，本行从 2024-06-01 起）",
        "文件 f.csv，第 4 行，列「effective_to」：失效日期 2024-01-01 早于生效日期 2025-01-01"]
    assert errors("tcm_service_items", "code_prefix,category_name,is_non_drug_therapy\nPB,中医治疗,1\nPBF,特殊治疗,1\n") == [
        "文件 f.csv，第 3 行，列「code_prefix」：编码前缀“PBF”以第 2 行的前缀“PB”开头：同一个收费项目会匹配两行，请只保留其一"]
    assert errors("key_monitored_consumables", "charge_item_code,item_name\nCL1,钢板\n") == [
        "文件 f.csv，第 1 行（表头）：缺少必需的列「category」（或中文列名「品类」）"]
    assert errors("essential_drugs", "药品名称\n") == ["文件 f.csv：只有表头，没有数据行"]


def test_xlsx_with_chinese_headers_loads_with_normalised_values(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["诊断编码前缀", "诊断名称", "生效日期", "说明"])
    ws.append(["T81", "操作并发症", None, "x"])
    ws.append(["J95", "操作后呼吸性疾患", "2024/03/01", None])
    wb.save(tmp_path / "并发症.xlsx")
    wh = tmp_path / "w.duckdb"
    r = load_code_list(tmp_path / "并发症.xlsx", "complication_diagnoses", wh, edition="省-2024",
                       effective_from=__import__("datetime").date(2023, 1, 1), note="医务科")
    assert (r.rows, r.edition, r.ignored_columns) == (2, "省-2024", ("说明",))
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute(
            "SELECT diagnosis_code_prefix, edition, effective_from, effective_to "
            "FROM raw_reference.code_list__complication_diagnoses ORDER BY 1").fetchall() == [
            ("J95", "省-2024", "2024-03-01", None), ("T81", "省-2024", "2023-01-01", None)]
        assert con.execute(
            "SELECT list_name, file_name, rows, edition, note, length(sha256) FROM raw_reference.code_list_loads"
        ).fetchall() == [("complication_diagnoses", "并发症.xlsx", 2, "省-2024", "医务科", 64)]
    finally:
        con.close()


# -- the staging model reads the loaded list, else the seed -----------------------------------------
def _dbt(args: list[str], wh: Path, tmp: Path) -> str:
    env = {**os.environ, "JIXIAO_WAREHOUSE": str(wh), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir", "dbt_project", "--profiles-dir",
         "dbt_project", "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    return proc.stdout


def test_load_replaces_the_list_and_staging_reads_it_instead_of_the_seed(tmp_path):
    wh = tmp_path / "w.duckdb"
    f = _write(tmp_path / "grades.csv", "procedure_code,procedure_name,surgery_grade\n"
                                        "51.2301,腹腔镜下胆囊切除术,4\n47.0901,阑尾切除术,2\n")
    r = load_code_list(f, "surgery_grades", wh, edition="省-2024")
    assert r.rows == 2
    # a second load replaces the whole list
    f = _write(tmp_path / "grades.csv", "procedure_code,procedure_name,surgery_grade\n"
                                        "51.2301,腹腔镜下胆囊切除术,4\n47.0901,阑尾切除术,2\n81.5100,全髋关节置换术,4\n")
    load_code_list(f, "surgery_grades", wh, edition="省-2025")

    out = _dbt(["build", "--select", "code_list__surgery_grades", "stg_reference__surgery_grades"], wh, tmp_path)
    assert "ERROR=0" in out
    sql = "SELECT procedure_code, surgery_grade, edition, effective_from FROM staging.stg_reference__surgery_grades"
    con = duckdb.connect(str(wh))
    try:
        assert con.execute(sql + " ORDER BY 1").fetchall() == [
            ("47.0901", 2, "省-2025", __import__("datetime").date(2000, 1, 1)),
            ("51.2301", 4, "省-2025", __import__("datetime").date(2000, 1, 1)),
            ("81.5100", 4, "省-2025", __import__("datetime").date(2000, 1, 1))]
        assert con.execute("SELECT count(*) FROM seeds.code_list__surgery_grades").fetchone()[0] == 49
        con.execute("DELETE FROM raw_reference.code_list__surgery_grades")  # an empty list → the seed
    finally:
        con.close()
    _dbt(["run", "--select", "stg_reference__surgery_grades"], wh, tmp_path)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT edition), min(edition) "
                           "FROM staging.stg_reference__surgery_grades").fetchone() == (49, 1, "demo-2024")
        assert con.execute("SELECT surgery_grade FROM staging.stg_reference__surgery_grades "
                           "WHERE procedure_code = '51.2301'").fetchone() == (3,)
    finally:
        con.close()


# -- jixiao reference lists / load -------------------------------------------------------------------
def test_reference_lists_and_load_commands(tmp_path, monkeypatch):
    from orchestration.cli import app

    wh = tmp_path / "w.duckdb"
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(wh))
    run = CliRunner().invoke

    res = run(app, ["reference", "lists"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert len(lines) == 10
    assert lines[0] == "surgery_grades  手术分级目录  随附演示目录（版本 demo-2024）  49 行"
    assert "key_monitored_drugs  重点监控合理用药药品  随附官方目录（版本 2019-第一批）  20 行" in lines

    bad = _write(tmp_path / "低风险.csv", "diagnosis_code_prefix,diagnosis_name\nO80,单胎顺产\nO80,重复\n")
    res = run(app, ["reference", "load", "low_risk_diagnoses", str(bad)])
    assert res.exit_code == 1
    assert "文件 低风险.csv，第 3 行，列「diagnosis_code_prefix」：值“O80”与第 2 行重复" in res.output
    assert not wh.exists() or "医院导入" not in run(app, ["reference", "lists"]).output

    good = _write(tmp_path / "低风险.csv", "diagnosis_code_prefix,diagnosis_name\nO80,单胎顺产\nJ06,急性上呼吸道感染\n")
    res = run(app, ["reference", "load", "低风险病种", str(good), "--edition", "2025版", "--effective-from",
                    "2025-01-01", "--note", "医务科"])
    assert res.exit_code == 0, res.output
    assert "已导入低风险病种 低风险.csv 到 raw_reference.code_list__low_risk_diagnoses：2 行，版本 2025版" in res.output

    res = run(app, ["reference", "lists"])
    line = next(x for x in res.output.splitlines() if x.startswith("low_risk_diagnoses"))
    assert line.startswith("low_risk_diagnoses  低风险病种  医院导入（版本 2025版，导入于 ")
    assert line.endswith("文件 低风险.csv）  2 行")
    status = {s.list_name: s for s in code_list_status(wh)}
    assert status["low_risk_diagnoses"].source == "医院导入" and status["surgery_grades"].source == "随附演示目录"

    res = run(app, ["reference", "load", "no_such_list", str(good)])
    assert res.exit_code == 1 and "未知的编码目录「no_such_list」" in res.output
    res = run(app, ["reference", "load", "low_risk_diagnoses", str(good), "--effective-from", "2025-13-01"])
    assert res.exit_code == 1 and "--effective-from「2025-13-01」不是日期" in res.output
