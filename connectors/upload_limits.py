"""Limits on an uploaded file (上传文件限制), checked before any parser sees it.

A 5 KB .xlsx whose one cell sits at XFD1048576, or a zip whose members inflate to gigabytes, must
be refused in well under a second, not end in a MemoryError. :func:`check_upload` reads only the
file size, the zip directory and the first bytes of each worksheet (its declared ``<dimension>``);
the readers then stream with read-only parsers and stop at the row and column limits (a
worksheet may omit or understate its dimension). Every refusal is a :class:`UploadRefused` with a
Chinese message saying which limit and how to change it.

The limits are settings (environment variables, checked when read):

| variable | meaning | default |
|---|---|---|
| JIXIAO_UPLOAD_MAX_BYTES | file size | 10 MB |
| JIXIAO_UPLOAD_MAX_UNCOMPRESSED_BYTES | total size of an .xlsx's members once unzipped | 100 MB |
| JIXIAO_UPLOAD_MAX_ROWS | rows of one sheet (header included) | 50,000 |
| JIXIAO_UPLOAD_MAX_COLUMNS | columns of one sheet | 200 |
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import range_boundaries

_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]+)\"")
_HEAD_BYTES = 4096  # the <dimension> element comes before <sheetData>
_MAX_MEMBERS = 1000


class UploadRefused(ValueError):
    """The file exceeds a limit or is not a well-formed container; the message is Chinese."""


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_rows: int = 50_000
    max_columns: int = 200


_ENV = {
    "max_bytes": "JIXIAO_UPLOAD_MAX_BYTES",
    "max_uncompressed_bytes": "JIXIAO_UPLOAD_MAX_UNCOMPRESSED_BYTES",
    "max_rows": "JIXIAO_UPLOAD_MAX_ROWS",
    "max_columns": "JIXIAO_UPLOAD_MAX_COLUMNS",
}


class UploadLimitsError(ValueError):
    """A limit variable is not a positive integer (Chinese message naming the variable)."""


def upload_limits() -> UploadLimits:
    """The limits in force: defaults, overridden by the ``JIXIAO_UPLOAD_MAX_*`` variables."""
    values = {}
    for field_name, var in _ENV.items():
        raw = os.environ.get(var)
        if raw is None or not raw.strip():
            continue
        text = raw.strip().replace("_", "")
        if not text.isdigit() or int(text) <= 0:
            raise UploadLimitsError(f"{var} 应为正整数，收到：{raw}")
        values[field_name] = int(text)
    return UploadLimits(**values)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} 字节"


def check_size(path: Path, limits: UploadLimits) -> int:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise UploadRefused(
            f"文件大小 {_mb(size)} 超过上限 {_mb(limits.max_bytes)}（{_ENV['max_bytes']}）；请只提交模板中的数据"
        )
    return size


def check_upload(path: Path | str, limits: UploadLimits | None = None) -> None:
    """Refuse ``path`` if it is too large, or (.xlsx/.xlsm) if its zip inflates beyond the limit or a
    worksheet declares more rows or columns than allowed. Reads no cell."""
    path = Path(path)
    limits = limits or upload_limits()
    check_size(path, limits)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > _MAX_MEMBERS:
                raise UploadRefused(f"Excel 文件内部包含 {len(members):,} 个部件，超过上限 {_MAX_MEMBERS}，不是正常的工作簿")
            total = sum(m.file_size for m in members)
            if total > limits.max_uncompressed_bytes:
                raise UploadRefused(
                    f"Excel 文件解压后共 {_mb(total)}，超过上限 {_mb(limits.max_uncompressed_bytes)}"
                    f"（{_ENV['max_uncompressed_bytes']}）；文件可能损坏或被构造（压缩炸弹），未读取其内容"
                )
            for m in members:
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                    with zf.open(m) as f:
                        head = f.read(_HEAD_BYTES)
                    _check_dimension(head, limits)
    except zipfile.BadZipFile:
        raise UploadRefused("无法作为 Excel（.xlsx）文件打开（不是有效的 zip 格式），请用 Excel 另存为 .xlsx 后重新提交") from None


def _check_dimension(head: bytes, limits: UploadLimits) -> None:
    m = _DIMENSION_RE.search(head)
    if not m:
        return  # no declared dimension: the streaming readers enforce the limits
    ref = m.group(1).decode("ascii", "replace")
    try:
        _, _, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return
    check_extent(max_row or 0, max_col or 0, limits, declared=ref)


def check_extent(rows: int, columns: int, limits: UploadLimits, *, sheet: str = "", declared: str = "") -> None:
    """Refuse a sheet of more than ``max_rows`` rows or ``max_columns`` columns."""
    where = f"工作表「{sheet}」" if sheet else "工作表"
    what = f"（声明的区域为 {declared}）" if declared else ""
    if rows > limits.max_rows:
        raise UploadRefused(
            f"{where}的行数 {rows:,} 超过上限 {limits.max_rows:,}{what}（{_ENV['max_rows']}）；"
            "请删除表格下方多余的内容（含格式）后重新提交"
        )
    if columns > limits.max_columns:
        raise UploadRefused(
            f"{where}的列数 {columns:,} 超过上限 {limits.max_columns:,}{what}（{_ENV['max_columns']}）；"
            "请删除表格右侧多余的内容（含格式）后重新提交"
        )
