"""`jixiao --help` and every sub-command's help are Chinese: no English framework labels (issue 15)."""

from __future__ import annotations

import sys

import pytest
import typer

from orchestration import cli_errors
from orchestration.cli import app

ENGLISH = ("Usage", "Options", "Commands", "Arguments", "Show this message", "[default:", "[required]",
           "[OPTIONS]", "COMMAND [ARGS]")  # fmt: skip


def _paths(group=None, path=()) -> list[tuple[str, ...]]:
    group = group or typer.main.get_command(app)
    out = [path]
    for name, cmd in sorted(group.commands.items()):
        out += _paths(cmd, (*path, name)) if hasattr(cmd, "commands") else [(*path, name)]
    return out


PATHS = _paths()


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "jixiao" for p in PATHS])
def test_help_has_no_english_framework_labels(path, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["jixiao", *path, "--help"])
    with pytest.raises(SystemExit) as exit_:
        cli_errors.run_cli(typer.main.get_command(app))
    out = capsys.readouterr().out
    assert exit_.value.code in (0, None)
    assert out.lstrip().startswith("用法：jixiao"), out[:200]
    assert "显示本帮助并退出" in out
    assert [w for w in ENGLISH if w in out] == []
