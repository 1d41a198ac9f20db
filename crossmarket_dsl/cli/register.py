"""`crossmarket register …`: head office's filing register of branches' rules (art. 24)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import click

from ..core.errors import UserError
from ..io.jsonout import dumps, loads
from ..language.diagnostics import Diagnostic, Report, render_report_text
from ..language.pipeline import load
from ..language.source import SourceFile, Span
from ..office.keys import read_trust
from ..office.records import TAMPERED, sign_filing, unsigned_filings
from ..office.records import verify as verify_records
from ..office.pins import (Pin, check_pinned, checked_against, implemented, not_pinned, pinned_files, shipped_pin, shipped_pins,
                           shown, stamped)
from ..office.records import now, stamp
from ..office.register import Filing, draft_filing, open_register
from ..office.ruldiff import Side, rules_diff
from .check import WORKSPACE_OPTION, add_target_floor, ir_document
from .common import EXIT_INPUT, EXIT_USAGE, FORMAT_OPTION, Commands, print_report
from .diff import print_diff
from .signed import KEY_OPTION, REGISTER_OPTION, records_at, signer

RECORD_FIELDS = ("id", "kind", "branch", "month", "office", "made_by", "made_at", "public_key", "signature",
                 "prev_hash", "hash")
LISTED = ("id", "filed_at", "branch", "rules_name", "measure_name", "measure_version", "schema_name", "file",
          "filed_by", "status", "sha256", "measure_sha256", "schema_sha256", "prev_hash", "hash")


@click.group("register", cls=Commands)
def register_group():
    """Head office's register of filed rules (art. 24): who filed what, when, and whether it passed the schema.

    Records are append-only and hash-chained; `register verify` finds any record changed, removed or
    inserted outside crossmarket.
    """


@contextmanager
def opened(path: Path, create: bool = False):
    """The register at `path`, with its problems as the user reads them."""
    with open_register(path, create) as register:
        yield register


@register_group.command("init")
@click.option("--measure", type=click.Path(dir_okay=False, path_type=Path),
              help="head office's measure file (default: every measure shipped with crossmarket)")
@click.option("--schema", type=click.Path(dir_okay=False, path_type=Path),
              help="head office's schema (default: the one the measure names, found as `check` finds it)")
@click.option("--by", "pinned_by", required=True, help="who pins them for head office (recorded with the pin)")
@REGISTER_OPTION
def init_command(measure, schema, pinned_by, register_path):
    """Pin the measure and schema the register accepts: filings are checked against these texts only.

    Each measure name and version is pinned once, by the SHA-256 of its file and of its schema's; a new text
    of the measure is a new version. Without `--measure`, the measures shipped with crossmarket are pinned
    (a register nobody pinned accepts those, pinned at its first filing).
    """
    if not pinned_by.strip():
        raise click.BadParameter("give the name of the person pinning", param_hint="--by")
    if measure is None and schema is not None:
        raise click.BadParameter("name the measure the schema goes with (`--measure FILE`)", param_hint="--schema")
    pins = [_measure_pin(measure, schema)] if measure is not None else shipped_pins()
    with opened(register_path, create=True) as register:
        for pin in pins:
            pinned, stored = register.pin_once(stamped(pin, stamp(now()), pinned_by.strip()))
            _echo_pin(pinned, pin, stored)


def _measure_pin(measure: Path, schema: Path | None) -> Pin:
    compiled = load(measure, schema=schema)
    if compiled.program is not None and compiled.program.kind != "measure":
        raise UserError("F111", f"`{measure}` is a branch's rules, not head office's measure",
                        help="name head office's measure file (it starts with `measure`)", exit_status=EXIT_USAGE)
    if not compiled.ok:
        print_report(compiled.report, compiled.sources, "text")
        raise UserError("F117", f"`{measure}` has errors: a measure is pinned only when it passes `check`",
                        help=f"fix it and check it with `crossmarket check {measure}`")
    return checked_against(compiled)


def _echo_pin(pinned: Pin, wanted: Pin, stored: bool) -> None:
    name = f"`{pinned.measure_name}` version `{pinned.measure_version}`"
    if not pinned.same_texts(wanted):
        raise UserError("F117", f"the register already accepts {name} as {shown(pinned.measure_file)} (sha256 "
                                f"{pinned.measure_sha256[:16]}…) with the schema {shown(pinned.schema_file)}, pinned "
                                f"{pinned.pinned_at} by {pinned.pinned_by}; two measures of the same name and version "
                                "cannot both be head office's",
                        help="a changed measure is a new version: change `version` in its header and pin that")
    click.echo(f"{'pinned' if stored else 'already pinned'} {name}: measure {shown(pinned.measure_file)} sha256 "
               f"{pinned.measure_sha256}, schema {shown(pinned.schema_file)} sha256 {pinned.schema_sha256}")


@register_group.command("file")
@click.argument("rules", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", "filed_by", required=True, help="who files the rules (recorded with the filing)")
@click.option("--measure", type=click.Path(dir_okay=False, path_type=Path),
              help="the measure file: refused unless it is the very text the register pins (`register init`)")
@click.option("--schema", type=click.Path(dir_okay=False, path_type=Path),
              help="head office's schema: refused unless it is the very text the register pins")
@WORKSPACE_OPTION
@REGISTER_OPTION
@KEY_OPTION
def file_command(rules, filed_by, measure, schema, workspace, register_path, key_path):
    """File a branch's rules: check them fully against head office's pinned measure and schema, and record
    the filing, accepted or rejected, with the SHA-256 of the measure and schema it was checked against.

    Filing the same text again for the same branch stores nothing and names the earlier record.
    With `--workspace`, a literal target below target_ratio of the indicator the workspace gives rejects
    the filing (E412, art. 18). With `--key` (省分行's signing key) the filing is signed, so that `register verify --trust` vouches for it.
    Exits 1 when the rules are rejected.
    """
    key = signer(key_path, filed_by)[0] if key_path is not None else None
    if not filed_by.strip():
        raise click.BadParameter("give the name of the person filing", param_hint="--by")
    compiled = load(rules, measure=measure, schema=schema)
    if compiled.program is not None and compiled.program.kind == "measure":
        raise UserError("F111", f"`{rules}` is head office's measure, not a branch's rules",
                        help="the register records branches' implementing rules (art. 24)")
    compiled, checked, default = _against_pin(compiled, rules, register_path, overridden=(measure, schema) != (None, None))
    if workspace is not None:
        add_target_floor(compiled, workspace, filing=True)
    print_report(compiled.report, compiled.sources, "text")
    undecided = [d for d in compiled.report.diagnostics if d.code == "E515"]
    if undecided:  # unfinished rules are not a filing at all, not even a rejected one
        raise UserError("F115", f"`{rules}` still holds {len(undecided)} value(s) to decide (待定): nothing filed",
                        help="decide each value `check` lists with E515 and delete its `待定`, then file again")
    ir_json = dumps(ir_document(compiled)) if compiled.lowered is not None else None
    draft = draft_filing(compiled, filed_by.strip(), ir_json, checked)
    with opened(register_path, create=True) as register:
        record, stored = register.file(draft, checked, default)
    if key is not None and stored:
        with records_at(register_path) as records:
            sign_filing(records, record, key, filed_by.strip())
    if stored:
        click.echo(f"filed `{draft.file}` as record {record.id}: {record.status} ({_counts(record)})")
    else:
        click.echo(f"`{draft.file}` is already filed as record {record.id} ({record.status}, {record.filed_at} "
                   f"by {record.filed_by}); nothing stored")
    if not compiled.ok:
        raise click.exceptions.Exit(EXIT_INPUT)


def _against_pin(compiled, rules: Path, register_path: Path, overridden: bool):
    """The rules checked against head office's pinned measure and schema: `(compiled, checked, default)`.

    The pin is the register's for the measure the rules implement, else the shipped one (`default`, pinned
    at this filing). Rules that found another text of the measure (a copy beside them), or none at all, are
    checked again against the pinned files; a `--measure` or `--schema` of another text is refused (F116)."""
    checked = checked_against(compiled)
    key = checked.key if checked is not None else implemented(compiled.program)
    pin = _stored_pin(register_path, key) if key is not None else None
    default = shipped_pin(*key) if key is not None and pin is None else None
    pin = pin or default
    if pin is None and checked is not None:
        raise not_pinned(*checked.key)
    if pin is not None and not overridden and (checked is None or not pin.same_texts(checked)):
        measure_file, schema_file = pinned_files(pin)
        compiled = load(rules, measure=measure_file, schema=schema_file)
        checked = checked_against(compiled)
    if checked is None:
        return compiled, None, None  # no measure could be read for the file: filed as rejected, with the reason
    check_pinned(pin, checked)
    return compiled, checked, default


def _stored_pin(register_path: Path, key: tuple[str, str]) -> Pin | None:
    if not Path(register_path).exists():
        return None
    with opened(register_path, create=True) as register:  # another filer may be making it at this moment
        return register.pins().get(key)


def _counts(record: Filing) -> str:
    summary = record.summary
    return f"{summary['errors']} error{'s' if summary['errors'] != 1 else ''}, " \
           f"{summary['warnings']} warning{'s' if summary['warnings'] != 1 else ''}"


@register_group.command("list")
@click.option("--branch", help="only this branch's filings, e.g. 盘锦分行")
@click.option("--status", type=click.Choice(["accepted", "rejected"]), help="only accepted or only rejected filings")
@FORMAT_OPTION
@REGISTER_OPTION
def list_command(branch, status, output_format, register_path):
    """The filings, oldest first."""
    with opened(register_path) as register:
        records = register.records(branch=branch, status=status)
    if output_format == "json":
        click.echo(dumps({"register": str(register_path), "filings": [_listed(record) for record in records]}))
        return
    if not records:
        click.echo("no filings" + (" match" if branch or status else " yet"))
        return
    click.echo(f"{'#':>4}  {'filed (UTC)':<20}  {'status':<8}  {'sha256':<12}  branch, rules (file), filer")
    for r in records:
        problems = f", {_counts(r)}" if r.summary["errors"] else ""
        click.echo(f"{r.id:>4}  {r.filed_at:<20}  {r.status:<8}  {r.sha256[:12]}  {r.branch or '—'}, "
                   f"{r.rules_name or '—'} ({r.file}), by {r.filed_by}{problems}")


def _listed(record: Filing) -> dict:
    return {**{key: getattr(record, key) for key in LISTED}, **record.summary}


@register_group.command("show")
@click.argument("record_id", metavar="ID", type=int)
@click.option("--source", "part", flag_value="source", help="print the filed source text as it was filed")
@click.option("--ir", "part", flag_value="ir", help="print the compiled IR (with its source map) as filed")
@FORMAT_OPTION
@REGISTER_OPTION
def show_command(record_id, part, output_format, register_path):
    """One filing: who filed what and when, its status and diagnostics; or its source, or its IR."""
    with opened(register_path) as register:
        record = _record(register, record_id)
    if part == "source":
        click.echo(record.source, nl=False)
    elif part == "ir":
        if record.ir is None:
            raise UserError("F112", f"record {record_id} has no IR: the file did not compile",
                            help=f"`crossmarket register show {record_id}` shows why")
        click.echo(record.ir)
    elif output_format == "json":
        click.echo(dumps({**_listed(record), "diagnostics": json.loads(record.diagnostics)["diagnostics"]}))
    else:
        click.echo(_show_text(record))


def _record(register, record_id: int) -> Filing:
    record = register.get(record_id)
    if record is None:
        raise UserError("F113", f"there is no record {record_id} in `{register.path}`",
                        help="`crossmarket register list` shows the records")
    return record


def _show_text(record: Filing) -> str:
    lines = [f"record {record.id}",
             f"  branch    {record.branch or '—'}",
             f"  rules     {record.rules_name or '—'}",
             f"  measure   {record.measure_name or '—'} version {record.measure_version or '—'}, "
             f"sha256 {_hash_text(record.measure_sha256)}",
             f"  schema    {record.schema_name or '—'}, sha256 {_hash_text(record.schema_sha256)}",
             f"  file      {record.file}",
             f"  filed     {record.filed_at} by {record.filed_by}",
             f"  status    {record.status} ({_counts(record)})",
             f"  sha256    {record.sha256}",
             f"  hash      {record.hash}",
             f"  previous  {record.prev_hash}"]
    report = _stored_report(record)
    if report.diagnostics:
        lines += ["", render_report_text(report, {record.file: SourceFile(record.file, record.source)})]
    return "\n".join(lines)


def _hash_text(digest: str | None) -> str:
    return digest or "not recorded (filed before the register pinned head office's measure, or none was read)"


def _stored_report(record: Filing) -> Report:
    """The diagnostics filed with the record, to render them again against the filed source."""
    report = Report()
    for d in json.loads(record.diagnostics)["diagnostics"]:
        span = Span(d["file"], d["line"], d["column"], d["end_line"], d["end_column"])
        report.add(Diagnostic(d["code"], d["message"], span, d["help"], d["severity"]))
    return report


@register_group.command("diff")
@click.argument("old_id", metavar="ID1", type=int)
@click.argument("new_id", metavar="ID2", type=int)
@FORMAT_OPTION
@REGISTER_OPTION
def diff_command(old_id, new_id, output_format, register_path):
    """What changed between two filed versions, in the rules' terms, with source lines on both sides."""
    with opened(register_path) as register:
        records = [_record(register, record_id) for record_id in (old_id, new_id)]
    sides = [_side(record) for record in records]
    try:
        document = rules_diff(*sides)
    except (LookupError, TypeError, ValueError, AttributeError, ArithmeticError, RecursionError):
        unreadable = [record for record, side in zip(records, sides) if not _comparable(side)] or records
        raise _unreadable_ir(unreadable) from None
    print_diff(document, output_format)


def _comparable(side: Side) -> bool:
    """Whether a filed IR can be compared at all (with itself): to name the record a failed diff stumbled on."""
    try:
        rules_diff(side, side)
    except (LookupError, TypeError, ValueError, AttributeError, ArithmeticError, RecursionError):
        return False
    return True


def _unreadable_ir(records: list[Filing]) -> UserError:
    """F120: a filed IR that no crossmarket wrote, in a record whose hashes hold — rewritten with them, which
    `verify` alone cannot tell (IRs filed by earlier versions, without sections added since, are read)."""
    named = " and ".join(f"record {record.id}" for record in records)
    return UserError("F120", f"{named} {'holds' if len(records) == 1 else 'hold'} an IR crossmarket did not write: "
                             "changed by hand, with the hashes made to match",
                     help="restore the register from a backup; `crossmarket register verify --trust FILE` names the "
                          "filings whose head-office signature no longer holds")


def _side(record: Filing) -> Side:
    """A filed version as the diff sees it: its IR as filed, not recompiled against today's measure."""
    if record.ir is None:
        raise UserError("F112", f"record {record.id} has no IR to compare: the file did not compile",
                        help=f"`crossmarket register show {record.id}` shows why")
    ir = loads(record.ir)
    if ir.get("kind") != "rules" or not isinstance(ir.get("header"), dict):
        raise _unreadable_ir([record])
    source_map = ir.pop("source_map")
    return Side.from_source_map(ir, source_map, {"file": record.file, "record": record.id, "sha256": record.sha256,
                                                 "measure_sha256": record.measure_sha256,
                                                 "schema_sha256": record.schema_sha256})


@register_group.command("verify")
@click.option("--trust", "trust_path", type=click.Path(dir_okay=False, path_type=Path),
              help="head office's trust file of offices' public keys: every signature is checked against it")
@REGISTER_OPTION
def verify_command(trust_path, register_path):
    """Check the register: every record's text against its hash, the hash chains, and with `--trust`
    every signature (and that each record comes from the office entitled to make it).

    Exits 1 when the register was tampered with.
    """
    trusted = read_trust(trust_path) if trust_path is not None else None
    with opened(register_path) as register:
        count, problems = register.verify()
        head_id, head_hash = register.head()
        filings = register.intact()
    with records_at(register_path) as records:
        signed = records.all()
        if signed and trusted is None:
            raise UserError("K104", f"`{register_path}` holds {len(signed)} signed records, and their signatures "
                                    "are checked against head office's trust file", help="name it with `--trust FILE`",
                            exit_status=EXIT_USAGE)
        problems += verify_records(signed, records.head(), trusted)
    if trusted is not None:
        problems += unsigned_filings(filings, signed)
    for problem in problems:
        click.echo(f"error[{TAMPERED}]: {problem}", err=True)
    if problems:
        click.echo(f"`{register_path}` was changed outside crossmarket: {len(problems)} "
                   f"problem{'s' if len(problems) != 1 else ''}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT)
    if count or not signed:
        click.echo(f"ok: `{register_path}` is intact: {count} record{'s' if count != 1 else ''}, "
                   f"last record {head_id}, hash {head_hash}")
    else:
        click.echo(f"ok: `{register_path}` holds no filings")
    if signed:
        click.echo(f"ok: {len(signed)} signed record{'s' if len(signed) != 1 else ''} of the offices (art. 21, 23, "
                   f"24), last {signed[-1].id}, every signature by a key the trust file lists")


@register_group.command("records")
@click.option("--branch", help="only this branch's records, e.g. 盘锦分行")
@click.option("--month", help="only this month's records (YYYY-MM)")
@FORMAT_OPTION
@REGISTER_OPTION
def records_command(branch, month, output_format, register_path):
    """The offices' signed records (art. 21, 23, 24), oldest first: commitments, seals, samples with their
    revealed secrets, verdicts, objections and resolutions, approvals, signatures of filings.
    """
    with records_at(register_path) as records:
        found = [r for r in records.all() if branch in (None, r.branch) and month in (None, r.month)]
    if output_format == "json":
        click.echo(dumps({"register": str(register_path),
                          "records": [{**{key: getattr(r, key) for key in RECORD_FIELDS}, "facts": r.facts}
                                      for r in found]}))
        return
    if not found:
        click.echo("no signed records" + (" match" if branch or month else " yet"))
    for r in found:
        click.echo(f"{r.id:>4}  {r.made_at}  {r.title}（{r.kind}）  {r.office}，{r.made_by}  "
                   f"{r.branch or '—'} {r.month or ''}  {r.hash[:12]}")
