"""Charge-item mapping review (收费项目对照审核): unmapped HIS items → Excel → confirmed seed rows.

Typical use (also ``jixiao mapping suggest`` / ``jixiao mapping accept``)::

    r = export_review_sheet(warehouse, "收费项目对照审核表.xlsx")       # for the 绩效办 to fill
    r = accept_review_sheet("已审核.xlsx", warehouse, seed_csv)          # validate, append to the seed

The seed ``dbt_project/seeds/mapping/charge_item_mapping.csv`` is only appended to when every
filled row is valid; otherwise MappingReviewError lists all problems (Chinese, row + column).
"""

from connectors.mapping_review.accept import AcceptResult, ConfirmedMapping, accept_review_sheet
from connectors.mapping_review.export import ReviewExport, export_review_sheet
from connectors.mapping_review.layout import (
    INSTRUCTIONS_SHEET,
    LIBRARY_SHEET,
    REVIEW_SHEET,
    SEED_HEADER,
    MappingReviewError,
)

__all__ = [
    "INSTRUCTIONS_SHEET",
    "LIBRARY_SHEET",
    "REVIEW_SHEET",
    "SEED_HEADER",
    "AcceptResult",
    "ConfirmedMapping",
    "MappingReviewError",
    "ReviewExport",
    "accept_review_sheet",
    "export_review_sheet",
]
