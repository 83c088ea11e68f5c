"""Workbooks and CSV files the project writes (生成的工作簿与 CSV): text a person supplied is always
written as text, never as a live formula (防公式注入).

* Workbooks: every writer builds its openpyxl workbook as usual and saves it with
  :func:`save_workbook`. openpyxl turns any string that starts with ``=`` into a formula; at save,
  every formula cell that was not written through :func:`set_formula` (the project's own totals,
  e.g. ``=SUM(L8:L20)``) is turned back into a text cell, so a 说明/理由 of
  ``=HYPERLINK("http://…","点此查看")`` shows as those characters and does nothing.
* CSV: :func:`csv_cell` prefixes ``'`` to a text that starts with ``= + - @``, a tab or a carriage
  return (Excel would evaluate it when the file is opened), except a plain number such as ``-12.50``.
"""

from __future__ import annotations

import re
from pathlib import Path
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

_AUTHORED: WeakKeyDictionary[Worksheet, set[str]] = WeakKeyDictionary()
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def set_formula(cell: Cell, formula: str) -> Cell:
    """Write one of the project's own formulas (it survives :func:`save_workbook`)."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
    _AUTHORED.setdefault(cell.parent, set()).add(cell.coordinate)
    return cell


def neutralise_formulas(wb: Workbook) -> int:
    """Turn every formula cell not written by :func:`set_formula` into text; returns how many."""
    changed = 0
    for ws in wb.worksheets:
        authored = _AUTHORED.get(ws, set())
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and cell.coordinate not in authored:
                    cell.data_type = "s"
                    changed += 1
    return changed


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    """Save ``wb`` after :func:`neutralise_formulas`: the one way the project writes an .xlsx."""
    neutralise_formulas(wb)
    path = Path(path)
    wb.save(path)
    return path


def csv_cell(value) -> str:
    """A value for a CSV cell a person may open in Excel: text that Excel would evaluate gets a
    leading ``'``; plain numbers and everything else are written as they are."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_CSV_TRIGGERS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text
