"""Every file a command writes goes through `replacing`: written to a temporary file in the same folder,
then moved over the target, so a file is written whole or not at all."""

from __future__ import annotations

import io
import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from ..core.errors import EXIT_USAGE, UserError


@contextmanager
def replacing(path: str | os.PathLike) -> Iterator[io.BufferedWriter]:
    """An open binary file that replaces `path` only when the block finishes without an error."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies, as usual
    except OSError as error:  # a read-only folder, a file where a folder should be, a full disk
        raise cannot_write(target, error) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise cannot_write(target, error) from None
        raise


def output_folder(path: str | os.PathLike) -> Path:
    """The folder an `--out` names, made with its parents when missing."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file in the way, a read-only parent
        raise cannot_write(folder, error) from None
    return folder


def cannot_write(path: Path, error: OSError) -> UserError:
    return UserError("U103", f"`{path}` cannot be written ({(error.strerror or str(error)).lower()})",
                     help="choose a folder you can write to", exit_status=EXIT_USAGE)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with replacing(path) as handle:
        handle.write(data)


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


def refuse_overwriting(targets: Iterable[Path], inputs: Iterable[str | os.PathLike]) -> None:
    """Refuse, before anything is written, to write over a file the run reads (a ledger, the rules):
    `--out` pointed at the workspace itself would replace its `deals.csv` with the result's."""
    read = {Path(str(path).split("#", 1)[0]).resolve() for path in inputs}
    for target in targets:
        if Path(target).resolve() in read:
            raise UserError("U110", f"`{target}` is a file this command reads: writing the output there would "
                                    "replace it", help="write the output to another folder or file",
                            exit_status=EXIT_USAGE)
