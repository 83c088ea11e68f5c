"""Catalogue kinds (标准目录种类), read from ``kinds.yml`` next to this file.

``kinds.yml`` is the one place that says, per kind, which raw table it fills, which columns the
file must have, which key must be unique, which code formats and number ranges apply, and which
shipped sample (随附样例) stands in until the hospital loads its full catalogue (完整目录).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

KINDS_FILE = Path(__file__).with_name("kinds.yml")


@dataclass(frozen=True)
class CodeFormat:
    """A named code format (编码格式): regular expression plus the Chinese description."""

    name: str
    pattern: re.Pattern
    description: str

    def matches(self, value: str) -> bool:
        return self.pattern.fullmatch(value) is not None


@dataclass(frozen=True)
class NumberRule:
    """Number rule (数值规则): empty, or a plain decimal number within [min, max]."""

    min: float | None = None
    max: float | None = None

    def describe(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{_num(self.min)}–{_num(self.max)} 之间的数字"
        if self.min is not None:
            return f"大于或等于 {_num(self.min)} 的数字"
        if self.max is not None:
            return f"小于或等于 {_num(self.max)} 的数字"
        return "数字"

    def accepts(self, number: float) -> bool:
        return (self.min is None or number >= self.min) and (self.max is None or number <= self.max)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class CatalogueKind:
    """One catalogue kind (目录种类) as declared in ``kinds.yml``."""

    name: str
    schema: str
    table: str
    title: str
    sample_file: str
    default_edition: str
    required_columns: tuple[str, ...]
    unique_key: tuple[str, ...] = ()
    not_empty: tuple[str, ...] = ()
    codes: dict[str, tuple[CodeFormat, ...]] = field(default_factory=dict)
    heading_column: str | None = None
    heading_format: CodeFormat | None = None
    require_one_of: tuple[str, ...] = ()
    numbers: dict[str, NumberRule] = field(default_factory=dict)

    @property
    def table_name(self) -> str:
        """``schema.table``, e.g. ``raw_reference.national_service_items``."""
        return f"{self.schema}.{self.table}"

    def is_heading(self, row: dict[str, str]) -> bool:
        """True for a category/heading row (分类标题行), e.g. code_2023 ``AAA`` or ``AAAA-AAAD``."""
        if self.heading_column is None or self.heading_format is None:
            return False
        return self.heading_format.matches(row.get(self.heading_column, ""))


@cache
def _load(path: Path = KINDS_FILE) -> tuple[dict[str, CodeFormat], dict[str, CatalogueKind]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    formats = {
        name: CodeFormat(name, re.compile(spec["pattern"]), spec["description"])
        for name, spec in doc["formats"].items()
    }
    kinds: dict[str, CatalogueKind] = {}
    for name, spec in doc["kinds"].items():
        schema, _, table = spec["table"].partition(".")
        heading = spec.get("heading") or {}
        kinds[name] = CatalogueKind(
            name=name,
            schema=schema,
            table=table,
            title=spec["title"],
            sample_file=spec["sample_file"],
            default_edition=str(spec["default_edition"]),
            required_columns=tuple(spec["required_columns"]),
            unique_key=tuple(spec.get("unique_key") or ()),
            not_empty=tuple(spec.get("not_empty") or ()),
            codes={col: tuple(formats[f] for f in fmts) for col, fmts in (spec.get("codes") or {}).items()},
            heading_column=heading.get("column"),
            heading_format=formats[heading["format"]] if heading else None,
            require_one_of=tuple(spec.get("require_one_of") or ()),
            numbers={
                col: NumberRule(r.get("min"), r.get("max")) for col, r in (spec.get("numbers") or {}).items()
            },
        )
    return formats, kinds


def catalogue_kinds() -> dict[str, CatalogueKind]:
    """All catalogue kinds by name: ``national_items``, ``crosswalk``, ``provincial_prices``."""
    return dict(_load()[1])


def get_kind(kind: str | CatalogueKind) -> CatalogueKind:
    """The kind called ``kind``; a Chinese ``ValueError`` lists the known kinds otherwise."""
    if isinstance(kind, CatalogueKind):
        return kind
    kinds = _load()[1]
    if kind not in kinds:
        raise ValueError(f"未知的目录种类「{kind}」，可选：{'、'.join(kinds)}")
    return kinds[kind]
