"""A static HTML page (数据质量报告) of the latest run per partition, in ``<data_dir>/dq/data_docs/``.

Rendered by this module rather than GX's Data Docs builder: the ephemeral GX context keeps no
validation store to build from, and the page must work offline with no external assets.
"""

from __future__ import annotations

import html
from pathlib import Path

from expectations.check import CATEGORY_ZH


def build_data_docs(con, partitions: list[str], out_dir: Path) -> Path:
    from expectations.store import latest_results

    out_dir.mkdir(parents=True, exist_ok=True)
    parts = [
        "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>数据质量报告</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}.f{background:#fdd}.w{background:#ffe9b3}"
        "</style><h1>数据质量报告</h1>",
    ]
    for p in partitions:
        df = latest_results(con, p)
        if df.empty:
            continue
        failed_error = int(((df.severity == "error") & ~df.passed).sum())
        parts.append(
            f"<h2>{html.escape(p)}（运行 {html.escape(str(df.run_id.iloc[0]))}）"
            f"{'：阻断' if failed_error else '：通过'}</h2><table><tr><th>检查</th><th>名称</th>"
            "<th>类别</th><th>级别</th><th>表</th><th>期望类型</th><th>观测值</th><th>阈值</th><th>结果</th>"
            "<th>不符样例</th></tr>"
        )
        for r in df.itertuples():
            cls = "" if r.passed else (" class='f'" if r.severity == "error" else " class='w'")
            cells = [
                r.check_id,
                r.check_name,
                CATEGORY_ZH.get(r.category, r.category),
                r.severity,
                f"{r.layer}.{r.system}.{r.table_name}",
                r.expectation_type,
                r.observed_value,
                r.threshold,
                "通过" if r.passed else "不通过",
                "" if r.passed else (r.failing_sample or "")[:300],
            ]
            parts.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    path = out_dir / "index.html"
    path.write_text("".join(parts) + "</html>", encoding="utf-8")
    return path
