"""The README's walk-throughs run as written: every ```sh block, in order, in one fresh copy of the repository.

A reader types the README's commands one after another in a checkout; so does this test, with bash, in a
temporary copy of the working tree's tracked files and this checkout's `crossmarket` first on PATH. The
quick start's install commands are not re-run (the package under test is already importable): only what
follows their `&&` runs, and the test-suite command is left out, since it would run this test again.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .tools import required_tool

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
INSTALL = re.compile(r"^python3 -m pip install -e \S+ && ")
TEST_SUITE = "python3 -m pytest"
SHIM = '#!/bin/sh\nexec "{python}" -m crossmarket_dsl "$@"\n'


def sh_blocks(text: str) -> list[tuple[str, str]]:
    """The README's ```sh blocks in order, each with the heading of its section."""
    blocks, heading = [], "README"
    for match in re.finditer(r"^## ([^\n]+)$|^```sh\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL):
        heading = match.group(1) or heading
        if match.group(2) is not None:
            blocks.append((heading, match.group(2)))
    return blocks


def commands(block: str) -> list[str]:
    """A block's command lines: comments dropped, `\\` continuations joined, the quick start's install and
    the test suite's own command left out."""
    lines, pending = [], ""
    for raw in block.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    stripped = [INSTALL.sub("", line) for line in lines]
    return [line for line in stripped if line != TEST_SUITE]


def tracked_copy(destination: Path) -> None:
    """The working tree's tracked files (as they are now, not as committed) copied under `destination`;
    a tracked link stays a link (head office's packaged files link to `policies/` and `schemas/`)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source, target = ROOT / name, destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        elif source.is_file():
            shutil.copy2(source, target)


def shim_bin(folder: Path) -> Path:
    """A `crossmarket` that runs this checkout's package with this Python."""
    folder.mkdir()
    script = folder / "crossmarket"
    script.write_text(SHIM.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    return folder


def test_readme_blocks_run_in_order(tmp_path):
    required_tool("git", "git")
    required_tool("bash", "bash")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the README's walk-throughs are run on the repository's tracked files")
    checkout = tmp_path / "checkout"
    tracked_copy(checkout)
    env = dict(os.environ,
               PATH=f"{shim_bin(tmp_path / 'bin')}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    blocks = sh_blocks(README.read_text(encoding="utf-8"))
    ran = 0
    for number, (heading, block) in enumerate(blocks, start=1):
        for line in commands(block):
            result = subprocess.run(["bash", "-c", line], cwd=checkout, env=env, capture_output=True, text=True)
            assert result.returncode == 0, (
                f"README block {number} ({heading}), exit {result.returncode}:\n$ {line}\n{result.stdout}{result.stderr}")
            ran += 1
    assert len(blocks) >= 4 and ran >= 20, f"only {ran} commands in {len(blocks)} blocks were found"
