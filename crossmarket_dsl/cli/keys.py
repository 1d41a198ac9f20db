"""`crossmarket keys new`: an office's signing key pair, and its public key in the trust file (art. 24)."""

from __future__ import annotations

from pathlib import Path

import click

from ..office.keys import new_key, trust
from .common import Commands


@click.group("keys", cls=Commands)
def keys_group():
    """Offices' signing keys: every record of the register is signed by the office that makes it."""


@keys_group.command("new")
@click.option("--office", required=True, help="the office the key belongs to, e.g. 内控合规部")
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="where to write the private key (never over an existing file); only the office keeps it")
@click.option("--trust", "trust_path", type=click.Path(dir_okay=False, path_type=Path),
              help="also list the office's public key in this trust file (made when missing)")
def new_command(office, key_path, trust_path):
    """A new Ed25519 key pair for an office. The private key goes to `--key`; the public key is printed,
    and with `--trust` added to head office's trust file, against which `register verify` checks signatures.
    """
    key = new_key(office, key_path)
    click.echo(f"wrote the signing key of {key.office} to {key_path}; public key {key.public_hex}")
    if trust_path is not None:
        trust(trust_path, key)
        click.echo(f"listed {key.office}'s public key in {trust_path}")
