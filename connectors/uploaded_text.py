"""Files and cells that people upload, read as text (上传文件的文本读取).

Shared by the Excel/CSV intake (``connectors/intake``) and the catalogue loader
(``connectors/catalogue``): the encodings Chinese spreadsheets come in, and a cell value as the
text the user sees in Excel — no type coercion beyond what Excel stored.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

#: Encodings tried in order: UTF-8 (with or without BOM), then GB18030 (a superset of GBK/GB2312,
#: what Excel on Chinese Windows saves "CSV" as).
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` for the first encoding that decodes ``data``; None if none does."""
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.lstrip("\ufeff"), ("utf-8" if encoding == "utf-8-sig" else encoding)
    return None


def cell_text(value, *, strip: bool = True) -> str:
    """A cell as the user sees it: dates ISO, whole floats without ``.0``, other numbers in plain
    notation (no exponent), booleans TRUE/FALSE. ``strip=False`` keeps surrounding spaces (the
    catalogue loader reports them as errors rather than hiding them)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    text = str(value)
    return text.strip() if strip else text
