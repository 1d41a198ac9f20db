"""Offices with keys, a trust file and a register under a test's folder; a month committed and sealed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crossmarket_dsl.core.errors import UserError

from .panjin_copy import run

COMMITTEE, CONTROL, RETAIL, HEAD = "公私联动交叉营销委员会", "内控合规部", "个人金融部", "省分行"


@dataclass
class Offices:
    folder: Path

    @property
    def register(self) -> Path:
        return self.folder / "register.sqlite"

    @property
    def trust(self) -> Path:
        return self.folder / "trust.yaml"

    def key(self, office: str) -> Path:
        return self.folder / f"{office}.key"

    def secret(self, month: str) -> Path:
        return self.folder / f"secret-{month}.txt"

    def act(self, office: str, *args):
        """Run a command that makes a record, signed by `office`, in this register."""
        return run(*args, "--key", self.key(office), "--by", f"{office}经办人", "--register", self.register)

    def commit(self, workspace, month: str, *more):
        return self.act(CONTROL, "audit", "commit", workspace, "--month", month, "--secret", self.secret(month), *more)

    def seal(self, workspace, month: str, *more):
        return self.act(COMMITTEE, "statement", workspace, "--month", month, "--seal", *more)

    def draw(self, workspace, month: str, *more):
        return self.act(CONTROL, "sample", workspace, "--month", month, "--secret", self.secret(month), *more)

    def sealed(self, workspace, month: str, *draw_options, by_points: bool = False):
        """Commit, seal and draw the month; the result of the draw."""
        commit_options = ["--by-points"] if by_points else []
        for result in (self.commit(workspace, month, *commit_options), self.seal(workspace, month)):
            assert result.exit_code == 0, result.output
        result = self.draw(workspace, month, *draw_options)
        assert result.exit_code == 0, result.output
        return result


def offices(folder: Path) -> Offices:
    folder.mkdir(parents=True, exist_ok=True)
    made = Offices(folder)
    for office in (COMMITTEE, CONTROL, RETAIL, HEAD):
        result = run("keys", "new", "--office", office, "--key", made.key(office), "--trust", made.trust)
        assert result.exit_code == 0, result.output
    return made


def refused(result, code: str) -> str:
    """The message of a refusal with `code`, as the command printed it; fails on anything else."""
    assert result.exit_code != 0, result.output
    error = result.exception
    if isinstance(error, UserError):  # raised past the command (the guard prints it)
        assert error.code == code, f"{error.code}: {error.message}"
        return error.message
    assert f"error[{code}]" in result.output, result.output
    return result.output
