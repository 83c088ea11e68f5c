"""Department clinical profiles: what each department orders (医嘱/收费) and diagnoses.

Rates are expected charge lines per outpatient visit (``OP``) or per inpatient day (``IP``) for
each order kind; ``KIND_TAGS`` maps an order kind to the charge-dictionary tags it draws from.
Inside a pool, items with a fixed share (catalogue column ``pshare``: local items without a
national counterpart, Hubei-only ward procedures, reviewed local names) keep it and the national
items share the rest by Zipf weight.

The mix follows the catalogue samples (see :mod:`simulator.catalogue`): TCM wards get several
daily TCM/rehabilitation treatments (十 P, 九 M: ``IP_TCM_FACTOR``) and 住院中医辨证论治; labs are
mostly the sampled immunology/molecular tests (三 C); imaging is mostly X-ray (四 E). CT/MRI,
ultrasound and common labs, which the samples do not cover, are ordered rarely, so that the
unmapped share of service amount stays at a few percent.
"""

from __future__ import annotations

KIND_TAGS: dict[str, tuple[str, ...]] = {
    "lab": ("lab", "lab_mol", "lab_local"), "xray": ("rad",), "ct": ("ct",), "us": ("us",), "gi": ("gi",),
    "eye": ("eye", "eye_minor"), "ent": ("ent",), "endo": ("endo",), "resp": ("resp",), "acu": ("acu",),
    "tuina": ("tuina",), "tuina_child": ("tuina_child",), "tcm_special": ("tcm_special",),
    "rehab": ("rehab",), "gen_tx": ("gen_tx", "wound", "oxygen", "neb", "blood", "ward_gi"),
    "inject": ("inject",), "mat": ("mat_general", "mat_nursing"), "mat_acu": ("mat_acu",),
    "path": ("path", "path_cw", "path_local"), "icu": ("icu",), "pp": ("pp",), "anal": ("anal_minor",),
    "tcm_diet": ("tcm_diet",), "consult": ("consult",),
}
# relative weight of each tag inside a kind's pool (default 1.0 per item); items with a fixed
# pool share (catalogue column pshare) keep it
TAG_WEIGHT = {"lab_mol": 0.08}

# outpatient: kind → lines per visit; "rx" = P(western/patent prescription), "herb" = P(herbal Rx)
OP: dict[str, dict[str, float]] = {
    "中医内科": {"lab": .30, "us": 0.0013, "ct": 0.0008, "endo": .02, "acu": .08, "tcm_special": .05, "tcm_diet": .08,
             "rx": .45, "herb": .42},
    "针灸科": {"acu": 1.2, "tcm_special": .2, "rehab": .2, "mat_acu": .6, "lab": .03, "rx": .15, "herb": .15},
    "推拿科": {"tuina": 1.0, "acu": .15, "xray": .08, "rx": .15, "herb": .08},
    "康复科": {"rehab": 1.0, "acu": .3, "rx": .15, "herb": .1},
    "骨伤科": {"xray": .4, "ct": 0.0013, "tuina": .25, "tcm_special": .25, "gen_tx": .05, "rx": .4, "herb": .2},
    "肛肠科": {"anal": .12, "gen_tx": .05, "tcm_special": .25, "lab": .08, "rx": .5, "herb": .15},
    "心血管内科": {"lab": .45, "us": 0.0063, "ct": 0.0008, "rx": .7, "herb": .08},
    "呼吸内科": {"lab": .45, "xray": .15, "ct": 0.0025, "resp": .15, "inject": .1, "gen_tx": .03, "rx": .75,
             "herb": .12},
    "消化内科": {"lab": .4, "us": 0.0037, "gi": .05, "rx": .7, "herb": .12},
    "普外科": {"lab": .25, "us": 0.005, "gen_tx": .1, "mat": .2, "rx": .35, "herb": .03},
    "妇产科": {"lab": .5, "us": 0.0092, "pp": .15, "rx": .35, "herb": .08},
    "儿科": {"lab": .5, "inject": .2, "tuina_child": .15, "gen_tx": .04, "rx": .75, "herb": .06},
    "五官科": {"eye": .35, "ent": .4, "rx": .4, "herb": .03},
    "急诊科": {"lab": .6, "ct": 0.0032, "xray": .12, "inject": .35, "gen_tx": .08, "mat": .2, "rx": .55, "herb": 0.0},
}
OP_DRUGS_PER_RX = 1.35  # mean western/patent drugs per prescription
HERBS_PER_RX = (6, 10)  # herbs per herbal prescription (min, max)
OP_KIND_FACTOR = 0.5  # global multipliers that tune total volumes (FY_SFMX ~1.2–1.5M at defaults)
OP_HERB_FACTOR = 0.28
OP_RX_FACTOR = 0.85
OP_DECOCTION_SHARE = 0.35  # outpatient herbal prescriptions decocted by the hospital 代煎
IP_KIND_FACTOR = 0.35
IP_TCM_KINDS = ("acu", "tcm_special", "rehab", "tuina", "tuina_child")  # daily TCM/rehab treatments
IP_TCM_FACTOR = 1.6  # replaces IP_KIND_FACTOR for them
IP_HERB_FACTOR = 0.5
IP_TCM_DIAG_P = 0.85  # P(住院中医辨证论治 on a TCM-ward day)
REG_FEE_SHARE = 0.1  # share of visits with a separate 挂号费 line
OPERATION_RANK_EXPONENT = 1.8  # a department's k-th operation (0-based) has weight 1/(k+1)**exponent
LOCAL_ANAESTHESIA_CHARGED = 0.1  # P(局部浸润麻醉 charged separately by 麻醉科)

# inpatient: kind → lines per day; "admit_*" extra on the admission day
IP_COMMON = {"lab": .1, "inject": .18, "mat": .15, "consult": .03, "drugs": .7}
ADMIT = {"lab": 2.5, "us": .01, "xray": .3, "ct": .005}
IP: dict[str, dict[str, float]] = {
    "中医内科": {"acu": .6, "tcm_special": .5, "rehab": .5, "tcm_diet": .05, "herb": .8},
    "针灸科": {"acu": 1.8, "tcm_special": .6, "rehab": .9, "mat_acu": .7, "herb": .7},
    "康复科": {"rehab": 2.4, "acu": 1.0, "tuina": .4, "herb": .6},
    "骨伤科": {"tuina": .6, "tcm_special": .6, "rehab": .6, "gen_tx": .15, "herb": .6},
    "肛肠科": {"gen_tx": .3, "tcm_special": .8, "herb": .6},
    "心血管内科": {"us": .03, "herb": .3},
    "呼吸内科": {"resp": .1, "gen_tx": .3, "herb": .35},
    "消化内科": {"gi": .05, "gen_tx": .1, "herb": .35},
    "普外科": {"gen_tx": .35, "herb": .2},
    "妇产科": {"us": .05, "pp": .4, "herb": .2},
    "儿科": {"gen_tx": .2, "tuina_child": .3, "herb": .15},
    "五官科": {"eye": .25, "ent": .25, "herb": .1},
    "重症医学科": {"gen_tx": .8, "icu": 2.0, "lab": 1.2, "herb": .15},
}

# principal diagnoses (ICD-10, 国家临床版 style) per department: (code, name, weight)
DIAGNOSES: dict[str, tuple[tuple[str, str, float], ...]] = {
    "中医内科": (("I63.900", "脑梗死", 4), ("I10.x00", "原发性高血压", 2), ("E11.900", "2型糖尿病", 2),
              ("G47.000", "失眠", 1), ("I67.200", "脑动脉粥样硬化", 1), ("J44.100", "慢性阻塞性肺病伴急性加重", 1)),
    "针灸科": (("G51.000", "面神经麻痹", 3), ("I69.300", "脑梗死后遗症", 3), ("M54.500", "腰痛", 2),
            ("G43.900", "偏头痛", 1)),
    "康复科": (("I69.300", "脑梗死后遗症", 4), ("S06.900", "颅脑损伤", 1), ("G82.200", "截瘫", 1),
            ("M17.900", "膝关节病", 1)),
    "骨伤科": (("M51.202", "腰椎间盘突出", 3), ("M75.100", "肩袖损伤", 2), ("S42.100", "肩胛骨骨折", 1),
            ("S43.100", "肩锁关节脱位", 1), ("S52.500", "桡骨下端骨折", 1), ("M17.900", "膝关节病", 1),
            ("M16.900", "髋关节病", 1)),
    "肛肠科": (("K64.800", "混合痔", 5), ("K64.500", "肛周静脉血栓形成", 1), ("K60.300", "肛瘘", 1.5),
            ("K61.000", "肛周脓肿", 1), ("K62.300", "直肠脱垂", 0.5)),
    "心血管内科": (("I20.000", "不稳定型心绞痛", 4), ("I21.900", "急性心肌梗死", 1), ("I50.900", "心力衰竭", 2),
              ("I48.x00", "心房颤动", 1), ("I10.x00", "原发性高血压", 1),
              ("I70.201", "下肢动脉硬化闭塞症", 0.5)),
    "呼吸内科": (("J18.900", "肺炎", 4), ("J44.100", "慢性阻塞性肺病伴急性加重", 3), ("J45.900", "哮喘", 1),
             ("J20.900", "急性支气管炎", 1), ("J47.x00", "支气管扩张", 1)),
    "消化内科": (("K29.700", "胃炎", 3), ("K25.900", "胃溃疡", 1), ("K63.500", "结肠息肉", 2),
             ("K92.200", "胃肠道出血", 1), ("K74.600", "肝硬化", 1)),
    "普外科": (("D24.x00", "乳房良性肿瘤", 3), ("N20.000", "肾结石", 3), ("N20.100", "输尿管结石", 1),
            ("C50.900", "乳腺恶性肿瘤", 1), ("N28.100", "肾囊肿", 1), ("K80.100", "胆囊结石伴慢性胆囊炎", 1),
            ("K40.900", "腹股沟疝", 1)),
    "妇产科": (("O80.000", "单胎顺产", 3), ("O82.000", "经剖宫产术分娩", 3), ("D25.900", "子宫平滑肌瘤", 1),
            ("N83.200", "卵巢囊肿", 1), ("O03.900", "流产", 1)),
    "儿科": (("J18.900", "肺炎", 4), ("J06.900", "急性上呼吸道感染", 2), ("A08.400", "病毒性肠炎", 1),
           ("J21.900", "急性细支气管炎", 1)),
    "五官科": (("H00.100", "睑板腺囊肿", 3), ("D23.100", "眼睑良性肿瘤", 1), ("J35.000", "慢性扁桃体炎", 2),
            ("H25.900", "老年性白内障", 1), ("J33.900", "鼻息肉", 1), ("J32.900", "慢性鼻窦炎", 1),
            ("H81.000", "梅尼埃病", 1)),
    "重症医学科": (("A41.900", "脓毒症", 3), ("J96.000", "急性呼吸衰竭", 2), ("I61.900", "脑出血", 2),
              ("R57.000", "心源性休克", 1)),
}
# operation → principal diagnosis that must go with it
OP_DIAGNOSIS = {
    "74.1x01": ("O82.000", "经剖宫产术分娩"), "73.5900": ("O80.000", "单胎顺产"),
    "51.2301": ("K80.100", "胆囊结石伴慢性胆囊炎"), "53.0001": ("K40.900", "腹股沟疝"),
    "85.2100": ("D24.x00", "乳房良性肿瘤"), "55.0401": ("N20.000", "肾结石"), "85.4301": ("C50.900", "乳腺恶性肿瘤"),
    "55.0101": ("N28.100", "肾囊肿"), "49.4600": ("K64.800", "混合痔"), "49.4700": ("K64.500", "肛周静脉血栓形成"),
    "49.1201": ("K60.300", "肛瘘"), "08.2101": ("H00.100", "睑板腺囊肿"), "13.4100": ("H25.900", "老年性白内障"),
    "83.6301": ("M75.100", "肩袖损伤"), "79.3901": ("S42.100", "肩胛骨骨折"), "79.8101": ("S43.100", "肩锁关节脱位"),
    "81.5100": ("M16.900", "髋关节病"), "80.5101": ("M51.202", "腰椎间盘突出"),
    "36.0601": ("I20.000", "不稳定型心绞痛"),
}
# secondary diagnoses 其他诊断 (BA_SYJL.QTZDDM): common comorbidities (code, name, prevalence at age ≥ 65);
# the prevalence is halved at 45–64, a tenth at 18–44 and zero for children; at most
# MAX_COMORBIDITIES per abstract (in this order), never the principal diagnosis again
COMORBIDITIES: tuple[tuple[str, str, float], ...] = (
    ("I10.x00", "原发性高血压", 0.42), ("E11.900", "2型糖尿病", 0.18), ("I25.100", "动脉硬化性心脏病", 0.12),
    ("E78.500", "高脂血症", 0.12), ("J44.900", "慢性阻塞性肺病", 0.07), ("I69.300", "脑梗死后遗症", 0.06),
    ("I48.x00", "心房颤动", 0.05), ("M81.900", "骨质疏松", 0.05), ("N18.900", "慢性肾脏病", 0.04),
    ("K21.900", "胃食管反流病", 0.03),
)
MAX_COMORBIDITIES = 4
# surgery complication 手术并发症 (secondary diagnosis) for a share of the operated discharges
COMPLICATION_RATE = 0.02
COMPLICATIONS: tuple[tuple[str, str, float], ...] = (
    ("T81.000", "手术后出血", 0.3), ("T81.400", "操作后感染", 0.25), ("T81.300", "手术伤口裂开", 0.15),
    ("J95.800", "手术后呼吸系统并发症", 0.1), ("K91.800", "消化系统操作后疾患", 0.1),
    ("T81.200", "操作中意外穿刺和撕裂", 0.05), ("N99.800", "泌尿生殖系统操作后疾患", 0.05),
)
# discharge disposition probabilities (LYFS 2,3,4,5,9; 1 = remainder)
DEATH_RATE = {"重症医学科": 0.08, "呼吸内科": 0.012, "心血管内科": 0.012, "中医内科": 0.006}
DEFAULT_DEATH = 0.0008
# P(以中医为主治疗 ZYZLBZ=1) and P(围手术期中医治疗 WSSQZYBZ=1 | operation)
TCM_TREATMENT = (0.75, 0.2)
PERIOP_TCM = (0.7, 0.25)
