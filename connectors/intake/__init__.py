"""Intake of hand-filled data (手工填报): Excel/CSV → validation → ``raw_manual.<dataset>``.

Datasets are declared in ``connectors/intake/datasets/*.yml``. Typical use::

    build_template("dept_satisfaction", "科室满意度模板.xlsx")      # give this to the department
    result = validate_file("满意度_2025-10.xlsx")                    # check only
    result = intake_file(path, warehouse_path, intake_root=root)     # check, load or quarantine
    results = intake_folder(inbox, warehouse_path, root)             # every file of an inbox
"""

from connectors.intake.departments import DEFAULT_DEPARTMENT_SEED, load_department_codes
from connectors.intake.load import ensure_dataset_tables, intake_file, intake_folder
from connectors.intake.spec import ColumnSpec, DatasetSpec, SpecError, get_spec, load_spec, load_specs
from connectors.intake.template import build_template
from connectors.intake.validate import MAX_ERRORS, IntakeError, IntakeResult, validate_file

__all__ = [
    "DEFAULT_DEPARTMENT_SEED",
    "MAX_ERRORS",
    "ColumnSpec",
    "DatasetSpec",
    "IntakeError",
    "IntakeResult",
    "SpecError",
    "build_template",
    "ensure_dataset_tables",
    "get_spec",
    "intake_file",
    "intake_folder",
    "load_department_codes",
    "load_spec",
    "load_specs",
    "validate_file",
]
