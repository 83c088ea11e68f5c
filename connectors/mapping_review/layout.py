"""Layout of the review workbook (收费项目对照审核表) and of the mapping seed, shared by export and accept."""

from __future__ import annotations

REVIEW_SHEET = "收费项目对照审核表"
INSTRUCTIONS_SHEET = "填写说明"
LIBRARY_SHEET = "标准项目库"

# Data columns copied from marts.unmapped_charge_items: (header, source column).
DATA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("收费项目编码", "charge_item_code"),
    ("收费项目名称", "charge_item_name"),
    ("费用类别", "fee_category_code"),
    ("明细条数", "line_count"),
    ("金额", "amount"),
    ("占可对照金额比例", "share_of_mappable_amount"),
    ("首次出现期间", "first_period"),
    ("最近出现期间", "last_period"),
    *(
        (f"建议{n}{label}", f"suggestion_{n}_{part}")
        for n in (1, 2, 3)
        for label, part in (("编码", "code"), ("名称", "name"), ("相似度", "score"))
    ),
)

# Columns filled by the reviewer (审核人填写).
COL_HIS_CODE = "收费项目编码"
COL_STANDARD_CODE = "确认标准编码"
COL_CONFIRMED_BY = "确认人"
COL_CONFIRMED_AT = "确认日期"
COL_NOTE = "备注"
REVIEW_COLUMNS: tuple[str, ...] = (COL_STANDARD_CODE, COL_CONFIRMED_BY, COL_CONFIRMED_AT, COL_NOTE)

# Headers that accept_review_sheet needs (located by name, so the reviewer may reorder columns).
REQUIRED_HEADERS: tuple[str, ...] = (COL_HIS_CODE, *REVIEW_COLUMNS)

SEED_HEADER: tuple[str, ...] = ("his_code", "standard_code", "confirmed_by", "confirmed_at", "note")


class MappingReviewError(ValueError):
    """The review sheet (or the seed) is not acceptable; ``errors`` lists every problem in Chinese."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))
