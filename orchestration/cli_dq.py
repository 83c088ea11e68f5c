"""``jixiao dq …`` and ``jixiao recollect``: data-quality checks (数据质量) and re-collection (重新采集).

Registered on the main app by ``register(app)`` (called from orchestration/cli.py)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the data-quality commands to the main ``jixiao`` app."""
