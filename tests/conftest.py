"""Shared test setup: the `--update-goldens` switch, the golden-file helper and Hypothesis's profiles.

Property tests explore new examples on every developer's run; in CI (`CI` set) they are derandomized, so
that a landing is judged on the same examples every time and a failure there can be replayed exactly. The
long exploration is `fuzz/`'s. No test has a deadline: these machines are shared, and a slow example is
not a wrong one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture
def golden(request):
    """`golden(path, actual_text)`: compare with the golden file, or rewrite it under --update-goldens."""
    update = request.config.getoption("--update-goldens")

    def check(path: Path, actual: str) -> None:
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path.relative_to(ROOT)} is missing; run pytest --update-goldens")
            path.write_text(actual, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"output differs from {path.relative_to(ROOT)} (pytest --update-goldens rewrites it)"

    return check
