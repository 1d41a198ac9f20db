"""The `crossmarket` command: one module a command, assembled here.

Exit codes (SPEC §5): 0 success, 1 the input has errors, 2 usage error or unreadable file.
"""

from __future__ import annotations

import gc
import os
import sys

import click

from .. import __version__
from . import approve, audit, init, keys, objection, sample, statement, targets
from .check import check_command, compile_command
from .common import Commands, guard
from .diff import diff_command
from .evaluate import evaluate_command, explain_command
from .fmt import fmt_command
from .register import register_group
from .test import test_command

COMMANDS = [check_command, compile_command, fmt_command, evaluate_command, explain_command, test_command,
            targets.targets_command, sample.sample_command, statement.statement_command, init.init_command,
            diff_command, register_group, keys.keys_group, audit.audit_group, objection.objection_group,
            approve.approve_command]


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="crossmarket")
def cli():
    """crossmarket — 公私联动交叉营销实施细则: write, check and run the rules as code."""


for _command in COMMANDS:
    cli.add_command(_command)


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
