"""Chinese labels for the ``jixiao`` help screens (命令行帮助中文化).

Typer (and the click it ships) print English framework labels: "Usage:", "Options", "Commands",
"Arguments", "[default: …]", "[required]", "Show this message and exit.". :func:`use_chinese_labels`
replaces each with its Chinese form; ``orchestration.cli`` calls it once, before building the app.
Option types in angle brackets (``<str>``, ``<path>``) are the program's notation and stay.
"""

from __future__ import annotations

from typer import rich_utils
from typer._click import decorators, formatting

HELP_OPTION_TEXT = "显示本帮助并退出"
LABELS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "子命令",
    "ERRORS_PANEL_TITLE": "错误",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEPRECATED_STRING": "（已弃用）",
    "ABORTED_TEXT": "已取消。",
    "RICH_HELP": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}
USAGE_PREFIX = "用法："
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "子命令 [参数]..."


def localise_command_tree(command) -> None:
    """Chinese usage placeholders on a built click command and all its sub-commands."""
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = SUBCOMMAND_METAVAR
    for sub in getattr(command, "commands", {}).values():
        localise_command_tree(sub)


def use_chinese_labels() -> None:
    """Patch typer's label constants, the usage prefix and the --help option's text (idempotent)."""
    for name, text in LABELS.items():
        setattr(rich_utils, name, text)
    if getattr(formatting.HelpFormatter.write_usage, "_jixiao", False):
        return
    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        original_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    write_usage._jixiao = True
    formatting.HelpFormatter.write_usage = write_usage
    original_help_option = decorators.help_option

    def help_option(*param_decls, **kwargs):
        decorate = original_help_option(*param_decls, **kwargs)

        def apply(command):
            command = decorate(command)
            params = getattr(command, "params", None) or getattr(command, "__click_params__", [])
            if params:
                params[-1].help = HELP_OPTION_TEXT
            return command

        return apply

    decorators.help_option = help_option
