"""Staff secondary allocation (二次分配): each department splits its bonus pool among its staff.

The bonus layer suggests an amount per person (``marts.fct_allocation_suggestions``); the
department gets an Excel workbook pre-filled with the suggestions, adjusts it, and submits it back.
A valid submission becomes an accepted version (``bonus_ops.allocation_versions`` + lines), which
the performance office approves; 补录 records payments after issue. DuckDB warehouse only.

Typical use::

    paths, status = generate_templates(warehouse, "2025-10", out_dir)   # one file per dept
    result = submit_allocation(filled, warehouse, root, submitted_by="张三")
    approve_allocation(warehouse, "2025-10", "0101", approved_by="李四")
    add_supplement(warehouse, "2025-10", "0101", "S001", "200.00", reason="…", recorded_by="李四")
    print_allocation(warehouse, "2025-10", "0101", out_dir)
    take_in_inbox(inbox, warehouse, root)   # allocation workbooks dropped into the intake inbox
"""

from connectors.allocation.store import AllocationError
from connectors.allocation.validate import (
    AllocationLine,
    AllocationResult,
    is_allocation_workbook,
    read_metadata,
    validate_allocation,
)
from connectors.allocation.workbook import HEADERS, META_SHEET, SHEET, TEMPLATE_VERSION, build_template
from connectors.allocation.workflow import (
    Approval,
    DeptStatus,
    add_supplement,
    allocation_status,
    approve_allocation,
    file_sha256,
    generate_templates,
    print_allocation,
    submit_allocation,
    take_in_inbox,
)

__all__ = [
    "HEADERS",
    "META_SHEET",
    "SHEET",
    "TEMPLATE_VERSION",
    "AllocationError",
    "AllocationLine",
    "AllocationResult",
    "Approval",
    "DeptStatus",
    "add_supplement",
    "allocation_status",
    "approve_allocation",
    "build_template",
    "file_sha256",
    "generate_templates",
    "is_allocation_workbook",
    "print_allocation",
    "read_metadata",
    "submit_allocation",
    "take_in_inbox",
    "validate_allocation",
]
