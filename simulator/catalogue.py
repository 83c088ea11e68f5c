"""The HIS charge-item dictionary (收费项目字典 GY_SFXM) and drug dictionary (药品字典 GY_YPZD).

Service items come from the real catalogue samples in ``reference/catalogues`` (see its README),
and the item *mix* is chosen so that a point-value library (项目点值库) built on the national
sample can place almost every yuan of service revenue, as it would with a full catalogue:

- **national codes** (majority): items of ``national_service_items_2023.sample.tsv``
  (全国医疗服务项目技术规范2023, with 技术难度/风险程度/人力资源消耗) under their own code; about
  one in twelve carries a hospital suffix (``HWG6L301-1``; a few ``-2`` 加收 variants). Their
  department follows the catalogue section: 十 P 中医 tuina/anorectal/special therapies →
  推拿科/针灸科/肛肠科/中医内科 (and 儿科 for 小儿推拿), 九 M rehabilitation → 康复科, 四 E
  radiography → 放射科, 三 C immunology/molecular → 检验科, 二 B pathology → 病理科, 七 K GI
  endoscopic therapy → 消化内科, 五 F ENT/oral/respiratory exams → 五官科/呼吸内科/重症医学科,
  六 H orbit/eyelid, breast, urinary, shoulder, arteries/veins, bronchus/lung surgery →
  五官科/普外科/骨伤科/心血管内科/呼吸内科, 一 A consultation, beds, consults → all;
- **2001 nine-digit codes** (``110200001``, sub-codes ``110200001a``) for every ``code_2001``
  of ``service_code_crosswalk_2023_2012.sample.tsv`` whose ``code_2023`` is a national-sample
  item (诊察/床位/会诊/社区/病理 items; the usual daily charges), plus the other items of the
  Hubei price sample ``hubei_price_items_2023.sample.tsv`` (护理, injections, dressings, eye/ENT
  exams, a few operations) that reach no national-sample item (湖北本地项目);
- **local codes** (本院自定义项目 ``ZL0001``): local names. Most of the revenue among them is
  local names for national-sample items (the simulator knows the truth, column ``std_code``);
  the 绩效办 has reviewed the high-revenue ones, see :func:`write_mapping_seed`
  (``dbt_project/seeds/mapping/charge_item_mapping.csv``). A few close name variants stay
  unreviewed (a character-bigram match finds them), and invented items with no counterpart in
  the samples (acupuncture, common labs, CT/MRI, ultrasound, anaesthesia, some operations) stay
  with a small revenue share.

By design about 96 % of non-drug, non-consumable amount maps to the national sample through a
code (national code, suffix, crosswalk) or the confirmed mapping, and 3–4 % is left for review
(defaults, 24 months: national code 53 %, suffix 8 %, crosswalk 26 %, confirmed 9 %, unmapped 3.7 %):
Hubei-only nine-digit items (mainly 护理/注射), local items without counterpart and unreviewed
variants. Items that a real hospital charges often but that lie outside the samples (针刺, 血常规,
CT, 全麻, 剖宫产 …) are therefore rarer in the demo than in life. Drugs (FYLB 10/11/12) and
consumables (09 卫生材料) are not mapped (they earn no points). 床位费 items map (to national
bed items without technical values) and earn no points later.

Fee categories 费用类别 (FYLB/FYLBMC) follow the item's ``invoice_class`` (national sample or
crosswalk) where it exists.

**All prices are synthetic.** The samples have no price column; unit prices (DJ) are derived
from ``hr_value`` / ``tech_difficulty`` / ``risk_level`` where present, otherwise from a
per-category default, with a deterministic per-code jitter (CRC32 of the code). Materials
(卫生材料) and drugs are synthetic but plausible (real common drug names; synthetic prices).

Internal columns (not written to GY_SFXM): ``tag`` (order pool), ``exec_role``, ``origin``
(national, national_suffix, nine_crosswalk, nine_hubei, local_reviewed, local_variant,
local_none, material, drug), ``std_code`` (the national-sample item the charge item really is,
or empty) and ``pshare`` (fixed share of its order pool; 0 = Zipf weight among the rest).

The dictionary is a fixed property of the hospital: it does not depend on the generation seed.
"""

from __future__ import annotations

import csv
import re
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference" / "catalogues"
MAPPING_SEED_COLUMNS = ("his_code", "standard_code", "confirmed_by", "confirmed_at", "note")

FEE_CLASSES: dict[str, str] = {
    "01": "挂号费", "02": "诊察费", "03": "检查费", "04": "化验费", "05": "治疗费", "06": "手术费",
    "07": "护理费", "08": "床位费", "09": "材料费", "10": "西药费", "11": "中成药费", "12": "中草药费",
    "13": "中医治疗费", "99": "其他",
}
FEE_BY_NAME = {v: k for k, v in FEE_CLASSES.items()}
DRUG_FEE = {1: "10", 2: "11", 3: "12"}  # YPLB → FYLB
UNMAPPED_FEES = ("09", "10", "11", "12")  # consumables and drugs are not mapped to standard items

INVOICE_TO_FEE = {
    "诊察费": "02", "检查费": "03", "检查费-病理": "03", "化验费": "04", "治疗费": "05",
    "治疗费-中医": "13", "手术费": "06", "手术费-中医": "06", "护理费": "07", "床位费": "08",
    "其他门诊/住院收费": "99",
}

# price multiplier applied to 3*hr_value + 0.6*tech + 0.4*risk, by fee class
_PRICE_FACTOR = {"02": 0.15, "03": 0.5, "04": 0.32, "05": 0.5, "06": 11.0, "07": 0.15, "08": 0.25,
                 "13": 0.32, "99": 0.3}
# (low, high) default price range by fee class when no value columns exist
_PRICE_RANGE = {"01": (1, 5), "02": (10, 35), "03": (15, 120), "04": (8, 60), "05": (8, 80),
                "06": (400, 3500), "07": (12, 40), "08": (25, 60), "13": (20, 60), "99": (5, 30)}
# Hubei-only nine-digit items: old-style provincial price levels (still synthetic)
_HUBEI_RANGE = {"01": (1, 5), "02": (8, 25), "03": (5, 30), "04": (5, 30), "05": (3, 25),
                "06": (300, 900), "07": (4, 15), "08": (15, 40), "13": (10, 30), "99": (2, 20)}

DICT_XGSJ = "2023-12-20 10:00:00"


def _u(code: str, salt: str = "") -> float:
    """Deterministic uniform(0,1) from a code (stable across processes, unlike hash())."""
    return zlib.crc32((salt + code).encode("utf-8")) / 2**32


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, sep="\t", dtype=str, keep_default_na=False, quoting=3)


# national items with a role different from their section's (see _national_tag)
_EYE_MINOR = ("HED6U301", "HED6U303", "HED7P306")  # chalazion, small lid lesion, conjunctival suture
_ICU_ITEMS = ("FJA1C401", "FJA1E701", "FJB1C402", "FJB1C901", "KNC3P701")
_WARD_GI = ("KPH3J401", "KPL6K402", "KPD6K401", "KPL6M401", "KPS3J401", "KPS3J402", "KPH3H702",
            "KPH3M401")
_ANAL_MINOR = ("PBEA0001", "PBEA0002", "PBEA0007")
_NEEDLE = ("PBFA0009", "PBFA0010", "PBFA0011", "PBFA0012", "PBFA0013", "PBFA0014", "PBFA0015",
           "PBFA0016", "PBFA0025", "PBFA0027", "PBFA0028")
_POSTPARTUM = ("MBZTD001", "MEBTZ001")


def _national_tag(code: str) -> tuple[str, str]:
    """(tag, exec role) for a 2023 national item by its code (catalogue section)."""
    p1, p2, p3 = code[:1], code[:2], code[:3]
    if code == "AADL0001":
        return "consult", "self"
    if code in _EYE_MINOR:
        return "eye_minor", "self"
    if code in _ICU_ITEMS:
        return "icu", "self"
    if code in _WARD_GI:
        return "ward_gi", "self"
    if code in _ANAL_MINOR:
        return "anal_minor", "self"
    if code in _NEEDLE:
        return "acu", "self"
    if code in _POSTPARTUM:
        return "pp", "self"
    if p1 == "A":
        return "misc", "self"
    if p1 == "B":
        return "path", "path"
    if p2 == "CL":
        return "lab_mol", "lab"
    if p1 == "C":
        return "lab", "lab"
    if p3 == "EAB":
        return "rad", "rad"
    if p1 == "E":
        return "rad_contrast", "rad"
    if p2 in ("FG", "FH"):
        return "ent", "self"
    if p2 == "FJ":
        return "resp", "self"
    if p1 == "H":
        return "surg", "or"
    if p2 == "KN":
        return "blood", "self"
    if p2 == "KP":
        return "gi", "self"
    if p1 == "L":
        return "radiotherapy", "self"
    if p1 == "M":
        return "rehab", "self"
    if p1 == "N":
        return "aux", "or"
    if p3 == "PBD":
        return ("tuina_child" if code.startswith("PBDE") else "tuina"), "self"
    if p3 == "PBE":
        return "anal", "or"
    if p3 == "PBF":
        return "tcm_special", "self"
    if p3 == "PCA":
        return "herb_proc", "pharm"
    if p3 == "PCB":
        return "tcm_diet", "self"
    return "misc", "self"


def _hubei_tag(code: str) -> tuple[str, str, str]:
    """(tag, exec role, default fee class) for a Hubei nine-digit item."""
    c6, c4 = code[:6], code[:4]
    if code.startswith("110200001") or code.startswith("110200002"):
        return "op_diag", "self", "02"
    table = {
        "110100": ("reg", "self", "01"), "110200": ("diag_misc", "self", "02"),
        "110300": ("er", "self", "07"), "110700": ("heat", "self", "08"), "110800": ("aircon", "self", "08"),
        "110900": ("bed_misc", "self", "08"), "111000": ("consult", "self", "02"),
        "120100": ("nursing_misc", "self", "07"), "120200": ("rescue", "self", "05"),
        "120300": ("oxygen", "self", "05"), "120400": ("inject", "self", "05"),
        "120500": ("wound", "self", "05"), "120600": ("wound", "self", "05"),
        "120700": ("neb", "self", "05"),
    }
    if c6 in table:
        return table[c6]
    if c4 in ("1208", "1209", "1210", "1211", "1212", "1213", "1214", "1215", "1216", "1217", "1218"):
        return "gen_tx", "self", "05"
    if code[:2] == "13":
        return "community", "self", "03"
    if c4 == "3102":
        return "endo", "self", "03"
    if c4 == "3103":
        return "eye", "self", "03"
    if c4 == "3104":
        return "ent", "self", "03"
    if code[:3] == "330":
        return "surg_hubei", "or", "06"
    return "misc", "self", "99"


def _price(code: str, fee: str, hr: str = "", tech: str = "", risk: str = "",
           ranges: dict[str, tuple[float, float]] = _PRICE_RANGE) -> float:
    jitter = 0.85 + 0.3 * _u(code, "p")
    try:
        value = 3 * float(hr) + 0.6 * float(tech) + 0.4 * float(risk)
        base = value * _PRICE_FACTOR.get(fee, 0.3)
    except ValueError:
        lo, hi = ranges.get(fee, (5, 30))
        base = lo + (hi - lo) * _u(code, "r")
    return round(max(base * jitter, 0.5), 1 if base < 100 else 0)


def _zipf(keys: list[str], total: float) -> list[float]:
    """Split ``total`` over ``keys`` with Zipf weights in a CRC32-determined order."""
    order = sorted(range(len(keys)), key=lambda i: zlib.crc32(keys[i].encode()))
    w = [0.0] * len(keys)
    for rank, i in enumerate(order):
        w[i] = 1.0 / (rank + 1.0) ** 0.9
    s = sum(w) or 1.0
    return [total * x / s for x in w]


# --------------------------------------------------------------------------------------------------
# Local-code items (本院自定义项目 ZL…): name, fee class, unit, price (None = from the national
# item's values), tag, exec role, std_code (the national-sample item it really is, or ""),
# reviewed (in the confirmed mapping seed), pool share (0 = Zipf weight).
# Items with a std_code take the fee class of that national item's invoice_class.
# --------------------------------------------------------------------------------------------------
_LOCAL_ITEMS: tuple[tuple, ...] = (
    # local names for national-sample items, reviewed by the 绩效办 (high revenue)
    ("中药代煎", "13", "剂", 6.0, "decoct", "pharm", "PCAA0010", True, 0),
    ("针刀松解术", "13", "次", None, "acu", "self", "PBFA0009", True, 0.10),
    ("腰椎正侧位片", "03", "次", None, "rad", "rad", "EABVT001", True, 0.12),
    ("颈椎正侧位片", "03", "次", None, "rad", "rad", "EABVH001", True, 0.10),
    ("膝关节正侧位片", "03", "次", None, "rad", "rad", "EABXJ001", True, 0.06),
    ("ANA定量", "04", "次", None, "lab", "lab", "CGF06001", True, 0.05),
    ("类风湿抗CCP抗体", "04", "次", None, "lab", "lab", "CGF11001", True, 0.04),
    ("中频脉冲电治疗", "05", "次", None, "rehab", "self", "MEBZX014", True, 0.12),
    ("盆底康复治疗", "05", "次", None, "pp", "self", "MEBTZ001", True, 0.30),
    ("肺通气功能检查", "03", "次", None, "resp", "self", "FJE1A402", True, 0.20),
    ("内痔注射治疗", "06", "次", None, "anal_minor", "self", "PBEA0007", True, 0.30),
    ("中医体质辨识", "13", "次", None, "tcm_diet", "self", "PCBA0004", True, 0.35),
    ("胃镜下止血术", "05", "次", None, "op_local", "self", "KPB3R601", True, 0),
    ("冠状动脉造影术", "03", "次", None, "op_local", "or", "EACKV001", True, 0),
    ("经皮肾镜钬激光碎石术", "06", "次", None, "op_local", "or", "HRB7N501", True, 0),
    ("乳腺纤维瘤切除术", "06", "次", None, "op_local", "or", "HYA6U307", True, 0),
    ("关节镜下肩袖修补术", "06", "次", None, "op_local", "or", "HWE7P501", True, 0),
    ("术中快速冰冻切片", "03", "次", None, "path_local", "path", "BCBA0001", True, 0),
    ("免疫组化染色", "03", "每抗体", None, "path_local", "path", "BEAC0001", True, 0),
    # close local variants of national names, not yet reviewed (fuzzy matching finds them)
    ("刮痧疗法", "13", "次", None, "tcm_special", "self", "PBFA0017", False, 0.015),
    ("红外线照射(局部)", "05", "次", None, "rehab", "self", "MEAYR001", False, 0.006),
    ("干扰电疗法", "05", "次", None, "rehab", "self", "MEBZX015", False, 0.004),
    ("足底反射疗法", "13", "次", None, "tuina", "self", "PBDF0008", False, 0.02),
    ("骶髂关节X线片", "03", "次", None, "rad", "rad", "EABXC001", False, 0.01),
    ("电子支气管镜检查", "03", "次", None, "op_local", "self", "FJD1A601", False, 0),
    # local items without a counterpart in the national sample
    ("普通针刺", "13", "次", 28, "acu", "self", "", False, 0.01),
    ("电针治疗", "13", "次", 35, "acu", "self", "", False, 0.005),
    ("温针灸", "13", "次", 38, "acu", "self", "", False, 0.0025),
    ("艾灸(艾条灸)", "13", "次", 25, "acu", "self", "", False, 0.0037),
    ("拔罐(火罐)", "13", "次", 12, "acu", "self", "", False, 0.0037),
    ("穴位贴敷治疗", "13", "次", 18, "acu", "self", "", False, 0.0025),
    ("耳穴压豆", "13", "次", 10, "acu", "self", "", False, 0.0025),
    ("头皮针", "13", "次", 30, "acu", "self", "", False, 0.0013),
    ("穴位注射", "13", "次", 15, "acu", "self", "", False, 0.0013),
    ("中药熏洗治疗", "13", "次", 40, "tcm_special", "self", "", False, 0.0075),
    ("中药塌渍治疗", "13", "次", 35, "tcm_special", "self", "", False, 0.005),
    ("中药熏蒸治疗(局部)", "13", "次", 45, "tcm_special", "self", "", False, 0.005),
    ("中药封包治疗", "13", "次", 30, "tcm_special", "self", "", False, 0.005),
    ("颈椎病推拿治疗", "13", "次", 60, "tuina", "self", "", False, 0.0075),
    ("腰椎间盘突出推拿治疗", "13", "次", 60, "tuina", "self", "", False, 0.0075),
    ("血常规(五分类)", "04", "次", 20, "lab_local", "lab", "", False, 0.0075),
    ("尿常规", "04", "次", 10, "lab_local", "lab", "", False, 0.003),
    ("粪便常规+隐血", "04", "次", 12, "lab_local", "lab", "", False, 0.0015),
    ("肝功能(12项)", "04", "次", 48, "lab_local", "lab", "", False, 0.0015),
    ("肾功能(3项)", "04", "次", 24, "lab_local", "lab", "", False, 0.0015),
    ("血脂四项", "04", "次", 30, "lab_local", "lab", "", False, 0.0008),
    ("电解质(4项)", "04", "次", 20, "lab_local", "lab", "", False, 0.0015),
    ("葡萄糖测定", "04", "次", 5, "lab_local", "lab", "", False, 0.0015),
    ("糖化血红蛋白", "04", "次", 50, "lab_local", "lab", "", False, 0.0004),
    ("C反应蛋白测定", "04", "次", 25, "lab_local", "lab", "", False, 0.0015),
    ("凝血四项", "04", "次", 60, "lab_local", "lab", "", False, 0.0008),
    ("心肌酶谱", "04", "次", 55, "lab_local", "lab", "", False, 0.0004),
    ("降钙素原测定", "04", "次", 120, "lab_local", "lab", "", False, 0.0003),
    ("乙肝两对半", "04", "次", 40, "lab_local", "lab", "", False, 0.0006),
    ("输血前四项", "04", "次", 95, "lab_local", "lab", "", False, 0.0003),
    ("胸部CT平扫", "03", "次", 180, "ct", "rad", "", False, 0.3),
    ("头颅CT平扫", "03", "次", 160, "ct", "rad", "", False, 0.25),
    ("腰椎CT平扫", "03", "次", 180, "ct", "rad", "", False, 0.2),
    ("全腹部CT增强", "03", "次", 560, "ct", "rad", "", False, 0.05),
    ("头颅MRI平扫", "03", "次", 450, "ct", "rad", "", False, 0.07),
    ("腰椎MRI平扫", "03", "次", 450, "ct", "rad", "", False, 0.08),
    ("膝关节MRI平扫", "03", "次", 460, "ct", "rad", "", False, 0.05),
    ("腹部彩超(肝胆胰脾)", "03", "次", 120, "us", "us", "", False, 0.2),
    ("泌尿系彩超", "03", "次", 100, "us", "us", "", False, 0.1),
    ("甲状腺彩超", "03", "次", 90, "us", "us", "", False, 0.07),
    ("心脏彩超", "03", "次", 220, "us", "us", "", False, 0.06),
    ("颈动脉彩超", "03", "次", 110, "us", "us", "", False, 0.07),
    ("妇科彩超(经阴道)", "03", "次", 110, "us", "us", "", False, 0.08),
    ("产科彩超", "03", "次", 150, "us", "us", "", False, 0.07),
    ("常规心电图检查(十二导)", "03", "次", 25, "us", "us", "", False, 0.3),
    ("动态心电图(24小时)", "03", "次", 180, "us", "us", "", False, 0.03),
    ("经颅多普勒(TCD)", "03", "次", 80, "us", "us", "", False, 0.02),
    ("电子胃镜检查", "03", "次", 240, "gi", "self", "", False, 0.06),
    ("电子结肠镜检查", "03", "次", 320, "gi", "self", "", False, 0.03),
    ("全身麻醉", "06", "次", 260, "anes_ga", "anes", "", False, 0),
    ("椎管内麻醉", "06", "次", 220, "anes_sp", "anes", "", False, 0),
    ("局部浸润麻醉", "06", "次", 80, "anes_la", "anes", "", False, 0),
    ("病历工本费", "99", "本", 1, "misc", "self", "", False, 0),
)

# --------------------------------------------------------------------------------------------------
# Operations (手术操作, ICD-9-CM-3 style) per surgical department: code, name, grade (SSJB 1–4),
# minimally invasive (WCBZ), anaesthesia (MZFS), charge item (catalogue code or local name),
# surgical materials (material names). The first operations of a department are the most
# frequent (weight 5/(k+1)); they are national-sample items (or reviewed local names for them),
# operations without a counterpart in the samples come last.
# --------------------------------------------------------------------------------------------------
OPERATIONS: dict[str, tuple[tuple, ...]] = {
    "普外科": (
        ("85.2100", "乳房病损局部切除术", 2, 0, "局麻", "乳腺纤维瘤切除术", ("可吸收缝合线",)),
        ("55.0401", "经皮肾镜碎石取石术", 3, 1, "椎管内麻醉", "经皮肾镜钬激光碎石术", ("负压引流器",)),
        ("59.8x01", "经皮肾输尿管支架置入术", 2, 1, "局麻", "HRF6K501", ()),
        ("85.4301", "乳腺癌改良根治术", 4, 0, "全麻", "HYA6X302", ("可吸收缝合线", "负压引流器")),
        ("85.0x01", "乳房脓肿切开引流术", 1, 0, "局麻", "HYA6R301", ()),
        ("55.0101", "腹腔镜下肾囊肿去顶术", 3, 1, "全麻", "HRB6S502", ("一次性腹腔镜穿刺器",)),
        ("51.2301", "腹腔镜下胆囊切除术", 3, 1, "全麻", "腹腔镜下胆囊切除术", ("一次性腹腔镜穿刺器", "可吸收缝合线")),
    ),
    "骨伤科": (
        ("83.6301", "肩袖修补术", 3, 1, "全麻", "关节镜下肩袖修补术", ("骨科螺钉", "可吸收缝合线")),
        ("79.3901", "肩胛骨骨折切开复位内固定术", 3, 0, "全麻", "HWC7M301", ("骨科内固定钢板", "骨科螺钉")),
        ("79.0200", "前臂骨折闭合复位术", 1, 0, "局麻", "骨折手法整复术(中医正骨)", ("小夹板",)),
        ("79.8101", "肩锁关节脱位切开复位内固定术", 3, 0, "全麻", "HWD7M301", ("骨科内固定钢板", "骨科螺钉")),
        ("81.8301", "肩峰成形术", 3, 1, "全麻", "HWC7P502", ("可吸收缝合线",)),
        ("81.8000", "全肩关节置换术", 4, 0, "全麻", "HWG6L301", ("骨科螺钉", "可吸收缝合线")),
        ("80.5101", "腰椎间盘切除术", 3, 0, "全麻", "腰椎间盘髓核摘除术", ("可吸收缝合线", "负压引流器")),
        ("81.5100", "全髋关节置换术", 4, 0, "全麻", "人工全髋关节置换术", ("人工髋关节假体", "骨水泥")),
    ),
    "肛肠科": (
        ("49.4600", "痔切除术", 2, 0, "局麻", "PBEA0012", ("可吸收缝合线",)),
        ("49.4700", "血栓性外痔切除术", 1, 0, "局麻", "PBEA0001", ()),
        ("49.4200", "痔注射术", 1, 0, "局麻", "内痔注射治疗", ()),
        ("49.4601", "环状混合痔切除术", 3, 0, "椎管内麻醉", "PBEA0003", ("可吸收缝合线",)),
        ("48.9101", "直肠脱垂注射术", 2, 0, "局麻", "PBEA0009", ()),
        ("49.1201", "肛瘘切开术", 2, 0, "椎管内麻醉", "肛瘘切开挂线术", ("可吸收缝合线",)),
        ("49.0101", "肛周脓肿切开引流术", 1, 0, "局麻", "肛周脓肿切开引流术", ()),
    ),
    "妇产科": (
        ("73.5900", "手法助产", 1, 0, "局麻", "阴道分娩助产", ()),
        ("85.0x01", "乳房脓肿切开引流术", 1, 0, "局麻", "HYA6R301", ()),
        ("74.1x01", "子宫下段剖宫产术", 3, 0, "椎管内麻醉", "剖宫产术(子宫下段)", ("可吸收缝合线",)),
        ("69.0900", "刮宫术", 1, 0, "局麻", "诊断性刮宫术", ()),
        ("85.2100", "乳房病损局部切除术", 2, 0, "局麻", "HYA6U307", ("可吸收缝合线",)),
        ("65.2501", "腹腔镜下卵巢病损切除术", 3, 1, "全麻", "腹腔镜下卵巢囊肿剥除术", ("一次性腹腔镜穿刺器",)),
    ),
    "五官科": (
        ("08.2101", "睑板腺囊肿切除术", 1, 0, "局麻", "HED6U301", ()),
        ("08.2001", "眼睑病损切除术", 2, 0, "局麻", "HED6U304", ("可吸收缝合线",)),
        ("08.8101", "眼睑裂伤缝合术", 2, 0, "局麻", "HED7P312", ("可吸收缝合线",)),
        ("28.2x00", "扁桃体切除术", 2, 0, "全麻", "330610001", ("可吸收缝合线",)),
        ("16.0901", "眼眶减压术", 3, 1, "全麻", "HEB7B601", ("鼻腔填塞材料",)),
        ("13.4100", "白内障超声乳化抽吸术", 3, 1, "局麻", "白内障超声乳化摘除术", ("人工晶体",)),
    ),
    "心血管内科": (
        ("88.5501", "冠状动脉造影", 3, 1, "局麻", "冠状动脉造影术", ("造影导管", "导引导丝")),
        ("39.5001", "经皮外周动脉球囊扩张术", 3, 1, "局麻", "HL97E201", ("PTCA球囊导管", "导引导丝")),
        ("39.7901", "经皮动脉血栓抽吸术", 3, 1, "局麻", "HL96P203", ("导引导丝",)),
        ("36.0601", "冠状动脉药物洗脱支架置入术", 4, 1, "局麻", "经皮冠状动脉支架置入术", ("冠脉药物洗脱支架", "PTCA球囊导管", "导引导丝")),
    ),
    "消化内科": (
        ("44.4301", "内镜下胃出血止血术", 3, 1, "局麻", "胃镜下止血术", ("止血夹",)),
        ("48.3502", "内镜下直肠出血止血术", 2, 1, "局麻", "KPU3R601", ("止血夹",)),
        ("42.3301", "内镜下食管静脉曲张套扎术", 3, 1, "局麻", "KPA7D601", ()),
        ("45.1601", "胃镜下胃活检", 1, 1, "局麻", "电子胃镜检查", ("一次性活检钳",)),
        ("45.4302", "内镜下结肠黏膜剥离术", 4, 1, "局麻", "KPS6T601", ("一次性圈套器", "止血夹")),
        ("43.1101", "经皮内镜下胃造口术", 3, 1, "局麻", "KPD6S601", ()),
        ("45.4201", "内镜下结肠息肉切除术", 2, 1, "局麻", "内镜下结肠息肉切除术", ("一次性圈套器", "止血夹")),
    ),
    "呼吸内科": (
        ("33.2400", "支气管镜活检", 2, 1, "局麻", "FJD1K601", ("一次性活检钳",)),
        ("33.2200", "纤维支气管镜检查", 1, 1, "局麻", "电子支气管镜检查", ()),
        ("34.2101", "内科胸腔镜肺活检术", 3, 1, "局麻", "HJE6D502", ("一次性活检钳",)),
        ("34.9100", "胸腔穿刺术", 1, 0, "局麻", "胸腔穿刺术", ("胸腔闭式引流装置",)),
    ),
    "重症医学科": (
        ("38.9301", "中心静脉导管置入术", 1, 0, "局麻", "120400011", ("中心静脉导管",)),
        ("31.1x00", "暂时性气管切开术", 2, 0, "局麻", "气管切开术", ("气管切开插管",)),
    ),
}
OPERATION_RATE = {"普外科": 0.75, "骨伤科": 0.45, "肛肠科": 0.85, "妇产科": 0.2, "五官科": 0.7,
                  "心血管内科": 0.3, "消化内科": 0.3, "呼吸内科": 0.12, "重症医学科": 0.3}
# pathology 病理 with operations: department → P(surgical specimen 手术标本病理诊断)
PATHOLOGY_RATE = {"普外科": 0.7, "骨伤科": 0.15, "肛肠科": 0.5, "妇产科": 0.45, "五官科": 0.55,
                  "消化内科": 0.6, "呼吸内科": 0.7}
PATHOLOGY_SPECIMEN_CODE = "270300005"  # 手术标本检查与诊断 (2001 code; crosswalk → BCAC0001)

# --------------------------------------------------------------------------------------------------
# Materials 卫生材料 (synthetic): name, unit, price, tag
# --------------------------------------------------------------------------------------------------
_MATERIALS: tuple[tuple[str, str, float, str], ...] = (
    ("一次性使用输液器", "套", 3.5, "mat_general"), ("一次性使用注射器(5ml)", "支", 0.8, "mat_general"),
    ("静脉留置针", "支", 18.0, "mat_general"), ("输液贴", "片", 0.5, "mat_general"),
    ("医用棉签", "包", 1.2, "mat_general"), ("一次性医用口罩", "个", 0.6, "mat_general"),
    ("医用脱脂纱布", "块", 1.5, "mat_nursing"), ("一次性导尿管", "根", 12.0, "mat_nursing"),
    ("一次性胃管", "根", 15.0, "mat_nursing"), ("一次性吸痰管", "根", 3.0, "mat_nursing"),
    ("水胶体敷料", "片", 28.0, "mat_nursing"), ("一次性无菌针灸针", "盒", 16.0, "mat_acu"),
    ("清艾条", "支", 4.0, "mat_acu"), ("一次性火罐", "个", 2.5, "mat_acu"),
    ("穴位贴", "贴", 1.8, "mat_acu"), ("可吸收缝合线", "根", 85.0, "mat_surg"),
    ("一次性腹腔镜穿刺器", "套", 680.0, "mat_surg"), ("负压引流器", "套", 95.0, "mat_surg"),
    ("疝修补补片", "片", 1800.0, "mat_surg"), ("骨科内固定钢板", "块", 3200.0, "mat_surg"),
    ("骨科螺钉", "枚", 420.0, "mat_surg"), ("人工髋关节假体", "套", 12500.0, "mat_surg"),
    ("人工膝关节假体", "套", 14800.0, "mat_surg"), ("骨水泥", "袋", 980.0, "mat_surg"),
    ("小夹板", "套", 60.0, "mat_surg"), ("人工晶体", "片", 1600.0, "mat_surg"),
    ("鼻腔填塞材料", "个", 260.0, "mat_surg"), ("冠脉药物洗脱支架", "个", 780.0, "mat_surg"),
    ("PTCA球囊导管", "根", 1900.0, "mat_surg"), ("导引导丝", "根", 650.0, "mat_surg"),
    ("造影导管", "根", 320.0, "mat_surg"), ("单腔起搏器", "台", 9800.0, "mat_surg"),
    ("一次性圈套器", "个", 220.0, "mat_surg"), ("止血夹", "枚", 180.0, "mat_surg"),
    ("一次性活检钳", "把", 150.0, "mat_surg"), ("胸腔闭式引流装置", "套", 120.0, "mat_surg"),
    ("气管切开插管", "根", 160.0, "mat_surg"), ("中心静脉导管", "套", 380.0, "mat_surg"),
    ("一次性手术衣", "件", 22.0, "mat_surg"), ("手术贴膜", "张", 35.0, "mat_surg"),
)

# --------------------------------------------------------------------------------------------------
# Drugs 药品 (synthetic, real common names).
# name, YPLB, spec GG, unit DW, price LSJ, antibiotic DDD (g) or 0, strength g per unit, route,
# 基本药物, 集采, departments ('*' = any clinical)
# --------------------------------------------------------------------------------------------------
_ALL = "*"
_DRUGS: tuple[tuple, ...] = (
    # 西药 — antibiotics (KJYBZ=1)
    ("阿莫西林胶囊", 1, "0.25g*24粒", "盒", 9.8, 1.5, 6.0, "oral", 1, 1, "*"),
    ("头孢克洛胶囊", 1, "0.25g*12粒", "盒", 18.6, 1.0, 3.0, "oral", 0, 1, "*"),
    ("阿奇霉素片", 1, "0.25g*6片", "盒", 12.4, 0.3, 1.5, "oral", 1, 1, "呼吸内科,儿科,急诊科,五官科,中医内科"),
    ("左氧氟沙星片", 1, "0.5g*4片", "盒", 11.2, 0.5, 2.0, "oral", 1, 1, "*"),
    ("注射用头孢呋辛钠", 1, "0.75g", "支", 6.8, 3.0, 0.75, "inj", 1, 1, "*"),
    ("注射用头孢曲松钠", 1, "1g", "支", 5.9, 2.0, 1.0, "inj", 1, 1, "*"),
    ("左氧氟沙星氯化钠注射液", 1, "0.5g:100ml", "瓶", 14.5, 0.5, 0.5, "inj", 1, 1, "呼吸内科,重症医学科,急诊科,普外科,中医内科"),
    ("注射用哌拉西林钠他唑巴坦钠", 1, "4.5g", "瓶", 38.0, 14.0, 4.5, "inj", 0, 1, "呼吸内科,重症医学科,普外科"),
    ("注射用美罗培南", 1, "0.5g", "支", 62.0, 3.0, 0.5, "inj", 0, 1, "重症医学科,呼吸内科"),
    ("甲硝唑氯化钠注射液", 1, "0.5g:100ml", "瓶", 3.2, 1.5, 0.5, "inj", 1, 0, "普外科,妇产科,肛肠科"),
    # 西药 — other
    ("0.9%氯化钠注射液", 1, "250ml", "袋", 2.6, 0, 0, "inj", 1, 0, _ALL),
    ("5%葡萄糖注射液", 1, "250ml", "袋", 2.8, 0, 0, "inj", 1, 0, _ALL),
    ("奥美拉唑肠溶胶囊", 1, "20mg*14粒", "盒", 8.5, 0, 0, "oral", 1, 1, _ALL),
    ("注射用泮托拉唑钠", 1, "40mg", "支", 9.6, 0, 0, "inj", 0, 1, "消化内科,普外科,重症医学科,急诊科"),
    ("阿司匹林肠溶片", 1, "100mg*30片", "盒", 9.9, 0, 0, "oral", 1, 1, "心血管内科,中医内科,针灸科,康复科"),
    ("硫酸氢氯吡格雷片", 1, "75mg*7片", "盒", 12.7, 0, 0, "oral", 1, 1, "心血管内科,中医内科"),
    ("阿托伐他汀钙片", 1, "20mg*7片", "盒", 6.2, 0, 0, "oral", 1, 1, "心血管内科,中医内科,针灸科"),
    ("苯磺酸氨氯地平片", 1, "5mg*7片", "盒", 3.4, 0, 0, "oral", 1, 1, "心血管内科,中医内科"),
    ("硝苯地平控释片", 1, "30mg*7片", "盒", 16.8, 0, 0, "oral", 1, 1, "心血管内科"),
    ("盐酸二甲双胍片", 1, "0.5g*20片", "盒", 2.9, 0, 0, "oral", 1, 1, "中医内科,心血管内科"),
    ("门冬胰岛素注射液", 1, "3ml:300单位", "支", 48.0, 0, 0, "inj", 1, 1, "中医内科,重症医学科"),
    ("布洛芬缓释胶囊", 1, "0.3g*20粒", "盒", 11.5, 0, 0, "oral", 1, 0, "骨伤科,推拿科,针灸科,急诊科,五官科"),
    ("盐酸氨溴索注射液", 1, "2ml:15mg", "支", 3.9, 0, 0, "inj", 0, 1, "呼吸内科,儿科,重症医学科"),
    ("吸入用布地奈德混悬液", 1, "2ml:1mg", "支", 6.3, 0, 0, "inh", 0, 1, "呼吸内科,儿科"),
    ("硫酸沙丁胺醇吸入气雾剂", 1, "100μg*200揿", "支", 23.0, 0, 0, "inh", 1, 0, "呼吸内科,儿科,急诊科"),
    ("低分子量肝素钙注射液", 1, "0.4ml:4100IU", "支", 19.8, 0, 0, "inj", 0, 1, "心血管内科,骨伤科,重症医学科"),
    ("呋塞米注射液", 1, "2ml:20mg", "支", 0.9, 0, 0, "inj", 1, 0, "心血管内科,重症医学科,急诊科"),
    ("地塞米松磷酸钠注射液", 1, "1ml:5mg", "支", 0.7, 0, 0, "inj", 1, 0, "急诊科,呼吸内科,五官科"),
    ("甘露醇注射液", 1, "250ml:50g", "瓶", 5.5, 0, 0, "inj", 1, 0, "重症医学科,中医内科,急诊科"),
    ("缩宫素注射液", 1, "1ml:10单位", "支", 2.1, 0, 0, "inj", 1, 0, "妇产科"),
    ("盐酸利多卡因注射液", 1, "5ml:0.1g", "支", 1.1, 0, 0, "inj", 1, 0, "麻醉科,肛肠科,五官科"),
    ("丙泊酚中/长链脂肪乳注射液", 1, "20ml:0.2g", "支", 28.5, 0, 0, "inj", 0, 1, "麻醉科"),
    ("注射用盐酸瑞芬太尼", 1, "1mg", "支", 45.0, 0, 0, "inj", 0, 1, "麻醉科"),
    ("蒙脱石散", 1, "3g*10袋", "盒", 8.8, 0, 0, "oral", 1, 0, "儿科,消化内科"),
    ("乳果糖口服溶液", 1, "15ml*6袋", "盒", 19.5, 0, 0, "oral", 0, 0, "消化内科,肛肠科"),
    ("氯化钾缓释片", 1, "0.5g*24片", "盒", 6.5, 0, 0, "oral", 1, 0, "心血管内科,消化内科"),
    ("复方氨基酸注射液(18AA)", 1, "250ml", "瓶", 22.0, 0, 0, "inj", 0, 0, "普外科,重症医学科"),
    ("双氯芬酸钠缓释片", 1, "75mg*10片", "盒", 7.6, 0, 0, "oral", 1, 1, "骨伤科,推拿科,康复科"),
    # 重点监控合理用药药品 (国卫办医函〔2019〕558号, first batch); listed after the other 西药 so that
    # the codes above do not change
    ("注射用磷酸肌酸钠", 1, "1g", "支", 28.0, 0, 0, "inj", 0, 0, "心血管内科,重症医学科"),
    ("前列地尔注射液", 1, "2ml:10μg", "支", 45.0, 0, 0, "inj", 0, 0, "心血管内科,中医内科"),
    # an originator 原研 not selected (未中选) in the 国家集采 of amoxicillin: 集采 flag 0 (still 基本药物)
    ("阿莫西林胶囊(原研)", 1, "0.25g*24粒", "盒", 26.5, 1.5, 6.0, "oral", 1, 0, "呼吸内科,儿科,五官科"),
    # 中成药 (YPLB 2)
    ("复方丹参滴丸", 2, "27mg*180丸", "瓶", 26.5, 0, 0, "oral", 1, 0, "心血管内科,中医内科,针灸科"),
    ("丹红注射液", 2, "10ml", "支", 32.0, 0, 0, "inj", 0, 0, "中医内科,针灸科,康复科,心血管内科"),
    ("注射用血塞通(冻干)", 2, "200mg", "支", 18.5, 0, 0, "inj", 1, 0, "中医内科,针灸科,康复科"),
    ("参麦注射液", 2, "50ml", "瓶", 36.0, 0, 0, "inj", 1, 0, "中医内科,心血管内科,重症医学科"),
    ("痰热清注射液", 2, "10ml", "支", 42.0, 0, 0, "inj", 0, 0, "呼吸内科,儿科"),
    ("喜炎平注射液", 2, "5ml:125mg", "支", 24.0, 0, 0, "inj", 0, 0, "呼吸内科,儿科,急诊科"),
    ("连花清瘟胶囊", 2, "0.35g*24粒", "盒", 14.8, 0, 0, "oral", 1, 0, "呼吸内科,急诊科,中医内科,儿科"),
    ("银翘解毒片", 2, "0.5g*24片", "盒", 9.5, 0, 0, "oral", 1, 0, "呼吸内科,中医内科"),
    ("六味地黄丸(浓缩丸)", 2, "200丸", "瓶", 18.0, 0, 0, "oral", 1, 0, "中医内科,针灸科"),
    ("补中益气丸", 2, "6g*10袋", "盒", 16.0, 0, 0, "oral", 1, 0, "中医内科,消化内科,肛肠科"),
    ("血府逐瘀胶囊", 2, "0.4g*24粒", "盒", 28.0, 0, 0, "oral", 1, 0, "中医内科,心血管内科,骨伤科"),
    ("通心络胶囊", 2, "0.26g*30粒", "盒", 33.0, 0, 0, "oral", 1, 0, "心血管内科,中医内科"),
    ("脑心通胶囊", 2, "0.4g*36粒", "盒", 39.0, 0, 0, "oral", 0, 0, "中医内科,针灸科,康复科"),
    ("藿香正气水", 2, "10ml*10支", "盒", 6.5, 0, 0, "oral", 1, 0, "消化内科,急诊科,中医内科"),
    ("蒲地蓝消炎口服液", 2, "10ml*10支", "盒", 29.0, 0, 0, "oral", 0, 0, "五官科,儿科,呼吸内科"),
    ("小儿豉翘清热颗粒", 2, "2g*6袋", "盒", 25.0, 0, 0, "oral", 0, 0, "儿科"),
    ("金振口服液", 2, "10ml*6支", "盒", 36.0, 0, 0, "oral", 0, 0, "儿科"),
    ("云南白药胶囊", 2, "0.25g*16粒", "盒", 22.0, 0, 0, "oral", 1, 0, "骨伤科,肛肠科,普外科"),
    ("颈复康颗粒", 2, "5g*10袋", "盒", 19.0, 0, 0, "oral", 0, 0, "推拿科,针灸科,骨伤科"),
    ("腰痹通胶囊", 2, "0.42g*30粒", "盒", 35.0, 0, 0, "oral", 0, 0, "骨伤科,推拿科,针灸科,康复科"),
    ("马应龙麝香痔疮膏", 2, "10g", "支", 12.0, 0, 0, "ext", 1, 0, "肛肠科"),
    ("养血清脑颗粒", 2, "4g*15袋", "盒", 42.0, 0, 0, "oral", 0, 0, "中医内科,针灸科"),
    ("桂枝茯苓胶囊", 2, "0.31g*60粒", "盒", 31.0, 0, 0, "oral", 1, 0, "妇产科"),
    ("独一味胶囊", 2, "0.3g*24粒", "盒", 24.0, 0, 0, "oral", 0, 0, "骨伤科,普外科"),
)

# 中药饮片 (YPLB 3): name, price per g, typical dose g per 剂
_HERBS: tuple[tuple[str, float, int], ...] = (
    ("黄芪", 0.12, 30), ("党参", 0.18, 15), ("当归", 0.22, 10), ("白术", 0.14, 12), ("茯苓", 0.10, 15),
    ("甘草", 0.08, 6), ("川芎", 0.12, 10), ("白芍", 0.09, 12), ("熟地黄", 0.10, 15), ("生地黄", 0.09, 15),
    ("丹参", 0.08, 15), ("红花", 0.45, 6), ("桃仁", 0.20, 10), ("柴胡", 0.25, 10), ("陈皮", 0.06, 10),
    ("法半夏", 0.30, 9), ("黄芩", 0.12, 10), ("黄连", 0.60, 6), ("金银花", 0.55, 15), ("连翘", 0.20, 12),
    ("桔梗", 0.10, 10), ("苦杏仁", 0.15, 10), ("麦冬", 0.30, 15), ("五味子", 0.25, 6), ("山药", 0.10, 20),
    ("枸杞子", 0.28, 15), ("菊花", 0.20, 10), ("葛根", 0.06, 20), ("牛膝", 0.10, 15), ("杜仲", 0.12, 15),
    ("续断", 0.12, 15), ("鸡血藤", 0.05, 20), ("酸枣仁", 0.70, 20), ("远志", 0.35, 10), ("石菖蒲", 0.12, 10),
    ("天麻", 1.20, 10), ("钩藤", 0.18, 15), ("薏苡仁", 0.06, 30), ("砂仁", 0.90, 6), ("厚朴", 0.10, 10),
    ("枳壳", 0.08, 10), ("木香", 0.15, 10), ("延胡索", 0.30, 10), ("三七粉", 2.80, 3), ("红参", 3.50, 6),
)

# realistic magnitudes for the high-volume daily items (still synthetic)
# realistic magnitudes for the high-volume daily items (still synthetic)
_PRICE_OVERRIDE = {
    "120100001": 1.0, "120100003": 9.0, "120100004": 5.0, "120100005": 3.0, "120400001": 2.0,
    "120400002": 3.0, "120400006": 4.0, "120400007": 4.0, "110100001": 1.0, "110900001d": 30.0,
    "110900001c": 40.0, "110900001b": 55.0, "110900001a": 90.0, "110900003": 120.0,
}
# fixed pool shares of Hubei-only item groups inside their order pools
_HUBEI_POOL_SHARE = {"gen_tx": 0.35, "wound": 0.1, "oxygen": 0.05, "neb": 0.05, "eye": 0.45,
                     "ent": 0.2}

HERB_PROCESSING_CODE = "PCAA0002"  # 中药小包装饮片调剂, charged per 剂 with herbal prescriptions
IP_TCM_DIAG_CODE = "AAAK0001"  # 住院中医辨证论治, daily on TCM wards
DECOCTION_NAME = "中药代煎"  # local name of PCAA0010 常压煎药, charged per 剂

# who reviewed the confirmed mappings (绩效办 role + person), by rotation
_REVIEWERS = ("绩效办-张工", "绩效办-李工", "医务科-王工")


@lru_cache(maxsize=1)
def _national() -> pd.DataFrame:
    return _read("national_service_items_2023.sample.tsv")


@lru_cache(maxsize=1)
def crosswalk_reach() -> dict[str, str]:
    """2001 nine-digit code → national-sample 2023 code (crosswalk rows with both codes filled)."""
    cw = _read("service_code_crosswalk_2023_2012.sample.tsv")
    nat = set(_national().item_code)
    out: dict[str, str] = {}
    for r in cw.itertuples(index=False):
        if re.fullmatch(r"\d{9}", r.code_2001) and r.code_2023 in nat:
            out.setdefault(r.code_2001, r.code_2023)
    return out


def standard_code_of(his_code: str, confirmed: dict[str, str] | None = None) -> tuple[str, str]:
    """(national code, path) by the matching rules of the point-value library (for checks).

    Paths: ``national`` (the code itself), ``suffix`` (``<code>-<suffix>``), ``crosswalk`` (a
    nine-digit 2001 code, optional lower-case sub-code letter), ``confirmed`` (the mapping seed),
    or ``("", "unmapped")``.
    """
    nat = set(_national().item_code)
    if his_code in nat:
        return his_code, "national"
    m = re.fullmatch(r"(.+)-[0-9A-Za-z]+", his_code)
    if m and m.group(1) in nat:
        return m.group(1), "suffix"
    m = re.fullmatch(r"(\d{9})[a-z]?", his_code)
    if m and m.group(1) in crosswalk_reach():
        return crosswalk_reach()[m.group(1)], "crosswalk"
    if confirmed and confirmed.get(his_code) in nat:
        return confirmed[his_code], "confirmed"
    return "", "unmapped"


@lru_cache(maxsize=1)
def build_charge_items() -> pd.DataFrame:
    """GY_SFXM rows plus internal columns (see the module docstring).

    Drugs are included as charge items too (SFXMDM = YPDM, FYLB 西药费/中成药费/中草药费), as the
    收费项目 views of many HIS products do, so every charge line's SFXMDM is in GY_SFXM.
    """
    nat = _national()
    cw = _read("service_code_crosswalk_2023_2012.sample.tsv")
    hb = _read("hubei_price_items_2023.sample.tsv")
    rows: list[dict] = []
    seen: set[str] = set()

    def add(code, name, fee, unit, price, tag, role, origin, std="", pshare=0.0, tybz=0):
        if code in seen or not name:
            return
        seen.add(code)
        rows.append({"SFXMDM": code, "SFXMMC": name, "FYLB": fee, "FYLBMC": FEE_CLASSES[fee],
                     "DW": unit or "次", "DJ": float(price), "TYBZ": tybz, "tag": tag,
                     "exec_role": role, "origin": origin, "std_code": std, "pshare": float(pshare)})

    nat_by_code = {r.item_code: r for r in nat.itertuples(index=False)}
    reach = crosswalk_reach()
    cw9 = cw[cw.code_2001.str.fullmatch(r"\d{9}")]
    cw_invoice: dict[str, str] = {}  # nine-digit code → invoice class (any crosswalk row)
    for r in cw9.itertuples(index=False):
        if r.invoice_class:
            cw_invoice.setdefault(r.code_2001, r.invoice_class)
        elif r.code_2023 in nat_by_code:
            cw_invoice.setdefault(r.code_2001, nat_by_code[r.code_2023].invoice_class)

    # 1. nine-digit items of the Hubei sample (with sub-codes a/b/…/x), names from the Hubei sample
    hubei_rows = []
    parent_name: dict[str, str] = {}
    for r in hb.itertuples(index=False):
        code, base = r.item_code, r.item_code[:9]
        if len(code) == 9:
            parent_name[code] = r.item_name
        if not r.item_name:
            continue
        name = r.item_name
        if len(code) > 9 and base in parent_name and parent_name[base] != r.item_name:
            name = f"{parent_name[base]}({r.item_name})"
        tag, role, fee = _hubei_tag(code)
        inv = cw_invoice.get(base, "")
        if inv in INVOICE_TO_FEE:
            fee = INVOICE_TO_FEE[inv]
        if tag == "reg":
            fee = "01"
        if base == "120100001":  # 重症监护 per hour
            tag = "icu_care"
        elif base in ("120100003", "120100004", "120100005"):
            tag = "nursing"
        elif base == "110900001" and len(code) > 9:
            tag = "bed"
        elif base == "110900003":
            tag = "bed_icu"
        elif base == "110200005":
            tag = "ip_diag"
        elif base == "110200003":
            tag = "er_diag"
        elif base == "111000002":
            tag = "consult"
        elif tag == "consult" and base not in reach:
            tag = "consult_misc"
        elif base in ("120400001", "120400002", "120400006", "120400007"):
            tag = "inject"
        elif tag == "inject":
            tag = "gen_tx"
        hubei_rows.append((code, base, name, fee, r.unit, tag, role))
    for code, base, name, fee, unit, tag, role in hubei_rows:
        std = reach.get(base, "")
        if std:
            n = nat_by_code[std]
            price = _price(code, fee, n.hr_value, n.tech_difficulty, n.risk_level)
            origin = "nine_crosswalk"
        else:
            # ward procedures (12…) are cheap even when invoiced as 手术费 (清创缝合)
            price = _price(code, fee, ranges={**_HUBEI_RANGE, "06": (20, 120)} if code[:2] == "12" else _HUBEI_RANGE)
            origin = "nine_hubei"
        add(code, name, fee, unit, _PRICE_OVERRIDE.get(code, price), tag, role, origin, std)
    # Hubei-only groups get a fixed share of their order pools (cheap, frequent ward procedures)
    for tag, share in _HUBEI_POOL_SHARE.items():
        idx = [i for i, r in enumerate(rows) if r["tag"] == tag and r["origin"] == "nine_hubei"]
        for i, s in zip(idx, _zipf([rows[i]["SFXMDM"] for i in idx], share), strict=True):
            rows[i]["pshare"] = s

    # 2. crosswalk nine-digit codes reaching the national sample but absent from the Hubei sample
    for code, c2023 in sorted(reach.items()):
        if code in seen:
            continue
        n = nat_by_code[c2023]
        fee = INVOICE_TO_FEE.get(cw_invoice.get(code) or n.invoice_class, "99")
        tag, role = _national_tag(c2023)
        name = cw9[cw9.code_2001 == code].name_2001.iloc[0]
        if code == "480000006":
            tag = "tcm_diag"
        elif code.startswith("2703") or code == "270800007":
            tag, role = "path_cw", "path"
        add(code, name, fee, n.unit, _price(code, fee, n.hr_value, n.tech_difficulty, n.risk_level),
            tag, role, "nine_crosswalk", c2023)

    # 3. national 2023 items not reached through the crosswalk (a few with a hospital suffix)
    reached = set(reach.values())
    for n in nat.itertuples(index=False):
        if n.item_code in reached:
            continue
        fee = INVOICE_TO_FEE.get(n.invoice_class, "99")
        tag, role = _national_tag(n.item_code)
        unit = n.unit or (n.mr_cost_class if n.item_code.startswith("N") else "")
        price = _price(n.item_code, fee, n.hr_value, n.tech_difficulty, n.risk_level)
        tybz = 1 if tag == "radiotherapy" else 0  # the demo hospital has no radiotherapy
        code, origin = n.item_code, "national"
        if _u(code, "s") < 0.08 and code not in (HERB_PROCESSING_CODE, IP_TCM_DIAG_CODE):
            code, origin = f"{code}-1", "national_suffix"
        add(code, n.item_name, fee, unit, price, tag, role, origin, n.item_code, tybz=tybz)
        if _u(n.item_code, "s2") < 0.02:
            add(f"{n.item_code}-2", f"{n.item_name}(加收)", fee, unit, round(price * 0.3, 1), tag, role,
                "national_suffix", n.item_code, tybz=tybz)

    # 4. local-code items (ZL…), including operations without a counterpart in the samples
    local = list(_LOCAL_ITEMS)
    local_names = {x[0] for x in local}
    for dept_ops in OPERATIONS.values():
        for op in dept_ops:
            charge = op[5]
            if charge not in seen and not charge[:1].isdigit() and not charge.isascii() and charge not in local_names:
                local_names.add(charge)
                lo, hi = {1: (100, 400), 2: (400, 1000), 3: (800, 2000), 4: (1800, 4000)}[op[2]]
                local.append((charge, "06", "次", round(lo + (hi - lo) * _u(charge, "o")), "surg_local", "or",
                              "", False, 0))
    for i, (name, fee, unit, price, tag, role, std, reviewed, pshare) in enumerate(local, start=1):
        code = f"ZL{i:04d}"
        if std:
            n = nat_by_code[std]
            fee = INVOICE_TO_FEE[n.invoice_class]
            if price is None:
                price = _price(code, fee, n.hr_value, n.tech_difficulty, n.risk_level)
            origin = "local_reviewed" if reviewed else "local_variant"
        else:
            origin = "local_none"
        add(code, name, fee, unit, price, tag, role, origin, std, pshare)

    # 5. materials 卫生材料 (CL000xxx)
    for i, (name, unit, price, tag) in enumerate(_MATERIALS, start=1):
        add(f"CL{100 + i * 7:06d}", name, "09", unit, price, tag, "self" if tag != "mat_surg" else "or",
            "material")

    # 6. drugs mirrored from GY_YPZD
    drugs = build_drugs()
    for r in drugs.itertuples(index=False):
        add(r.YPDM, r.YPMC, DRUG_FEE[r.YPLB], r.DW, r.LSJ, f"drug{r.YPLB}", "pharm", "drug")

    df = pd.DataFrame(rows)
    df["XGSJ"] = DICT_XGSJ
    return df.reset_index(drop=True)


def mapping_seed_rows() -> list[dict]:
    """The confirmed mapping 已确认映射 of reviewed local items (his_code → national standard_code)."""
    items = build_charge_items()
    nat_name = dict(zip(_national().item_code, _national().item_name, strict=True))
    out = []
    for k, r in enumerate(items[items.origin == "local_reviewed"].itertuples(index=False)):
        month, day = 3 + k % 4, 5 + (k * 7) % 23
        out.append({"his_code": r.SFXMDM, "standard_code": r.std_code,
                    "confirmed_by": _REVIEWERS[k % len(_REVIEWERS)],
                    "confirmed_at": f"2024-{month:02d}-{day:02d}",
                    "note": f"本院名称“{r.SFXMMC}”，项目内涵同国家规范“{nat_name[r.std_code]}”"})
    return out


def write_mapping_seed(path: str | Path) -> Path:
    """Write the dbt seed ``charge_item_mapping.csv``; the committed seed must equal its output."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(MAPPING_SEED_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(mapping_seed_rows())
    return path


@lru_cache(maxsize=1)
def build_drugs() -> pd.DataFrame:
    """GY_YPZD rows plus internal columns ``strength`` (g per unit), ``route``, ``depts``, ``dose``."""
    rows = []
    counters = {1: 0, 2: 0, 3: 0}
    prefix = {1: "XY", 2: "ZC", 3: "YP"}
    for name, yplb, gg, dw, price, ddd, strength, route, jb, jc, depts in _DRUGS:
        counters[yplb] += 1
        rows.append({"YPDM": f"{prefix[yplb]}{counters[yplb] * 3 + 10000:05d}", "YPMC": name, "YPLB": yplb,
                     "GG": gg, "DW": dw, "LSJ": price, "KJYBZ": 1 if ddd else 0,
                     "DDDZ": float(ddd) if ddd else None, "JBYWBZ": jb, "JCBZ": jc, "TYBZ": 0,
                     "strength": strength, "route": route, "depts": depts, "dose": 0})
    for name, price, dose in _HERBS:
        counters[3] += 1
        rows.append({"YPDM": f"YP{counters[3] * 3 + 10000:05d}", "YPMC": name, "YPLB": 3, "GG": "饮片",
                     "DW": "g", "LSJ": price, "KJYBZ": 0, "DDDZ": None, "JBYWBZ": 0, "JCBZ": 0,
                     "TYBZ": 0, "strength": 0.0, "route": "herb", "depts": _ALL, "dose": dose})
    df = pd.DataFrame(rows)
    df["XGSJ"] = DICT_XGSJ
    return df


def item_index(items: pd.DataFrame) -> dict[str, int]:
    return {c: i for i, c in enumerate(items.SFXMDM.tolist())}


def tag_pool(items: pd.DataFrame, *tags: str) -> np.ndarray:
    """Row indexes of active items with any of ``tags`` (stable order)."""
    mask = items.tag.isin(tags).to_numpy() & (items.TYBZ.to_numpy() == 0)
    return np.flatnonzero(mask)
