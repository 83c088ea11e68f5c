"""The one money parser (金额解析): every amount a person types or files goes through :func:`parse_money`.

Used by the manual intake (``money`` columns, e.g. 核减金额), the 二次分配 submission (分配金额,
科室留存), 补录 and the bonus adjustments of the CLI. Strict, so that a typo is an error, not a
different number:

* digits with an optional decimal part of at most 2 places (分), e.g. ``1234.5``, ``0.05``;
* thousands separators only in groups of three (``1,234,567.89``; full-width ``，`` is folded by
  NFKC first); ``1,00``, ``1,2,3,4.56`` and ``12,34`` are errors;
* a leading ``-`` only where negatives are allowed (补录 补扣, adjustments); ``-0``/``-0.00`` is never
  accepted (it is either a typo or a negative where none is allowed);
* no exponent (``1e3``), no currency sign or unit, no NaN/Infinity, no TRUE/FALSE;
* a number Excel stored as a float is read with Excel's 15 significant digits, so ``=0.1+0.2``
  gives 0.30, while a typed ``12.345`` is still more than 2 places.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from connectors.uploaded_text import cell_text, normalise_text, show_invisible

CENT = Decimal("0.01")
_LIMIT = Decimal(10) ** 16  # DECIMAL(18,2)
_MONEY_RE = re.compile(r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")


class MoneyError(ValueError):
    """The value is not a valid amount; the message is the Chinese reason shown to the user."""


def parse_money(
    raw, *, what: str = "金额", allow_negative: bool = False, allow_zero: bool = True
) -> Decimal | None:
    """``raw`` (a cell value or a typed string) as a Decimal quantised to 分; None when empty."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise MoneyError(f"{what}“{cell_text(raw)}”不是数字")
    if isinstance(raw, int | Decimal | float):
        if isinstance(raw, float):
            if raw != raw or raw in (float("inf"), float("-inf")):
                raise MoneyError(f"{what}“{cell_text(raw)}”不是数字")
            value = Decimal(format(raw, ".15g"))  # what Excel shows: 15 significant digits
        else:
            value = Decimal(raw)
        if not value.is_finite():
            raise MoneyError(f"{what}“{raw}”不是数字")
        shown = format(value, "f")
        negative = value.is_signed()
    else:
        shown = show_invisible(cell_text(raw, strip=False))
        text = normalise_text(raw)
        if not text:
            return None
        m = _MONEY_RE.match(text)
        if not m:
            hint = "（千分位逗号只能按三位一组，如 1,234.56）" if "," in text else ""
            raise MoneyError(f"{what}“{shown.strip()}”不是有效金额{hint}")
        try:
            value = Decimal(m.group("sign") + m.group("int").replace(",", "") + "." + (m.group("frac") or "0"))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise MoneyError(f"{what}“{shown}”不是有效金额") from None
        negative = m.group("sign") == "-"
    if negative and not allow_negative:
        raise MoneyError(f"{what}不能为负数（填写的是 {shown.strip()}）")
    if negative and value == 0:
        raise MoneyError(f"{what}“{shown.strip()}”无效：不能填写负零")
    if max(0, -value.normalize().as_tuple().exponent) > 2:
        raise MoneyError(f"{what}“{shown.strip()}”超过 2 位小数，金额最多精确到分")
    if abs(value) >= _LIMIT:
        raise MoneyError(f"{what}“{shown.strip()}”超出范围（金额须小于 1 亿亿元，DECIMAL(18,2)）")
    if value == 0 and not allow_zero:
        raise MoneyError(f"{what}“{shown.strip()}”无效：不能为 0")
    return value.quantize(CENT)
