"""The `crossmarket` command: one module a command, assembled here.

Exit codes (SPEC §5): 0 success, 1 the input has errors, 2 usage error or unreadable file.
"""

from __future__ import annotations

import gc
import os
import sys
from importlib import import_module

import click

from .. import __version__
from .common import Commands, guard

# name → (module of this package, command in it). A command's module is imported only when it runs (or when
# the help lists it): `check` does not load the engine, workbooks or the register.
COMMANDS = {
    "check": ("check", "check_command"),
    "compile": ("check", "compile_command"),
    "fmt": ("fmt", "fmt_command"),
    "evaluate": ("evaluate", "evaluate_command"),
    "explain": ("evaluate", "explain_command"),
    "test": ("test", "test_command"),
    "targets": ("targets", "targets_command"),
    "sample": ("sample", "sample_command"),
    "statement": ("statement", "statement_command"),
    "init": ("init", "init_command"),
    "diff": ("diff", "diff_command"),
    "coverage": ("coverage", "coverage_command"),
    "register": ("register", "register_group"),
    "keys": ("keys", "keys_group"),
    "audit": ("audit", "audit_group"),
    "objection": ("objection", "objection_group"),
    "approve": ("approve", "approve_command"),
    "lsp": ("lsp", "lsp_command"),
}


class LazyCommands(Commands):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        return getattr(import_module(f".{module}", __package__), attribute)


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="crossmarket")
def cli():
    """crossmarket — 公私联动交叉营销实施细则: write, check and run the rules as code."""


def main(argv=None) -> None:
    # A command runs once and exits: reference counting frees what it can, and the cyclic collector
    # would only rescan the million objects of a large evaluation again and again (seconds of it).
    gc.disable()
    code = guard(cli, argv)
    # Every file is written and closed by now; skip tearing down a million objects one by one
    # (a second or more after a large evaluation), as mypy does.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a closed pipe (`crossmarket … | head`): nothing left to say
            pass
    os._exit(code)
