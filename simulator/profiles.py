"""Department clinical profiles: what each department orders (医嘱/收费) and diagnoses.

Rates are expected charge lines per outpatient visit (``OP``) or per inpatient day (``IP``) for
each order kind; ``KIND_TAGS`` maps an order kind to the charge-dictionary tags it draws from.
"""

from __future__ import annotations

KIND_TAGS: dict[str, tuple[str, ...]] = {
    "lab": ("lab_common", "lab"), "xray": ("rad",), "ct": ("ct",), "us": ("us",), "gi": ("gi",),
    "eye": ("eye",), "ent": ("ent",), "endo": ("endo",), "resp": ("resp",), "acu": ("acu",),
    "tuina": ("tuina",), "tcm_special": ("tcm_special",), "rehab": ("rehab",),
    "gen_tx": ("gen_tx", "wound", "oxygen", "neb"), "inject": ("inject",),
    "mat": ("mat_general", "mat_nursing"), "mat_acu": ("mat_acu",), "path": ("path",),
}
# relative weight of each tag inside a kind's pool (default 1.0 per item)
TAG_WEIGHT = {"lab_common": 12.0, "lab": 0.15}

# outpatient: kind → lines per visit; "rx" = P(western/patent prescription), "herb" = P(herbal Rx)
OP: dict[str, dict[str, float]] = {
    "中医内科": {"lab": .30, "us": .06, "ct": .03, "endo": .02, "acu": .08, "tcm_special": .05, "rx": .45, "herb": .42},
    "针灸科": {"acu": 1.2, "tcm_special": .2, "mat_acu": .6, "lab": .03, "rx": .15, "herb": .15},
    "推拿科": {"tuina": 1.0, "acu": .15, "xray": .08, "rx": .15, "herb": .08},
    "康复科": {"rehab": 1.0, "acu": .3, "rx": .15, "herb": .1},
    "骨伤科": {"xray": .4, "ct": .06, "tuina": .25, "tcm_special": .25, "gen_tx": .1, "rx": .4, "herb": .2},
    "肛肠科": {"gen_tx": .35, "tcm_special": .25, "lab": .08, "rx": .5, "herb": .15},
    "心血管内科": {"lab": .45, "us": .3, "ct": .02, "rx": .7, "herb": .08},
    "呼吸内科": {"lab": .45, "xray": .15, "ct": .12, "resp": .06, "inject": .1, "gen_tx": .05, "rx": .75, "herb": .12},
    "消化内科": {"lab": .4, "us": .2, "gi": .1, "rx": .7, "herb": .12},
    "普外科": {"lab": .25, "us": .25, "gen_tx": .3, "mat": .2, "rx": .35, "herb": .03},
    "妇产科": {"lab": .5, "us": .45, "rx": .35, "herb": .08},
    "儿科": {"lab": .5, "inject": .2, "gen_tx": .08, "rx": .75, "herb": .06},
    "五官科": {"eye": .45, "ent": .4, "rx": .4, "herb": .03},
    "急诊科": {"lab": .6, "ct": .15, "xray": .12, "inject": .35, "gen_tx": .12, "mat": .2, "rx": .55, "herb": 0.0},
}
OP_DRUGS_PER_RX = 1.35  # mean western/patent drugs per prescription
HERBS_PER_RX = (6, 10)  # herbs per herbal prescription (min, max)
OP_KIND_FACTOR = 0.5  # global multipliers that tune total volumes (FY_SFMX ~1.2–1.5M at defaults)
OP_HERB_FACTOR = 0.28
OP_RX_FACTOR = 0.85
IP_KIND_FACTOR = 0.35
IP_HERB_FACTOR = 0.5
REG_FEE_SHARE = 0.1  # share of visits with a separate 挂号费 line

# inpatient: kind → lines per day; "admit_*" extra on the admission day
IP_COMMON = {"lab": .1, "inject": .25, "mat": .15, "drugs": .7}
ADMIT = {"lab": 2.5, "us": .45, "xray": .3, "ct": .25}
IP: dict[str, dict[str, float]] = {
    "中医内科": {"acu": .4, "tcm_special": .3, "herb": .8},
    "针灸科": {"acu": 1.4, "tcm_special": .4, "mat_acu": .7, "herb": .7},
    "康复科": {"rehab": 1.4, "acu": .7, "herb": .6},
    "骨伤科": {"tuina": .3, "tcm_special": .4, "gen_tx": .25, "herb": .6},
    "肛肠科": {"gen_tx": .5, "tcm_special": .5, "herb": .6},
    "心血管内科": {"us": .08, "herb": .3},
    "呼吸内科": {"resp": .05, "gen_tx": .4, "herb": .35},
    "消化内科": {"gi": .05, "herb": .35},
    "普外科": {"gen_tx": .5, "herb": .2},
    "妇产科": {"us": .15, "herb": .2},
    "儿科": {"gen_tx": .25, "herb": .15},
    "五官科": {"eye": .25, "ent": .25, "herb": .1},
    "重症医学科": {"gen_tx": 1.2, "lab": 1.2, "herb": .15},
}

# principal diagnoses (ICD-10, 国家临床版 style) per department: (code, name, weight)
DIAGNOSES: dict[str, tuple[tuple[str, str, float], ...]] = {
    "中医内科": (("I63.900", "脑梗死", 4), ("I10.x00", "原发性高血压", 2), ("E11.900", "2型糖尿病", 2),
              ("G47.000", "失眠", 1), ("I67.200", "脑动脉粥样硬化", 1), ("J44.100", "慢性阻塞性肺病伴急性加重", 1)),
    "针灸科": (("G51.000", "面神经麻痹", 3), ("I69.300", "脑梗死后遗症", 3), ("M54.500", "腰痛", 2),
            ("G43.900", "偏头痛", 1)),
    "康复科": (("I69.300", "脑梗死后遗症", 4), ("S06.900", "颅脑损伤", 1), ("G82.200", "截瘫", 1),
            ("M17.900", "膝关节病", 1)),
    "骨伤科": (("M51.202", "腰椎间盘突出", 4), ("S72.000", "股骨颈骨折", 2), ("M17.900", "膝关节病", 2),
            ("S52.500", "桡骨下端骨折", 1), ("M48.000", "椎管狭窄", 1), ("M16.900", "髋关节病", 1)),
    "肛肠科": (("K64.800", "混合痔", 5), ("K60.300", "肛瘘", 2), ("K61.000", "肛周脓肿", 1),
            ("K62.300", "直肠脱垂", 0.5)),
    "心血管内科": (("I20.000", "不稳定型心绞痛", 4), ("I21.900", "急性心肌梗死", 1), ("I50.900", "心力衰竭", 2),
              ("I48.x00", "心房颤动", 1), ("I10.x00", "原发性高血压", 1)),
    "呼吸内科": (("J18.900", "肺炎", 4), ("J44.100", "慢性阻塞性肺病伴急性加重", 3), ("J45.900", "哮喘", 1),
             ("J20.900", "急性支气管炎", 1), ("J47.x00", "支气管扩张", 1)),
    "消化内科": (("K29.700", "胃炎", 3), ("K25.900", "胃溃疡", 1), ("K63.500", "结肠息肉", 2),
             ("K92.200", "胃肠道出血", 1), ("K74.600", "肝硬化", 1)),
    "普外科": (("K80.100", "胆囊结石伴慢性胆囊炎", 4), ("K35.800", "急性阑尾炎", 2), ("K40.900", "腹股沟疝", 2),
            ("E04.100", "甲状腺结节", 1), ("D24.x00", "乳房良性肿瘤", 1)),
    "妇产科": (("O80.000", "单胎顺产", 3), ("O82.000", "经剖宫产术分娩", 3), ("D25.900", "子宫平滑肌瘤", 1),
            ("N83.200", "卵巢囊肿", 1), ("O03.900", "流产", 1)),
    "儿科": (("J18.900", "肺炎", 4), ("J06.900", "急性上呼吸道感染", 2), ("A08.400", "病毒性肠炎", 1),
           ("J21.900", "急性细支气管炎", 1)),
    "五官科": (("H25.900", "老年性白内障", 3), ("J35.000", "慢性扁桃体炎", 2), ("J33.900", "鼻息肉", 1),
            ("J32.900", "慢性鼻窦炎", 1), ("H81.000", "梅尼埃病", 1)),
    "重症医学科": (("A41.900", "脓毒症", 3), ("J96.000", "急性呼吸衰竭", 2), ("I61.900", "脑出血", 2),
              ("R57.000", "心源性休克", 1)),
}
# operation → principal diagnosis that must go with it
OP_DIAGNOSIS = {
    "74.1x01": ("O82.000", "经剖宫产术分娩"), "73.5900": ("O80.000", "单胎顺产"),
    "51.2301": ("K80.100", "胆囊结石伴慢性胆囊炎"), "47.0901": ("K35.800", "急性阑尾炎"),
    "53.0001": ("K40.900", "腹股沟疝"), "49.4600": ("K64.800", "混合痔"), "49.1201": ("K60.300", "肛瘘"),
    "13.4100": ("H25.900", "老年性白内障"), "81.5100": ("M16.900", "髋关节病"), "81.5400": ("M17.900", "膝关节病"),
    "80.5101": ("M51.202", "腰椎间盘突出"), "36.0601": ("I20.000", "不稳定型心绞痛"),
}
# discharge disposition probabilities (LYFS 2,3,4,5,9; 1 = remainder)
DEATH_RATE = {"重症医学科": 0.08, "呼吸内科": 0.012, "心血管内科": 0.012, "中医内科": 0.006}
DEFAULT_DEATH = 0.0008
# P(以中医为主治疗 ZYZLBZ=1) and P(围手术期中医治疗 WSSQZYBZ=1 | operation)
TCM_TREATMENT = (0.75, 0.2)
PERIOP_TCM = (0.7, 0.25)
