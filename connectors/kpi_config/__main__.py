"""``python -m connectors.kpi_config [seed_dir] [--targets 目标值.csv]``: validate the KPI seeds.

Prints ``OK`` with a short summary and the calculation order, or every error; exit status 1 on errors.
``--targets``: a CSV of filed department targets (headers ``indicator_code,baseline,best`` or the
template's ``指标编码,基准值,最优值``), used for interval-method indicators without library defaults.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from connectors.kpi_config.metrics import metrics_not_in_dbt
from connectors.kpi_config.validate import DEFAULT_SEED_DIR, calculation_order, validate_kpi_config

_TARGET_HEADERS = {"指标编码": "indicator_code", "基准值": "baseline", "最优值": "best"}


def _read_targets(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{_TARGET_HEADERS.get(k, k): v for k, v in row.items()} for row in csv.DictReader(fh)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m connectors.kpi_config", description="KPI 配置校验")
    parser.add_argument("seed_dir", nargs="?", type=Path, default=DEFAULT_SEED_DIR, help="KPI seed 目录")
    parser.add_argument("--targets", type=Path, help="科室目标值 CSV（indicator_code, baseline, best）")
    args = parser.parse_args(argv)
    targets = _read_targets(args.targets) if args.targets else None
    errors = validate_kpi_config(args.seed_dir, targets=targets)
    if errors:
        print(f"KPI 配置校验未通过（{args.seed_dir}）：共 {len(errors)} 个错误")
        for i, error in enumerate(errors, 1):
            print(f"  {i}. {error}")
        return 1
    print(f"OK：KPI 配置校验通过（{args.seed_dir}）")
    for n, codes in enumerate(calculation_order(args.seed_dir)):
        print(f"  计算层级 {n}：{', '.join(codes)}")
    pending = metrics_not_in_dbt()
    if pending:
        print(f"提示：以下基础指标尚未在 dbt 指标模型的 accepted_values 中声明：{', '.join(pending)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
