"""Files and cells that people upload, read as text (上传文件的文本读取).

Shared by the Excel/CSV intake (``connectors/intake``) and the catalogue loader
(``connectors/catalogue``): the encodings Chinese spreadsheets come in, and a cell value as the
text the user sees in Excel — no type coercion beyond what Excel stored.
"""

from __future__ import annotations

import unicodedata
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


#: Characters that are invisible or change nothing a reader sees: Unicode format characters
#: (category Cf: zero-width space/joiners, BOM, bidi marks, soft hyphen …) plus the other
#: zero-width and filler code points NFKC leaves alone.
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u180e")


def _is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or ch in _INVISIBLE_EXTRA


def normalise_text(value) -> str:
    """The one normalisation (规范化) of every key and every required text a person types: the cell
    as text (:func:`cell_text`), Unicode NFKC (full-width digits and letters → ASCII, compatibility
    forms folded), invisible format characters removed (zero-width space ``\\u200b``, BOM, bidi
    marks …), surrounding whitespace stripped. Two keys that look the same compare equal after it,
    and a text of only invisible characters is empty."""
    text = unicodedata.normalize("NFKC", cell_text(value, strip=False))
    return "".join(ch for ch in text if not _is_invisible(ch)).strip()


def clean_text(value) -> str:
    """Free text a person wrote (说明/理由, 备注, 操作人), kept as typed except that invisible format
    characters are removed and surrounding whitespace stripped: full-width punctuation stays. Use
    :func:`normalise_text` for keys and codes."""
    text = cell_text(value, strip=False)
    return "".join(ch for ch in text if not _is_invisible(ch)).strip()


def show_invisible(text: str) -> str:
    """``text`` with its invisible and control characters spelt out (``\\u200b``), for messages
    that must show a person what was really in the cell."""
    return "".join(
        f"\\u{ord(ch):04x}" if _is_invisible(ch) or (unicodedata.category(ch) == "Cc" and ch not in "\n") else ch
        for ch in text
    )


def has_invisible(text: str) -> bool:
    return any(_is_invisible(ch) for ch in text)
