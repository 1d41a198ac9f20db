"""What the commands that write signed records share: the register, the office's key, who acts."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from ..core.errors import EXIT_USAGE, UserError
from ..office.keys import read_key
from ..office.records import open_records
from ..office.register import DEFAULT_PATH

REGISTER_OPTION = click.option("--register", "register_path", type=click.Path(path_type=Path), default=DEFAULT_PATH,
                               show_default=True, help="the register file")
KEY_OPTION = click.option("--key", "key_path", type=click.Path(dir_okay=False, path_type=Path),
                          help="the office's signing key (`crossmarket keys new`)")
BY_OPTION = click.option("--by", "by", help="who acts for the office (recorded with the record)")


@contextmanager
def records_at(path: Path, create: bool = False):
    """The register's records, closed when done."""
    records = open_records(path, create)
    try:
        yield records
    finally:
        records.register.connection.close()


def signer(key_path: Path | None, by: str | None):
    """The key and the person for a record; both are required to make one."""
    if key_path is None:
        raise UserError("K106", "a record is signed by its office: name the office's key with `--key FILE`",
                        help="make a key with `crossmarket keys new --office NAME --key FILE`", exit_status=EXIT_USAGE)
    if not by or not by.strip():
        raise UserError("K105", "name the person acting for the office with `--by NAME`",
                        help="the register records who made each record", exit_status=EXIT_USAGE)
    return read_key(key_path), by.strip()
