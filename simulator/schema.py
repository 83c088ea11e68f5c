"""SQLAlchemy Core table definitions of the five simulated source systems.

Table and column names follow the extraction contract ``connectors/sources/*.yml`` exactly.
Primary keys are those of the contract's ``keys``, except on ``FY_SFMX`` (收费明细): the
``duplicate_lines`` fault writes duplicated ``MXXH`` values there, so that table has no key.

Code values used by the simulator (documented here because the contract only names columns):

- HIS ``XB`` 1 男 / 2 女; HR ``fgender`` 男 / 女;
- ``JZLX`` 'MZ' 门诊 / 'ZY' 住院; ``ZYZT`` '1' 在院 / '2' 已出院;
- ``GHLB`` 挂号类别 '01' 普通 / '02' 专家 / '03' 急诊 / '04' 中医辨证;
- ``LYFS`` 离院方式 1 医嘱离院 / 2 医嘱转院 / 3 医嘱转社区 / 4 非医嘱离院 / 5 死亡 / 9 其他;
- ``QTZDDM`` 其他诊断编码: ICD-10 codes of the secondary diagnoses joined with ';' ('' = none);
- ``TFBZ`` 1 = refund line (negative SL/JE, ``YMXXH`` = refunded line's ``MXXH``);
- finance ``cclass`` 资产 / 负债 / 收入 / 费用; ``gl_accsum`` amounts are debit-positive for
  assets (``me = mb + md - mc``) and credit-positive for liabilities (``me = mb + mc - md``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, MetaData, Numeric, String, Table

SYSTEMS = ("his", "finance", "cost", "hr", "beds")

# tables on which no primary key is declared (fault injection writes duplicates there)
NO_PRIMARY_KEY = {"FY_SFMX"}

S = String
MONEY = Numeric(12, 2)
LEDGER = Numeric(16, 2)
QTY = Numeric(12, 4)


def _col(name: str, type_, keys: tuple[str, ...], table: str) -> Column:
    pk = name in keys and table not in NO_PRIMARY_KEY
    return Column(name, type_, primary_key=pk, nullable=not pk, autoincrement=False)


def _table(md: MetaData, name: str, keys: tuple[str, ...], cols: list[tuple[str, object]]) -> Table:
    return Table(name, md, *[_col(c, t, keys, name) for c, t in cols])


def _his(md: MetaData) -> None:
    _table(md, "GY_KSDM", ("KSDM",), [
        ("KSDM", S(10)), ("KSMC", S(50)), ("KSLB", S(20)), ("SJKSDM", S(10)), ("MZBZ", Integer),
        ("ZYBZ", Integer), ("TYBZ", Integer), ("XGSJ", DateTime)])
    _table(md, "GY_ZGXX", ("ZGGH",), [
        ("ZGGH", S(20)), ("ZGXM", S(30)), ("XB", S(1)), ("KSDM", S(10)), ("ZGLB", S(20)), ("ZC", S(30)),
        ("TYBZ", Integer), ("XGSJ", DateTime)])
    _table(md, "GY_SFXM", ("SFXMDM",), [
        ("SFXMDM", S(20)), ("SFXMMC", S(200)), ("FYLB", S(4)), ("FYLBMC", S(20)), ("DW", S(20)),
        ("DJ", MONEY), ("TYBZ", Integer), ("XGSJ", DateTime)])
    _table(md, "GY_YPZD", ("YPDM",), [
        ("YPDM", S(20)), ("YPMC", S(100)), ("YPLB", Integer), ("GG", S(50)), ("DW", S(10)), ("LSJ", MONEY),
        ("KJYBZ", Integer), ("DDDZ", QTY), ("JBYWBZ", Integer), ("JCBZ", Integer), ("TYBZ", Integer),
        ("XGSJ", DateTime)])
    _table(md, "MZ_GHJL", ("GHXH",), [
        ("GHXH", S(20)), ("BRID", S(20)), ("BRXM", S(30)), ("XB", S(1)), ("CSRQ", Date), ("GHSJ", DateTime),
        ("KSDM", S(10)), ("YSGH", S(20)), ("GHLB", S(4)), ("THBZ", Integer), ("XGSJ", DateTime)])
    _table(md, "CF_CFMX", ("CFMXXH",), [
        ("CFMXXH", BigInteger), ("CFXH", S(20)), ("JZLX", S(2)), ("JZH", S(20)), ("BRID", S(20)),
        ("KFSJ", DateTime), ("KSDM", S(10)), ("YSGH", S(20)), ("YPDM", S(20)), ("YPMC", S(100)),
        ("YPLB", Integer), ("SL", QTY), ("DJ", MONEY), ("JE", MONEY), ("KJYBZ", Integer), ("DDDS", QTY),
        ("XGSJ", DateTime)])
    _table(md, "ZY_RYDJ", ("ZYH",), [
        ("ZYH", S(20)), ("BRID", S(20)), ("BRXM", S(30)), ("XB", S(1)), ("CSRQ", Date), ("RYSJ", DateTime),
        ("RYKS", S(10)), ("CYSJ", DateTime), ("CYKS", S(10)), ("ZYZT", S(2)), ("XGSJ", DateTime)])
    _table(md, "BA_SYJL", ("ZYH",), [
        ("ZYH", S(20)), ("BAH", S(20)), ("BRID", S(20)), ("XB", S(1)), ("NL", Integer), ("RYSJ", DateTime),
        ("CYSJ", DateTime), ("RYKS", S(10)), ("CYKS", S(10)), ("ZZYS", S(20)), ("ZYZDDM", S(20)),
        ("ZYZDMC", S(100)), ("QTZDDM", S(200)), ("SJZYTS", Integer), ("LYFS", S(2)), ("ZYZLBZ", Integer),
        ("WSSQZYBZ", Integer), ("ZFY", MONEY), ("YPF", MONEY), ("HCF", MONEY), ("XGSJ", DateTime)])
    _table(md, "BA_SSJL", ("SSJLID",), [
        ("SSJLID", BigInteger), ("ZYH", S(20)), ("SSXH", Integer), ("SSCZDM", S(20)), ("SSCZMC", S(100)),
        ("SSJB", Integer), ("WCBZ", Integer), ("SSRQ", DateTime), ("SZYS", S(20)), ("MZYS", S(20)),
        ("MZFS", S(20)), ("XGSJ", DateTime)])
    _table(md, "FY_SFMX", ("MXXH",), [
        ("MXXH", BigInteger), ("JZLX", S(2)), ("JZH", S(20)), ("BRID", S(20)), ("SFXMDM", S(20)),
        ("SFXMMC", S(200)), ("FYLB", S(4)), ("SL", QTY), ("DJ", MONEY), ("JE", MONEY), ("KDKS", S(10)),
        ("ZXKS", S(10)), ("KDYS", S(20)), ("ZXR", S(20)), ("SFSJ", DateTime), ("TFBZ", Integer),
        ("YMXXH", BigInteger), ("XGSJ", DateTime)])


def _finance(md: MetaData) -> None:
    _table(md, "department", ("cdepcode",), [
        ("cdepcode", S(20)), ("cdepname", S(50)), ("idepgrade", Integer), ("cdepparent", S(20)),
        ("bdepend", Integer)])
    _table(md, "code", ("ccode",), [
        ("ccode", S(20)), ("ccode_name", S(100)), ("igrade", Integer), ("cclass", S(10)), ("bend", Integer)])
    _table(md, "gl_accass", ("i_id",), [
        ("i_id", BigInteger), ("iyear", Integer), ("iperiod", Integer), ("ccode", S(20)), ("cdept_id", S(20)),
        ("md", LEDGER), ("mc", LEDGER), ("dmodified", DateTime)])
    _table(md, "gl_accsum", ("i_id",), [
        ("i_id", BigInteger), ("iyear", Integer), ("iperiod", Integer), ("ccode", S(20)), ("mb", LEDGER),
        ("md", LEDGER), ("mc", LEDGER), ("me", LEDGER), ("dmodified", DateTime)])


def _cost(md: MetaData) -> None:
    _table(md, "CB_KSDY", ("CBKSDM",), [
        ("CBKSDM", S(10)), ("CBKSMC", S(50)), ("KSLX", S(20)), ("FTJC", Integer)])
    _table(md, "CB_CBXM", ("CBXMDM",), [("CBXMDM", S(10)), ("CBXMMC", S(50)), ("CBFL", S(20))])
    _table(md, "CB_KSCB", ("ID",), [
        ("ID", BigInteger), ("KJQJ", S(6)), ("CBKSDM", S(10)), ("CBXMDM", S(10)), ("ZJCB", LEDGER),
        ("JJCB1", LEDGER), ("JJCB2", LEDGER), ("JJCB3", LEDGER), ("XGSJ", DateTime)])


def _hr(md: MetaData) -> None:
    _table(md, "t_hr_org", ("fid",), [
        ("fid", S(20)), ("fnumber", S(30)), ("fname", S(50)), ("fparentid", S(20))])
    _table(md, "t_hr_person", ("fnumber",), [
        ("fnumber", S(20)), ("fname", S(30)), ("fgender", S(2)), ("fbirthday", Date), ("forgnumber", S(30)),
        ("fpostcategory", S(20)), ("ftitle", S(30)), ("fposition", S(20)), ("ftcmflag", Integer), ("fhiredate", Date),
        ("fleavedate", Date), ("fmodifytime", DateTime)])
    _table(md, "t_hr_attendance", ("fid",), [
        ("fid", BigInteger), ("fperiod", S(7)), ("fpersonnumber", S(20)), ("fattenddays", Integer),
        ("fleavedays", Integer), ("fnightshifts", Integer), ("fmodifytime", DateTime)])


def _beds(md: MetaData) -> None:
    _table(md, "nis_ward", ("ward_code",), [
        ("ward_code", S(10)), ("ward_name", S(50)), ("his_dept_code", S(10)), ("is_active", Integer)])
    _table(md, "nis_bed_config", ("id",), [
        ("id", Integer), ("ward_code", S(10)), ("eff_date", Date), ("open_beds", Integer)])
    _table(md, "nis_bed_census", ("census_date", "ward_code"), [
        ("census_date", Date), ("ward_code", S(10)), ("open_beds", Integer), ("occupied_beds", Integer),
        ("admissions", Integer), ("discharges", Integer), ("transfers_in", Integer), ("transfers_out", Integer)])


_BUILDERS = {"his": _his, "finance": _finance, "cost": _cost, "hr": _hr, "beds": _beds}


def metadata(system: str) -> MetaData:
    md = MetaData()
    _BUILDERS[system](md)
    return md
