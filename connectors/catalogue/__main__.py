"""Command line (命令行): ``python -m connectors.catalogue load|check|ensure …``."""

from __future__ import annotations

import argparse
import sys

from .files import read_catalogue, validate_catalogue
from .kinds import catalogue_kinds
from .loader import CatalogueValidationError, ensure_shipped_catalogues, load_catalogue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m connectors.catalogue", description="标准项目库导入")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("load", "校验并导入一个目录文件"), ("check", "只校验，不导入")):
        p = sub.add_parser(name, help=text)
        p.add_argument("kind", choices=list(catalogue_kinds()))
        p.add_argument("path")
        if name == "load":
            p.add_argument("--warehouse", required=True, help="DuckDB 文件路径")
            p.add_argument("--edition", default=None, help="版本，写入 _partition")
            p.add_argument("--note", default="", help="来源说明")
    p = sub.add_parser("ensure", help="缺少目录时导入随附样例")
    p.add_argument("--warehouse", required=True)
    args = parser.parse_args(argv)

    if args.command == "check":
        errors = validate_catalogue(read_catalogue(args.path, args.kind))
        for e in errors:
            print(e.message)
        if errors.truncated:
            print(f"……共 {errors.total} 个问题，只列出前 {len(errors)} 个")
        print("校验通过" if not errors.total else f"校验未通过：{errors.total} 个问题")
        return 1 if errors.total else 0
    if args.command == "load":
        try:
            result = load_catalogue(
                args.path, args.kind, args.warehouse, edition=args.edition, source_note=args.note
            )
        except CatalogueValidationError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(result.message)
        return 0
    for result in ensure_shipped_catalogues(args.warehouse):
        print(result.message)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
