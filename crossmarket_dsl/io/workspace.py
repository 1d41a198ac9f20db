"""`workspace.yaml` (SPEC §6): the rules file, the tables and the period of one evaluation.

```yaml
rules: ../../policies/branches/panjin.xm      # paths are relative to the workspace folder
tables: {deals: deals.csv, clients: clients.xlsx#客户}
period: {from: 2026-01-01, to: 2026-12-31}    # optional: the rules' effective period otherwise
columns: {deals: {流水号: deal_id}}            # optional: headers of the branch's own, by table
engine: duckdb                                 # optional: what runs the rows when `--engine` is not given
spark_remote: sc://spark.example.com:15002     # optional: where `--engine spark` runs, unless said otherwise
```
Errors point at the line of `workspace.yaml` they are about.
"""

from __future__ import annotations

import codecs
import difflib
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ..core.errors import EXIT_INPUT, EXIT_USAGE, UserError
from ..semantics.values import to_date
from . import ENGINE_NAMES
from .tables import ENCODING_HELP, similar_file, split_sheet

FILE_NAME = "workspace.yaml"
TABLE_ROLES = ("deals", "clients", "target_list", "projects", "indicators", "audit")
REQUIRED_ROLES = ("deals", "clients")
KEYS = ("rules", "tables", "period", "measure", "schema", "encoding", "columns", "engine", "spark_remote")
COLUMNS_EXAMPLE = "write it as `columns: {deals: {流水号: deal_id}}`: under each table, a header of yours and the column it is"
EXAMPLE = "e.g. `rules: rules.xm` and `tables: {deals: deals.csv, clients: clients.csv}`"
FILE_EXAMPLES = {
    "rules": "rules: ../../policies/branches/panjin.xm",
    "measure": "measure: ../../policies/measure/2026.xm",
    "schema": "schema: ../../schemas/head-office-2026.schema.json",
}
PERIOD_EXAMPLE = "write it as `period: {from: 2026-01-01, to: 2026-12-31}`"
_YAML_TOKENS = {  # PyYAML's token names, in words
    "'<stream end>'": "the end of the file",
    "'<block end>'": "the end of an indented block",
    "'<block mapping start>'": "an indented `key: value` block",
    "'<block sequence start>'": "an indented `- item` list",
}


class WorkspaceError(UserError):
    """A workspace that cannot be used.

    `missing` is set when a file or folder cannot be found or read (exit 2); otherwise `workspace.yaml`
    says something wrong (exit 1). The message names the file and line itself.
    """

    def __init__(self, code: str, message: str, help: str | None = None, *, missing: bool = False,
                 file: str | None = None, line: int | None = None):
        super().__init__(code, message, help=help, exit_status=EXIT_USAGE if missing else EXIT_INPUT)
        self.missing = missing
        self.line = line


@dataclass(frozen=True)
class Workspace:
    folder: Path
    file: Path
    rules: Path
    tables: dict[str, str]
    """role → path, with `#sheet` kept for an XLSX sheet; give it to `tables.read_table`."""
    period: tuple[date, date] | None = None
    measure: Path | None = None
    schema: Path | None = None
    encoding: str | None = None
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    """role → {header in the table: column name}, from `columns:`."""
    engine: str | None = None
    """The engine a run uses when the command line names none."""
    spark_remote: str | None = None
    """The Spark Connect server `--engine spark` runs on when neither `--spark-remote` nor SPARK_REMOTE names one."""


def load_workspace(workspace: str | os.PathLike, given: frozenset[str] = frozenset()) -> Workspace:
    """Load a workspace given as its folder or as its `workspace.yaml`. `given` names the entries the command
    line gives instead (`rules`, `measure`, `schema`, `tables.deals` …): the file's are not looked at."""
    file = _workspace_file(Path(workspace))
    text = _read(file)
    return _Reader(file, text, given).workspace()


def home_of(folder: Path) -> Path:
    """The folder a workspace's files must lie in: the repository it belongs to (the nearest folder above
    holding `.git` or `policies/`), else the workspace folder itself."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists() or (candidate / "policies").is_dir():
            return candidate
    return folder


SUFFIXES = {"rules": (".xm",), "measure": (".xm",), "schema": (".json",)}
"""What a file named in `workspace.yaml` must be: a message may quote a rules file's or a table's lines,
so nothing else (`rules: ../secrets.env`) is ever opened as one."""


def _workspace_file(path: Path) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        file = path / FILE_NAME
        if not file.is_file():
            raise WorkspaceError("S120", f"`{path}` has no `{FILE_NAME}`",
                                 f"a `{FILE_NAME}` names the rules file and the tables, {EXAMPLE}", missing=True)
        return file
    raise WorkspaceError("S121", f"`{path}` does not exist", "give the workspace folder or its `workspace.yaml`",
                         missing=True)


def _read(file: Path) -> str:
    try:
        return file.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise WorkspaceError("S122", f"`{file}` cannot be read ({(error.strerror or str(error)).lower()})",
                             missing=True, file=str(file)) from None
    except UnicodeDecodeError as error:
        raise WorkspaceError("S123", f"`{file}` is not UTF-8 text (byte {error.start + 1} cannot be decoded)",
                             "save it as UTF-8", missing=True, file=str(file)) from None


class AliasRefused(yaml.composer.ComposerError):
    """A YAML alias (`*name`). A few aliases of aliases expand to billions of values (1.4 KB took gigabytes),
    and nothing a workspace or a policy test says needs one."""


class TextDateLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` with dates kept as text (PyYAML raises on `2026-02-30`; `to_date` says no) and no
    aliases (`AliasRefused`)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise AliasRefused(None, None, "an alias (`*name`) repeats another value", self.peek_event().start_mark)
        return super().compose_node(parent, index)


ALIAS_HELP = "write the value out again where it is needed; aliases (`&name`, `*name`) are not read"


TextDateLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _option(key: tuple) -> str:
    """The command-line option that names a workspace file instead: `--rules FILE`, `--table deals=FILE`."""
    return f"--table {key[-1]}=FILE" if key[0] == "tables" else f"--{key[0]} FILE"


class _Reader:
    """Checks one parsed `workspace.yaml`, keeping its YAML nodes to say which line is wrong."""

    def __init__(self, file: Path, text: str, given: frozenset[str] = frozenset()):
        self.file = file
        self.folder = file.parent
        self.given = given
        self.node: yaml.Node | None = None  # until parsed, errors have only the parser's line
        self.data, self.node = self._parse(text)

    def _parse(self, text: str) -> tuple[object, yaml.Node | None]:
        try:
            loader = TextDateLoader(text)  # checks every character first
            try:
                node = loader.get_single_node()
                return (loader.construct_document(node) if node is not None else None), node
            finally:
                loader.dispose()
        except AliasRefused as error:
            raise self._error("S135", error.problem, ALIAS_HELP, line=error.problem_mark.line + 1) from None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            problem = error.problem or error.context or "it cannot be parsed"
            for token, words in _YAML_TOKENS.items():
                problem = problem.replace(token, words)
            raise self._error("S101", f"YAML syntax error: {problem}", "check the indentation and the `key: value` pairs",
                              line=mark.line + 1 if mark else None) from None
        except yaml.reader.ReaderError as error:  # a control character, e.g. pasted from another program
            raise self._error("S102", f"YAML syntax error: character U+{error.character:04X} is not allowed",
                              "delete it, or retype the line", line=text.count("\n", 0, error.position) + 1) from None

    def _error(self, code: str, message: str, help: str | None = None, *, key: tuple = (), line: int | None = None,
               missing: bool = False) -> WorkspaceError:
        line = line or self._line(key)
        where = f"`{self.file}` line {line}" if line else f"`{self.file}`"
        return WorkspaceError(code, f"{where}: {message}", help, missing=missing, file=str(self.file), line=line)

    def _line(self, key: tuple) -> int | None:
        """The line of the last key of `key` (a path of mapping keys), if there is one."""
        node, line = self.node, None
        for step in key:
            if not isinstance(node, yaml.MappingNode):
                return line
            found = [(k, v) for k, v in node.value if k.value == str(step)]
            if not found:
                return line
            line = found[0][0].start_mark.line + 1
            node = found[0][1]
        return line

    def workspace(self) -> Workspace:
        if not isinstance(self.data, dict):
            what = "the file is empty" if self.data is None else "the file is not a list of `key: value` settings"
            raise self._error("S103", f"{what}; it should name the rules file and the tables", EXAMPLE)
        self._check_keys(self.data, KEYS, ())
        if "rules" not in self.data:
            raise self._error("S104", "no `rules` file is named", f"add a line like `{FILE_EXAMPLES['rules']}`")
        return Workspace(
            folder=self.folder,
            file=self.file,
            rules=self._file(self.data["rules"], ("rules",)),
            tables=self._tables(),
            period=self._period(),
            measure=self._optional_file("measure"),
            schema=self._optional_file("schema"),
            encoding=self._encoding(),
            columns=self._columns(),
            engine=self._engine(),
            spark_remote=self._spark_remote(),
        )

    def _check_keys(self, mapping: dict, known: tuple[str, ...], where: tuple, what: str = "setting") -> None:
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
                guess = f"did you mean `{close[0]}`? " if close else ""
                raise self._error("S105", f"unknown {what} `{key}`",
                                  f"{guess}known: {', '.join(f'`{k}`' for k in known)}", key=(*where, key))

    def _file(self, value: object, key: tuple) -> Path:
        """A path relative to the workspace folder, which must be an existing file."""
        label = ".".join(map(str, key))
        if not isinstance(value, str) or not value.strip():
            example = FILE_EXAMPLES.get(key[-1], f"{key[-1]}: {key[-1]}.csv")
            raise self._error("S106", f"`{label}` should be a file path", f"e.g. `{example}`", key=key)
        path = Path(os.path.normpath(self.folder / value.strip()))
        if label in self.given:
            return path  # the command line names another file; this one is not opened
        self._confine(path, label, value, key)
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            nearby = None if path.is_dir() else similar_file(path)
            raise self._error("S107", f"`{label}` is `{value}`, but `{path}` {what}",
                              f"did you mean `{nearby}`?" if nearby else "paths are relative to the workspace folder",
                              key=key, missing=True)
        return path

    def _confine(self, path: Path, label: str, value: str, key: tuple) -> None:
        """S136: a path (followed through links) outside the workspace's home; S137: a rules, measure or schema
        file by its name's ending, before it is opened."""
        home = home_of(self.folder)
        if not path.resolve().is_relative_to(home):
            raise self._error("S136", f"`{label}` is `{value}`, which lies outside `{home}`",
                              "put the file in the workspace or its repository, or name it on the command line "
                              f"(`{_option(key)}`)", key=key)
        suffixes = SUFFIXES.get(key[-1])
        if suffixes and path.suffix.lower() not in suffixes:
            raise self._error("S137", f"`{label}` is `{value}`, which is not a {key[-1]} file (`{suffixes[0]}`)",
                              f"name the {key[-1]} file, e.g. `{FILE_EXAMPLES[key[-1]]}`", key=key)

    def _optional_file(self, name: str) -> Path | None:
        return self._file(self.data[name], (name,)) if name in self.data else None

    def _tables(self) -> dict[str, str]:
        tables = self.data.get("tables")
        if not isinstance(tables, dict):
            problem = "no `tables` are named" if tables is None else "`tables` should map table names to files"
            raise self._error("S108", problem, EXAMPLE, key=("tables",))
        self._check_keys(tables, TABLE_ROLES, ("tables",), "table")
        for role in REQUIRED_ROLES:
            if role not in tables:
                raise self._error("S109", f"no `{role}` table is named", f"add it under `tables:`, e.g. `{role}: {role}.csv`",
                                  key=("tables",))
        return {role: self._table_path(role, value) for role, value in tables.items()}

    def _table_path(self, role: str, value: object) -> str:
        file, sheet = split_sheet(value) if isinstance(value, str) else (value, None)
        path = str(self._file(file, ("tables", role)))
        return path if sheet is None else f"{path}#{sheet}"

    def _period(self) -> tuple[date, date] | None:
        period = self.data.get("period")
        if period is None:
            return None
        if not isinstance(period, dict):
            raise self._error("S110", "`period` should have a start and an end", PERIOD_EXAMPLE, key=("period",))
        self._check_keys(period, ("from", "to"), ("period",), "period bound")
        start, end = (self._period_date(period, bound) for bound in ("from", "to"))
        if start > end:
            raise self._error("S111", f"`period` starts on {start}, after it ends on {end}", PERIOD_EXAMPLE, key=("period",))
        return start, end

    def _period_date(self, period: dict, bound: str) -> date:
        if bound not in period:
            raise self._error("S112", f"`period` has no `{bound}` date", PERIOD_EXAMPLE, key=("period",))
        day = to_date(period[bound])
        if day is None:
            raise self._error("S113", f"`period.{bound}` is `{period[bound]}`, not a date",
                              "dates are written `2026-01-01`", key=("period", bound))
        return day

    def _encoding(self) -> str | None:
        encoding = self.data.get("encoding")
        if encoding is None:
            return None
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            raise self._error("S114", f"`encoding` is `{encoding}`, not a known encoding", ENCODING_HELP,
                              key=("encoding",)) from None
        return str(encoding)

    def _engine(self) -> str | None:
        engine = self.data.get("engine")
        if engine is None or engine in ENGINE_NAMES:
            return engine
        close = difflib.get_close_matches(str(engine), ENGINE_NAMES, n=1, cutoff=0.5)
        guess = f"did you mean `{close[0]}`? " if close else ""
        raise self._error("S140", f"`engine` is `{engine}`, which is not an engine",
                          f"{guess}write one of {', '.join(f'`{name}`' for name in ENGINE_NAMES)}", key=("engine",))

    def _spark_remote(self) -> str | None:
        address = self.data.get("spark_remote")
        if address is None:
            return None
        if not isinstance(address, str) or not address.strip().startswith("sc://"):
            raise self._error("S141", f"`spark_remote` is `{address}`, which is not the address of a Spark Connect "
                                      "server", "write it as `spark_remote: sc://host:port`, e.g. "
                                      "`spark_remote: sc://spark.example.com:15002`", key=("spark_remote",))
        return address.strip()

    def _columns(self) -> dict[str, dict[str, str]]:
        columns = self.data.get("columns")
        if columns is None:
            return {}
        if not isinstance(columns, dict):
            raise self._error("S115", "`columns` should map tables to their headers", COLUMNS_EXAMPLE, key=("columns",))
        self._check_keys(columns, TABLE_ROLES, ("columns",), "table")
        for role, mapping in columns.items():
            pairs = mapping.items() if isinstance(mapping, dict) else [(None, None)]
            if any(not isinstance(h, (str, int)) or not isinstance(c, str) or not c.strip() for h, c in pairs):
                raise self._error("S115", f"`columns.{role}` should map headers to column names", COLUMNS_EXAMPLE,
                                  key=("columns", role))
        return {role: {str(header).strip(): name.strip() for header, name in mapping.items()}
                for role, mapping in columns.items()}
