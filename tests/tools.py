"""Programs some tests look through, as a person would: a browser, a spreadsheet program, a PDF reader.

Without the program such a test is skipped and says why; under `CROSSMARKET_REQUIRE_TOOLS=1` (CI, which
installs them) it fails instead, so that CI never passes by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest


def required_tool(name: str, package: str) -> str:
    """The path of program `name`, or a skip (a failure in CI) naming the Debian package that has it."""
    path = shutil.which(name)
    if path is None:
        message = f"`{name}` is not installed (Debian package `{package}`)"
        if os.environ.get("CROSSMARKET_REQUIRE_TOOLS") == "1":
            pytest.fail(message + " and CROSSMARKET_REQUIRE_TOOLS=1")
        pytest.skip(message)
    return path
