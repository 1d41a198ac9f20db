"""The one error type for anything a user can cause outside a rules file's diagnostics.

A `UserError` carries a registry code (`codes.py`), a lowercase message with user input in backticks,
advice for a help line, where it happened (a file, and a row or line and a column when known) and the
exit status of SPEC §5: 1 when the input has errors, 2 for a usage error or an unreadable file.
"""

from __future__ import annotations

EXIT_INPUT, EXIT_USAGE = 1, 2


class UserError(Exception):
    def __init__(self, code: str, message: str, *, help: str | None = None, file: str | None = None,
                 row: int | None = None, column: str | None = None, exit_status: int = EXIT_INPUT):
        super().__init__(message)
        self.code = code
        self.message = message
        self.help = help
        self.file = file
        self.row = row
        self.column = column
        self.exit_status = exit_status
