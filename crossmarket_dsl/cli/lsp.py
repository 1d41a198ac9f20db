"""`crossmarket lsp`: the language server editors start."""

from __future__ import annotations

import click

from .check import MEASURE_OPTION, SCHEMA_OPTION


@click.command("lsp")
@MEASURE_OPTION
@SCHEMA_OPTION
def lsp_command(measure, schema):
    """A language server for editors, over stdio: errors as you type, the measure's articles on hover,
    names offered as you write, go to definition, formatting and quick fixes.

    Editors start it themselves (see the editor set-up in the documentation); it is not run by hand.
    """
    from ..editor.server import build_server  # pygls is loaded only when an editor starts the server

    build_server(measure, schema).start_io()
