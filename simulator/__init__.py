"""Jixiao demo source-system simulator (演示医院源系统模拟器).

Writes a TCM-featured general hospital's (中医院) HIS, finance, cost-accounting, HR and NIS/beds
databases with vendor-like naming, following ``connectors/sources/*.yml``. See
:func:`simulator.generate.generate`.
"""

from .catalogue import write_mapping_seed
from .generate import FAULTS, GenerationReport, generate
from .hospital import DEPARTMENTS, write_department_seeds

__all__ = ["DEPARTMENTS", "FAULTS", "GenerationReport", "generate", "write_department_seeds",
           "write_mapping_seed"]
