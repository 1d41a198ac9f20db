"""Source files and spans: where every diagnostic and every IR node points back to."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..core.errors import EXIT_USAGE, UserError


@dataclass(frozen=True)
class Span:
    """A region of a source file; lines and columns are 1-based, columns count characters."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @staticmethod
    def whole_file(file: str) -> "Span":
        return Span(file, 1, 1, 1, 1)


@dataclass(frozen=True)
class SourceFile:
    """The text of one `.xm` file together with the name it is reported under."""

    name: str
    text: str

    @cached_property
    def lines(self) -> list[str]:
        """Split once: a file with a thousand diagnostics shows a thousand of its lines."""
        return self.text.splitlines()

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def end_span(self) -> Span:
        """A zero-width span at the very end of the file (for 'unexpected end of file')."""
        lines = self.text.splitlines() or [""]
        if self.text.endswith(("\n", "\r")):
            return Span(self.name, len(lines) + 1, 1, len(lines) + 1, 1)
        return Span(self.name, len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 1)


class UnreadableFile(UserError):
    """A file that cannot be read as UTF-8 text (exit 2)."""

    def __init__(self, code: str, message: str, help: str | None = None):
        super().__init__(code, message, help=help, exit_status=EXIT_USAGE)


def read_source(path: str | Path, display_name: str | None = None) -> SourceFile:
    """Read a rules file as UTF-8, saying plainly when it is missing, binary or in another encoding."""
    path = Path(path)
    name = display_name or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile("S130", f"{name}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFile("S131", f"{name}: is a folder, not a rules file") from None
    except OSError as exc:
        raise UnreadableFile("S132", f"{name}: cannot be read ({exc.strerror or exc})") from None
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))  # Windows Notepad's "Unicode"
    if b"\x00" in data and not utf16:
        raise UnreadableFile("S133", f"{name}: is a binary file, not a rules file")
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("S134", 
            f"{name}: is not UTF-8 text (byte {exc.start + 1} cannot be decoded); "
            "save it as UTF-8 and try again"
        ) from None
    # Line breaks of old Mac editors (a lone CR) are line breaks: read as one line, the file looked empty.
    return SourceFile(name, re.sub(r"\r(?!\n)", "\n", text))
