"""Standard catalogue loader (标准项目库导入): public catalogues → ``raw_reference``.

Kinds (目录种类, declared in ``kinds.yml``):

* ``national_items``    → ``raw_reference.national_service_items`` (全国医疗服务项目技术规范)
* ``crosswalk``         → ``raw_reference.service_code_crosswalk`` (2023/2012/2001 编码对照)
* ``provincial_prices`` → ``raw_reference.provincial_price_items`` (省级医疗服务价格项目)

Every load is recorded in ``raw_reference.catalogue_loads``. Command line::

    python -m connectors.catalogue load national_items national_full.xlsx --warehouse data/warehouse.duckdb

Code lists (编码目录) of the national assessment (``code_lists.yml``: 手术分级目录, 低风险病种,
抗菌药物 DDD 值 …) → ``raw_reference.code_list__<name>``, provenance in
``raw_reference.code_list_loads`` (``code_lists``, ``code_list_loader``; ``jixiao reference load``).
"""

from .code_list_loader import (
    CodeListLoad,
    CodeListStatus,
    CodeListValidationError,
    code_list_status,
    load_code_list,
)
from .code_lists import CodeListSpec, code_lists, get_code_list, read_code_list
from .files import (
    MAX_ERRORS,
    CatalogueError,
    CatalogueFile,
    ErrorList,
    infer_kind,
    read_catalogue,
    validate_catalogue,
)
from .kinds import CatalogueKind, catalogue_kinds, get_kind
from .loader import (
    REFERENCE_DIR,
    CatalogueValidationError,
    LoadResult,
    current_catalogue,
    ensure_shipped_catalogues,
    load_catalogue,
)

__all__ = [
    "MAX_ERRORS",
    "REFERENCE_DIR",
    "CatalogueError",
    "CatalogueFile",
    "CatalogueKind",
    "CatalogueValidationError",
    "CodeListLoad",
    "CodeListSpec",
    "CodeListStatus",
    "CodeListValidationError",
    "ErrorList",
    "infer_kind",
    "LoadResult",
    "catalogue_kinds",
    "code_list_status",
    "code_lists",
    "current_catalogue",
    "ensure_shipped_catalogues",
    "get_code_list",
    "get_kind",
    "load_catalogue",
    "load_code_list",
    "read_catalogue",
    "read_code_list",
    "validate_catalogue",
]
