"""The ``anggaran`` command line: a thin layer over ``anggaran.Ledger``.

Every command parses options, calls one library method and renders the result. Any
refusal becomes one ``Error: ...`` line on stderr: exit status 1 for refused input,
failed verification or differences found, 2 for usage errors. A traceback never reaches
the user.
"""

import os
import sqlite3
import sys

import click

from anggaran.errors import AnggaranError, UsageError, VerifyError

from . import render

FORMATS = click.Choice(["table", "markdown", "csv", "json"])
OUT_FORMATS = click.Choice(["table", "markdown", "csv", "json", "xlsx"])
LOCALES = click.Choice(["id", "en"])
BY = click.Choice(["program", "kegiatan", "akun", "jenis"])
VIEWS = click.Choice(["official", "funds"])


class Group(click.Group):
    """Maps the library's errors, and click's usage errors, to one ``Error:`` line and an
    exit status."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as e:
            if type(e).__name__ == "NoArgsIsHelpError":  # a bare `anggaran`: the help
                raise
            raise OneLineUsage(e) from None

    def parse_args(self, ctx, args):
        ctx.meta["anggaran.args"] = list(args)  # for group_option_after
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as e:
            group_option = next((p for p in self.params if e.option_name in p.opts), None)
            if group_option is None:
                raise OneLineUsage(e) from None
            _fail(group_option_after(group_option, e.option_name, ctx), 2)
        except click.UsageError as e:
            where = f"{ctx.command_path} {ctx.invoked_subcommand or ''}".strip()
            raise OneLineUsage(e, where) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except UsageError as e:
            _fail(e, 2)
        except AnggaranError as e:
            _fail(e, 1)
        except sqlite3.Error as e:
            _fail(f"the ledger file could not be used: {e}", 1)
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written", 1)
        except OSError as e:
            _fail(f"{e.strerror or e}: {e.filename or ''}".rstrip(": "), 1)
        except Exception as e:  # a bug: still one line, never a traceback
            _fail(f"internal error ({type(e).__name__}: {e}); please report it", 1)


class OneLineUsage(click.ClickException):
    """A usage error from click (a missing argument, a bad choice) as one ``Error:`` line
    that says where the help is, instead of click's usage block; exit status 2."""

    exit_code = 2

    def __init__(self, error, where="anggaran"):
        if error.ctx is not None:
            where = error.ctx.command_path
        super().__init__(f"{error.format_message()} (see '{where} --help')")

    def show(self, file=None):
        click.echo(f"Error: {one_line(self.format_message())}", err=True)


def group_option_after(param, option, ctx):
    """The message for a group option (``--db``) given after the command: where it goes."""
    given = ctx.meta.get("anggaran.args", [])
    at = given.index(option) if option in given else -1
    value = given[at + 1] if 0 <= at < len(given) - 1 else param.metavar
    return (f"{option} is an option of anggaran itself: give it before the command, as in: "
            f"anggaran {option} {value} {ctx.invoked_subcommand or 'COMMAND'}")


def _fail(message, status):
    click.echo(f"Error: {one_line(str(message))}", err=True)
    sys.exit(status)


def one_line(text):
    """Escape what would break the one-line error (newlines, control characters from a
    user's file echoed back in the message)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def db_path(ctx):
    """--db, else $ANGGARAN_DB, else ./anggaran.db."""
    return ctx.obj.get("db") or os.environ.get("ANGGARAN_DB") or "anggaran.db"


def witness_path(ctx):
    """--witness, else $ANGGARAN_WITNESS, else none."""
    return ctx.obj.get("witness") or os.environ.get("ANGGARAN_WITNESS") or None


def satker_of(ctx):
    """--satker, else $ANGGARAN_SATKER, else none (a database holding one satker)."""
    return ctx.obj.get("satker") or os.environ.get("ANGGARAN_SATKER") or None


def open_ledger(ctx, **options):
    from anggaran.ledger import Ledger
    ctx.obj["ledger_path"] = db_path(ctx)
    return Ledger.open(db_path(ctx), witness=witness_path(ctx), satker=satker_of(ctx), **options)


def protect_of(ctx):
    """The ledger files no output may replace: the --db ledger (or $ANGGARAN_DB, or
    ./anggaran.db) and the one the command opened."""
    from anggaran import outputs

    return outputs.ledger_files(db_path(ctx)) + outputs.ledger_files(ctx.obj.get("ledger_path"))


def output_options(f):
    """--output FILE and --force, for every command that can write its result to a file."""
    f = click.option("--force", is_flag=True,
                     help="Replace an existing --output file (never the ledger itself).")(f)
    return click.option("--output", "-o", metavar="FILE",
                        help="Write to FILE instead of printing (a .xlsx FILE needs "
                             "--format xlsx, where the command has it).")(f)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH", help="Ledger file, or a postgresql:// database (default: "
              "$ANGGARAN_DB, else ./anggaran.db).")
@click.option("--witness", metavar="FILE", help="Append every new chain head to FILE, kept outside "
              "the ledger (default: $ANGGARAN_WITNESS); 'verify' checks it.")
@click.option("--satker", "satker", metavar="KODE", help="The satker whose ledger a "
              "postgresql:// --db holds (default: $ANGGARAN_SATKER; needed only when it holds "
              "several).")
@click.version_option(package_name="anggaran", message="anggaran %(version)s")
@click.pass_context
def cli(ctx, db, witness, satker):
    """anggaran: a satker's budget as an append-only event log.

    \b
    Example:
      anggaran --db lumajang.db init --satker 657757 --name "KPU KABUPATEN LUMAJANG"
      anggaran demo
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    ctx.obj["witness"] = witness
    ctx.obj["satker"] = satker


@cli.command()
@click.option("--satker", required=True, help="Six-digit satker code, e.g. 657757.")
@click.option("--name", required=True, help="Satker name, e.g. \"KPU KABUPATEN LUMAJANG\".")
@click.pass_context
def init(ctx, satker, name):
    """Create a new, empty ledger file.

    \b
    Example:
      anggaran --db lumajang.db init --satker 657757 --name "KPU KABUPATEN LUMAJANG"
    """
    from anggaran import store
    from anggaran.ledger import Ledger
    path = db_path(ctx)
    Ledger.init(path, satker, name, witness=witness_path(ctx)).close()
    if store.is_url(path):
        from anggaran import pg
        path = pg.display(path)
    click.echo(f"Created ledger {path} for satker {satker} {name}")


class RecordCommand(click.Command):
    """``record``, whose help lists every kind (``anggaran.kinds.KINDS``) with what it does,
    the Indonesian names it may be typed as, and the options it needs and takes."""

    def format_help_text(self, ctx, formatter):
        import textwrap

        super().format_help_text(ctx, formatter)
        with formatter.section("Kinds (KIND, or its Indonesian name in brackets)"):
            pad = " " * formatter.current_indent
            for term, text in kind_help(self):
                # Never break an option such as --from-akun at its hyphen.
                formatter.write(textwrap.fill(f"{term}: {text}", max(formatter.width, 40),
                                              initial_indent=pad, subsequent_indent=pad + "    ",
                                              break_on_hyphens=False, break_long_words=False)
                                + "\n")


def kind_help(command):
    """``[(term, description)]`` per kind: its name and Indonesian names, its doc line,
    and its required and optional fields as this command's options, in their order."""
    from anggaran.kinds import ALIASES, KINDS, PAYMENT_LABELS

    order = [p.name for p in command.params]

    def options(fields):
        place = {f: order.index(f) if f in order else len(order) for f in fields}
        return " ".join("--" + f.replace("_", "-") for f in sorted(fields, key=lambda f: (place[f], f)))

    rows = []
    for kind, spec in KINDS.items():
        names = [a.replace("_", " ") for a, k in ALIASES.items() if k == kind]
        if kind == "sp2d":  # SAKTI's Jenis SPM: an sp2d paid that way
            names += [label for label in PAYMENT_LABELS.values()]
        term = kind + (f" ({', '.join(names)})" if names else "")
        text = f"{spec.doc}. Needs {options(spec.required)}"
        if spec.optional:
            text += f"; may have {options(spec.optional)}"
        rows.append((term, text + "."))
    return rows


@cli.command(cls=RecordCommand,
             context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("kind", metavar="KIND")
@click.option("--date", help="Effective date YYYY-MM-DD (also DD/MM/YYYY or DD-MM-YYYY).")
@click.option("--code", help="Budget code, e.g. CQ.6639.")
@click.option("--akun", help="Six-digit account, e.g. 521211.")
@click.option("--amount", help="Whole rupiah: 1500000, 1.500.000 or 'Rp 1.500.000,-' (revise and "
              "contract_change: a leading - lowers).")
@click.option("--ref", help="Document number: the SP2D number for sp2d, the DIPA or revision "
              "number for a ceiling change, the NTPN or SSPB number for a refund, the contract "
              "number for a contract.")
@click.option("--from-code", help="shift, correction: the code the money moves from.")
@click.option("--from-akun", help="shift, correction: the akun the money moves from.")
@click.option("--sp2d", help="correction, refund: the number of the original SP2D.")
@click.option("--to-year", help="carry_over: the year the money goes to (default: next year).")
@click.option("--grantor", help="grant: who gives the hibah.")
@click.option("--voids", metavar="SEQ", help="void: the seq of the event recorded in error.")
@click.option("--contract", metavar="NUMBER", help="sp2d: the contract it pays; contract_change, "
              "contract_close: the contract it changes or closes (its number, the --ref of "
              "the contract).")
@click.option("--signed", metavar="D", help="contract: the day it was signed (default: --date, "
              "the day it is registered).")
@click.option("--supplier", help="contract: the supplier (penyedia).")
@click.option("--end", metavar="D", help="contract: the day the work should end.")
@click.option("--payment", help="sp2d: how it was paid: LS (default), GUP, 'GUP Nihil' or PTUP.")
@click.option("--tup", metavar="NUMBER", help="sp2d with payment PTUP, tup_return: the SP2D "
                                              "number of the TUP it settles.")
@click.option("--bast-date", metavar="D", help="sp2d: the day the right to payment arose "
                                                 "(BAST/BAPP), not after the SP2D.")
@click.option("--revision", metavar="CODE", help="revise, shift: pok (the KPA's own POK "
                                                  "revision, default) or the three-digit DIPA "
                                                  "revision code, e.g. 211.")
@click.option("--month", metavar="YYYY-MM", help="plan (rpd): the month planned.")
@click.option("--jenis", metavar="JB", help="plan (rpd): the jenis belanja, two digits (51, 52, "
                                            "53, 57, …).")
@click.option("--name", help="Uraian to show for the code.")
@click.option("--note", help="Free text (void: why the event is cancelled).")
@click.pass_context
def record(ctx, kind, **fields):
    """Record one event (checked against every rule; nothing written if refused).

    KIND is one of the kinds below (any case; '-', '_' and spaces are the same); the
    options are the event's fields. An event identical to one already recorded is
    skipped.

    \b
    Examples:
      anggaran record pagu --date 2024-01-02 --code CQ.6639 --akun 521211 \\
          --amount 1.000.000.000 --ref DIPA-076.01.2.657757/2024
      anggaran record sp2d --date 2024-12-04 --code CQ.6639 --akun 521211 \\
          --amount "Rp 5.000.000" --ref 240122300000123
      anggaran record kontrak --date 2025-03-03 --code CQ.6639 --akun 521211 \\
          --amount 300.000.000 --ref 027/KPU-LMJ/2025 --supplier "CV Maju"
      anggaran record up --date 2025-01-10 --amount 50.000.000 --ref 250122300000001
      anggaran record gup --date 2025-02-10 --code CQ.6639 --akun 521211 \\
          --amount 20.000.000 --ref 250122300000002
      anggaran record void --date 2024-12-05 --voids 12 --note "entered twice"
    """
    if ctx.args:  # an option that is no field of any event: rule 1, like a bad CSV column
        from anggaran.errors import RuleError
        from anggaran.events import FIELDS
        extra = ctx.args[0]
        if extra.startswith("--"):
            raise RuleError(1, f"unknown field '{extra[2:].split('=')[0]}' (fields are: "
                               + ", ".join(FIELDS) + ")")
        raise UsageError(f"unexpected argument '{extra}'; give every field as an option, "
                         "e.g. --amount 1.500.000")
    with open_ledger(ctx) as ledger:
        result = ledger.record(kind, **fields)
    if not result.new:
        click.echo("Already recorded: an identical event is in the ledger; nothing written")
        return
    from anggaran.kinds import PAYMENT_LABELS, PAYMENTS, kind_name
    name = kind_name(kind)
    if name in PAYMENTS or fields.get("payment"):  # "gup": an SP2D paid by GUP
        name = f"sp2d ({PAYMENT_LABELS[kind_name(fields.get('payment') or name)]})"
    line = f"Recorded {name} as seq {result.head_seq} (head {result.head_hash[:16]}…)"
    if name == "carry_over":
        line += ": " + carried(kind, fields)
    click.echo(line)


def carried(kind, fields):
    """What a recorded carry-over moved: ``50.000.000 from CQ.6639/521211 to 2025``."""
    from anggaran.events import Event
    from anggaran.money import rupiah

    event = Event.parse({"kind": kind, **{k: v for k, v in fields.items() if v is not None}})
    to_year = event.to_year or int(event.date[:4]) + 1
    line = event.code + (f"/{event.akun}" if event.akun else "")
    return f"{rupiah(event.amount)} from {line} to {to_year}"


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--sheet", help="Worksheet of an .xlsx file (default: the first).")
@click.option("--year", type=int, help="RPD sheet: the year its months belong to.")
@click.option("--date", metavar="D", help="RPD sheet or POK: the DIPA or revision date (rule 11 "
                                          "judges the plans as of that day).")
@click.option("--ref", metavar="R", help="RPD sheet or POK: the DIPA or revision number.")
@click.option("--pok", "is_pok", is_flag=True,
              help="The file is a POK print (SAKTI's Form Cetak POK, in thousands of rupiah): "
                   "import the year's pagu, blokir and plans, dated --date, numbered --ref "
                   "(the DIPA's). A POK is recognised without --pok when --date and --ref "
                   "are given.")
@click.option("--level", type=click.Choice(["kegiatan", "ro", "akun", "full"]),
              help="POK: the line its amounts are summed into: kegiatan (CQ.6639, no akun), "
                   "akun (CQ.6639/akun, the default), ro (CQ.6639.QMA.001/akun) or full "
                   "(the whole path/akun).")
@click.pass_context
def import_(ctx, file, sheet, year, date, ref, is_pok, level):
    """Import events from a .csv, .xlsx or .jsonl file, all or nothing; re-importing is harmless.

    Column headers may be the field names or SAKTI's Indonesian ones (Nomor SP2D,
    Tanggal SP2D, Nilai SP2D, Kode Kegiatan, Akun, Uraian, ...); without a kind column
    every row is an SP2D.

    An RPD sheet (Halaman III DIPA: a jenis column and one column per month, Januari …
    Desember) is imported with --year, --date and --ref: each month cell is one plan.

    \b
    Example:
      anggaran import sp2d_desember.csv
      anggaran import omspan_desember.xlsx --sheet "SP2D"
      anggaran import rpd_2025.xlsx --year 2025 --date 2024-12-02 --ref DIPA-076.01.2.657757/2025
      anggaran import pok_2025.xlsx --pok --date 2025-01-02 --ref DIPA-076.01.2.657757/2025
    """
    pok = _pok_options(file, sheet, year, date, ref, is_pok, level)
    given = [o for o, v in (("--year", year), ("--date", date), ("--ref", ref)) if v is not None]
    if given and len(given) < 3 and pok is None:
        raise UsageError(f"an RPD sheet needs --year, --date and --ref together (got only "
                         f"{', '.join(given)})")
    plan = {"year": year, "date": date, "ref": ref} if given and pok is None else None
    with open_ledger(ctx) as ledger:
        progress = _progress(file)
        try:
            result = ledger.import_file(file, progress=progress, sheet=sheet, plan=plan, pok=pok)
        finally:
            if progress:
                click.echo("", err=True)
    line = f"{result.new} new, {result.skipped} already recorded (head seq {result.head_seq})"
    summary_rows = getattr(result, "summary_rows", 0)
    if summary_rows:
        line += f", {summary_rows} summary row{'s' if summary_rows != 1 else ''} skipped"
    click.echo(line)


def _pok_options(file, sheet, year, date, ref, is_pok, level):
    """``{"date", "ref", "level"}`` when the file is imported as a POK print: with --pok,
    or with --date and --ref but no --year when the .xlsx is one; else None."""
    if not is_pok and year is None and date and ref and file.lower().endswith(".xlsx"):
        from anggaran.pok import looks_like_pok

        try:
            is_pok = looks_like_pok(file, sheet)
        except (AnggaranError, OSError):
            is_pok = False  # the import itself says what is wrong with the file
    if not is_pok:
        if level is not None:
            raise UsageError("--level applies to a POK print (--pok)")
        return None
    if year is not None:
        raise UsageError("--year is for RPD sheets; a POK's year is the year of its --date")
    if not (date and ref):
        raise UsageError("a POK print needs --date (the DIPA date) and --ref (the DIPA number)")
    return {"date": date, "ref": ref, "level": level or "akun"}


def _progress(file):
    """A rows-read counter on stderr for large files when stderr is a terminal."""
    try:
        large = os.path.getsize(file) > 1_000_000
    except OSError:
        return None
    if not (large and sys.stderr.isatty()):
        return None
    return lambda n: click.echo(f"\r{n:,} rows read…", err=True, nl=False)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format; json and csv carry every field.")
@output_options
@click.pass_context
def log(ctx, fmt, output, force):
    """Show every event in seq order with its hash.

    \b
    Example:
      anggaran log --format json
    """
    with open_ledger(ctx) as ledger:
        text = render.log(ledger.log(), fmt)
    emit(ctx, text, fmt, output, force)


@cli.command()
@click.argument("dest", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace an existing DEST (never the ledger itself).")
@click.pass_context
def backup(ctx, dest, force):
    """Copy the ledger to DEST while it stays in use, then verify the copy.

    \b
    Example:
      anggaran backup backups/lumajang-2024-12-31.db
    """
    with open_ledger(ctx) as ledger:
        result = ledger.backup(dest, force=force)
    click.echo(f"Backed up {result.events} events to {dest}; the copy verifies "
               f"(head seq {result.head_seq} hash {result.head_hash})")


@cli.command()
@click.argument("source")
@click.argument("dest")
@click.option("--satker", "satker", metavar="KODE", help="The satker to copy from a SOURCE "
              "database holding several (as the group option --satker).")
@click.pass_context
def copy(ctx, source, dest, satker):
    """Copy one satker's ledger to another store (a file or a postgresql:// database),
    keeping every seq, time and hash; the copy is verified against SOURCE's head.

    DEST must be a new (or empty) file, or a database that does not hold that satker yet
    (--force never applies). With a SOURCE database holding several satker, --satker
    picks one.

    \b
    Example:
      anggaran copy lumajang.db postgresql://kpu@db.jatim/anggaran
      anggaran copy postgresql://kpu@db.jatim/anggaran lumajang-copy.db --satker 657757
    """
    from anggaran import ledger, pg, store

    result = ledger.copy(source, dest, satker=satker or satker_of(ctx))
    shown = pg.display(dest) if store.is_url(dest) else dest
    noun = "event" if result.events == 1 else "events"
    click.echo(f"Copied {result.events} {noun} to {shown}; the copy verifies "
               f"(head seq {result.head_seq} hash {result.head_hash})")


@cli.command()
@click.option("--head", metavar="HASH", help="A chain head exported earlier; it must still be in the chain.")
@click.option("--witness", "witness", metavar="FILE",
              help="A witness file (see the group option): every head in it must be in the chain.")
@click.pass_context
def verify(ctx, head, witness):
    """Recompute the hash chain, rules, projections and seals; check the file with SQLite.

    \b
    Example:
      anggaran verify --head 3f1a…   # the hash printed by an earlier verify
      anggaran --witness /mnt/usb/lumajang.witness record sp2d …   # keeps each new head
      anggaran verify --witness /mnt/usb/lumajang.witness
    """
    ledger = open_ledger(ctx, check_triggers=False)
    witness = witness or witness_path(ctx)
    with ledger:
        try:
            result = ledger.verify(head=head, witness=witness)
        except UsageError:
            raise
        except VerifyError as e:
            raise AnggaranError(f"verify failed: {e}") from None
    click.echo(f"OK: {result.events} event{'' if result.events == 1 else 's'}, chain intact; head seq {result.head_seq} "
               f"hash {result.head_hash}"
               + (f"; all {result.witnessed} heads in the witness {witness} are in the chain"
                  if witness else ""))


def check_xlsx(fmt, output):
    """--format xlsx needs --output FILE.xlsx: checked before anything is written (a
    --plot comes first otherwise)."""
    if fmt == "xlsx" and (not output or not output.lower().endswith(".xlsx")):
        raise UsageError("--format xlsx needs --output FILE.xlsx")


def emit(ctx, text_or_writer, fmt, output, force=False):
    """Print text, or write it (or an .xlsx workbook) to --output through a temporary file
    and a rename: an existing file or a link only with --force, the ledger never."""
    from anggaran import outputs

    protect = protect_of(ctx)
    if fmt == "xlsx":
        check_xlsx(fmt, output)
        text_or_writer(output, force, protect)
        click.echo(f"Wrote {output}")
    elif output:
        outputs.check_target(output, force, protect)  # the ledger's own refusal first
        if output.lower().endswith((".xlsx", ".xlsm", ".xls")):
            raise UsageError(f"--output {output} would hold {fmt} text, which Excel cannot open; "
                             "add --format xlsx (report, absorption) or name the file .csv or .txt")
        outputs.write_text(output, text_or_writer + "\n", force, protect)
        click.echo(f"Wrote {output}")
    else:
        click.echo(text_or_writer)


def report_options(f):
    f = output_options(f)
    f = click.option("--locale", type=LOCALES, default="id", show_default=True,
                     help="Number style for table/markdown/xlsx: id 1.500.000 and 99,42; "
                     "en 1,500,000 and 99.42.")(f)
    f = click.option("--format", "fmt", type=OUT_FORMATS, default="table", show_default=True,
                     help="Output format (xlsx needs --output FILE.xlsx).")(f)
    f = click.option("--by", type=BY, default="kegiatan", show_default=True,
                     help="Row level: programs, kegiatan, kegiatan with their akun lines, or "
                     "jenis belanja.")(f)
    f = click.option("--view", type=VIEWS, default="official", show_default=True,
                     help="Columns: the official realisation report, or funds: Pagu Revisi, "
                     "Blokir, Lock Pagu, Komitmen, Realisasi s.d. Periode, Pagu Tersedia "
                     "(json is the same in both).")(f)
    f = click.option("--known-at", metavar="T", help="Only events recorded at or before T (ISO 8601).")(f)
    return f


@cli.command()
@click.option("--as-of", metavar="D", help="As-of date (default: today, capped at the last year's 31 Dec).")
@click.option("--from", "period_start", metavar="F", help="Period start (default: 1st of the as-of month).")
@report_options
@click.option("--layout", type=click.Choice(["official", "glp039"]), default="official",
              show_default=True, help="xlsx only: glp039 writes the layout of SAKTI's GLP039 "
              "report (every level down to the akun), to lay beside the downloaded one.")
@click.pass_context
def report(ctx, as_of, period_start, known_at, by, view, fmt, locale, output, force, layout):
    """The SP2D realisation report (Laporan Realisasi SP2D) as of a date.

    --view funds shows instead what is left to commit or spend: Pagu Tersedia = ceiling
    - blokir - lock - komitmen (contracts' unpaid value) - realisation.

    When no budget event of the year is dated up to the as-of date, table and markdown
    say so in one line instead of a table of zeros (exit status 0); csv, json and xlsx
    keep their shape, with the total row of zeros.

    \b
    Example:
      anggaran report --as-of 2024-12-31 --from 2024-12-01
      anggaran report --as-of 2024-12-31 --by jenis --format markdown
      anggaran report --as-of 2024-12-31 --format xlsx --output realisasi.xlsx
      anggaran report --as-of 2025-06-30 --view funds
      anggaran report --as-of 2024-12-31 --format xlsx --layout glp039 --output glp039.xlsx
    """
    if layout == "glp039":
        if fmt != "xlsx" or view != "official" or by not in ("kegiatan", "akun"):
            raise UsageError("--layout glp039 needs --format xlsx, the official view and no "
                             "--by (it shows every level down to the akun)")
        by = "akun"
    with open_ledger(ctx) as ledger:
        rep = ledger.report(as_of=as_of, period_start=period_start, known_at=known_at, by=by)
        if fmt in ("table", "markdown") and render.is_empty(rep):
            from anggaran.reports import first_dates
            held = first_dates(ledger, rep["known_at"])
            return emit(ctx, render.nothing_to_report(rep, held), fmt, output, force)
    if layout == "glp039":
        from . import xlsx
        return emit(ctx, lambda path, *safety: xlsx.glp039(rep, path, locale, *safety), fmt,
                    output, force)
    emit_report(ctx, rep, fmt, locale, output, force, view)


def emit_listing(ctx, name, result, fmt, locale, output, force):
    """Print or write a command's result: ``cli.xlsx.<name>`` for --format xlsx, else the
    text of ``cli.render.<name>``."""
    if fmt == "xlsx":
        from . import xlsx
        writer = getattr(xlsx, name)
        emit(ctx, lambda path, *safety: writer(result, path, locale, *safety), fmt, output,
             force)
    else:
        emit(ctx, getattr(render, name)(result, fmt, locale), fmt, output, force)


def emit_report(ctx, rep, fmt, locale, output, force, view="official"):
    if fmt == "xlsx":
        from . import xlsx
        emit(ctx, lambda path, *safety: xlsx.report(rep, path, locale, *safety, view=view), fmt,
             output, force)
    else:
        emit(ctx, render.report(rep, fmt, locale, view=view), fmt, output, force)


def listing_options(as_of_help, formats=FORMATS):
    """--as-of, --known-at, --format, --locale and the output options of a listing
    (``history``, ``contracts``, ``bendahara``; ``formats``: with xlsx, OUT_FORMATS)."""
    def add(f):
        f = output_options(f)
        f = click.option("--locale", type=LOCALES, default="id", show_default=True,
                         help="Number style for table/markdown.")(f)
        f = click.option("--format", "fmt", type=formats, default="table", show_default=True,
                         help="Output format" + (" (xlsx needs --output FILE.xlsx)."
                                                 if formats is OUT_FORMATS else "."))(f)
        f = click.option("--known-at", metavar="T",
                         help="Only events recorded at or before T (ISO 8601).")(f)
        return click.option("--as-of", metavar="D", help=as_of_help)(f)
    return add


@cli.command()
@click.argument("code")
@click.option("--akun", help="One line of an akun-level code.")
@listing_options("Up to this date (default as for report).")
@click.pass_context
def history(ctx, code, akun, as_of, known_at, fmt, locale, output, force):
    """Every event that touched a code (or one line), with running figures.

    \b
    Example:
      anggaran history CQ.6639 --as-of 2024-12-31
    """
    with open_ledger(ctx) as ledger:
        hist = ledger.history(code, akun=akun, as_of=as_of, known_at=known_at)
    emit(ctx, render.history(hist, fmt, locale), fmt, output, force)


@cli.command()
@listing_options("As of this date (default as for report).")
@click.pass_context
def contracts(ctx, as_of, known_at, fmt, locale, output, force):
    """The contracts (kontrak) of the as-of year: value, paid, outstanding, status.

    Every contract registered by the as-of date, in contract-number order. Value is its
    amount with the addenda dated by then; paid, the SP2Ds naming it; outstanding, what
    is still committed (0 once it is closed: the close released the rest).

    \b
    Example:
      anggaran contracts --as-of 2025-06-30
      anggaran contracts --as-of 2025-06-30 --known-at 2025-07-05 --format json
    """
    with open_ledger(ctx) as ledger:
        result = ledger.contracts(as_of=as_of, known_at=known_at)
    emit(ctx, render.contracts(result, fmt, locale), fmt, output, force)


@cli.command()
@click.option("--year", type=int, help="Fiscal year (default: the as-of year).")
@click.option("--plot", metavar="FILE.png", help="Also draw plan and realisation per jenis, "
                                                 "with the 5 % band (needs matplotlib).")
@listing_options("Up to this date (default as for report; with --year, at most its 31 "
                 "December).", OUT_FORMATS)
@click.pass_context
def rpd(ctx, year, plot, as_of, known_at, fmt, locale, output, force):
    """The withdrawal plan (RPD, Halaman III DIPA) against realisation, by month and jenis.

    Each month up to the as-of date: the plan in force at its end, the net realisation of
    the month, the deviation (|realised - plan| / plan, at most 100 %), the month's
    deviation weighted by each jenis' share of (ceiling - blokir), and the average over
    January to the last full month (at most November), which the IKPA scores.

    \b
    Example:
      anggaran rpd --as-of 2025-06-30
      anggaran rpd --year 2025 --plot rpd.png
    """
    with open_ledger(ctx) as ledger:
        result = ledger.rpd(year=year, as_of=as_of, known_at=known_at)
    if plot:
        check_xlsx(fmt, output)
        from . import plot as plotting
        plotting.rpd(result, plot, locale, force, protect_of(ctx))
        click.echo(f"Wrote {plot}", err=True)
    emit_listing(ctx, "rpd", result, fmt, locale, output, force)


@cli.command()
@listing_options("As of this date (default as for report).", OUT_FORMATS)
@click.pass_context
def bendahara(ctx, as_of, known_at, fmt, locale, output, force):
    """The bendahara's advances: UP and each TUP, what is accounted for and what is left.

    UP: advanced (SP2D UP), accounted for (GUP and GUP nihil), returned (setoran), the
    outstanding (UP - GUP nihil - setoran: a GUP replenishes what it accounts for), the
    days since the last GUP, and the GUPs of each month. Each TUP with its PTUPs, setoran,
    due date (one month after it) and status. Warnings: a TUP overdue, UP not revolved for
    more than a month.

    \b
    Example:
      anggaran bendahara --as-of 2025-03-31
      anggaran bendahara --as-of 2025-03-31 --format xlsx --output bendahara.xlsx
    """
    with open_ledger(ctx) as ledger:
        result = ledger.bendahara(as_of=as_of, known_at=known_at)
    emit_listing(ctx, "bendahara", result, fmt, locale, output, force)


@cli.command()
@click.option("--rules", type=click.Path(dir_okay=False), metavar="FILE",
              help="A rule-set JSON file (default: the one shipped for the year, else the "
                   "latest earlier one).")
@click.option("--score", "scores", multiple=True, metavar="KEY=VALUE",
              help="What the ledger cannot know: capaian_output=N (0-100) or dispensasi=N "
                   "(the deduction); repeatable.")
@click.option("--what-if", "what_if", multiple=True, metavar="JB=AMOUNT@DATE",
              help="Count AMOUNT more realised on jenis JB on DATE (not after --as-of), e.g. "
                   "52=1.000.000.000@2025-09-30; repeatable; nothing is written.")
@listing_options("As of this date (default as for report).", OUT_FORMATS)
@click.pass_context
def ikpa(ctx, rules, scores, what_if, as_of, known_at, fmt, locale, output, force):
    """The IKPA self-assessment of the as-of year: each indicator, its trace, the total.

    Revisi DIPA, deviasi Halaman III DIPA, penyerapan, belanja kontraktual, penyelesaian
    tagihan and UP/TUP are computed from the ledger; capaian output and dispensasi SPM are
    given with --score. The total re-weights over the indicators assessed (konversi
    bobot) less the dispensasi deduction, with its band. A * marks a score that rests on a
    parameter the rule set marks unconfirmed.

    \b
    Example:
      anggaran ikpa --as-of 2025-06-30 --score capaian_output=95
      anggaran ikpa --as-of 2025-09-30 --what-if 52=1.000.000.000@2025-09-30
      anggaran ikpa --as-of 2025-06-30 --format xlsx --output ikpa.xlsx
    """
    with open_ledger(ctx) as ledger:
        result = ledger.ikpa(as_of=as_of, known_at=known_at, rules=rules, scores=scores,
                             what_if=what_if)
    emit_listing(ctx, "ikpa", result, fmt, locale, output, force)


@cli.command()
@click.option("--year", type=int, help="Fiscal year (default: the as-of year).")
@click.option("--targets", type=click.Path(dir_okay=False),
              help="CSV jenis,tw1,tw2,tw3,tw4 of quarterly targets in percent (20, 20.5, "
              "20,5 or 20%) (default: the targets shipped for the year, if any).")
@click.option("--known-at", metavar="T", help="Only events recorded at or before T (ISO 8601).")
@click.option("--format", "fmt", type=OUT_FORMATS, default="table", show_default=True,
              help="Output format (xlsx needs --output FILE.xlsx).")
@click.option("--locale", type=LOCALES, default="id", show_default=True,
              help="Number style for table/markdown/xlsx.")
@output_options
@click.option("--plot", metavar="FILE.png", help="Also draw the absorption curves (needs anggaran[plot]); "
              "--force replaces an existing one.")
@click.pass_context
def absorption(ctx, year, targets, known_at, fmt, locale, output, force, plot):
    """Cumulative absorption by month per jenis belanja against quarterly targets.

    Without --targets it uses the targets shipped for the year; for a year with none
    shipped (only 2024 is) it says so in one line on stderr and leaves the targets empty.

    \b
    Example:
      anggaran absorption --year 2024
      anggaran absorption --year 2024 --plot penyerapan.png
    """
    from anggaran.reports import read_targets
    table = None
    if targets:
        try:
            with open(targets, encoding="utf-8-sig", newline="") as f:
                table = read_targets(f)
        except (OSError, UnicodeDecodeError) as e:
            raise AnggaranError(f"cannot read targets file {targets}: {e}") from None
    with open_ledger(ctx) as ledger:
        result = ledger.absorption(year=year, targets=table, known_at=known_at)
    if result["note"]:
        click.echo(f"Note: {result['note']}", err=True)
    if plot:
        check_xlsx(fmt, output)
        from . import plot as plotting
        plotting.absorption(result, plot, locale, force, protect_of(ctx))
        click.echo(f"Wrote {plot}", err=True)  # stdout keeps the table (or CSV, JSON) alone
    emit_listing(ctx, "absorption", result, fmt, locale, output, force)


@cli.command()
@click.argument("statement", required=False, type=click.Path(dir_okay=False))
@click.option("--sp2d", "sp2d_list", metavar="LIST", type=click.Path(dir_okay=False),
              help="Treasury SP2D list (ref,date,code,amount[,akun]) to match by number.")
@click.option("--as-of", metavar="D", help="Compare as of this date (default as for report).")
@click.option("--known-at", metavar="T", help="Only events recorded at or before T (ISO 8601).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format of the differences.")
@click.option("--locale", type=LOCALES, default="id", show_default=True,
              help="Number style for the table.")
@click.pass_context
def reconcile(ctx, statement, sp2d_list, as_of, known_at, fmt, locale):
    """Compare the ledger with the treasury's statement or SP2D list; exit 1 on any difference.

    \b
    Examples:
      anggaran reconcile kppn_desember.csv --as-of 2024-12-31
      anggaran reconcile --sp2d kppn_sp2d_2024.csv
    """
    if (statement is None) == (sp2d_list is None):
        raise UsageError("give either a STATEMENT file or --sp2d LIST (one of them)")
    with open_ledger(ctx) as ledger:
        if sp2d_list:
            result = ledger.reconcile_sp2d(sp2d_list, as_of=as_of, known_at=known_at)
            click.echo(render.sp2d_differences(result, fmt, locale))
        else:
            result = ledger.reconcile(statement, as_of=as_of, known_at=known_at)
            click.echo(render.differences(result, fmt, locale))
    if result["differences"]:
        sys.exit(1)


@cli.command()
@click.option("--to", "to", required=True,
              type=click.Choice(["beancount", "hledger", "fiscal-data-package"]),
              help="Journal for Fava/bean-check, hledger/ledger, or an open fiscal data package.")
@click.argument("target", type=click.Path())
@click.option("--as-of", metavar="D", help="fiscal-data-package: figures as of D (default: 31 Dec of the latest year).")
@click.option("--force", is_flag=True, help="Replace an existing TARGET (never the ledger itself).")
@click.pass_context
def export(ctx, to, target, as_of, force):
    """Export the ledger as a plain-text accounting journal or a Fiscal Data Package.

    The account model, and how to open the journal in Fava, are described in
    docs/export.md in the source repository.

    \b
    Example:
      anggaran export --to beancount lumajang-2024.beancount && fava lumajang-2024.beancount
      anggaran export --to fiscal-data-package lumajang-2024/
    """
    with open_ledger(ctx) as ledger:
        n = ledger.export(to, target, as_of=as_of, force=force)
    what = ("row" if to == "fiscal-data-package" else "transaction") + ("" if n == 1 else "s")
    click.echo(f"Wrote {n} {what} to {target}")


def stdin_is_terminal():
    """Whether a person can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


@cli.command()
@click.argument("year")
@click.option("--statement", metavar="FILE", type=click.Path(dir_okay=False),
              help="Reconcile with this treasury statement as of 31 December first, and close "
              "only if nothing differs (as for 'reconcile').")
@click.option("--yes", is_flag=True, help="Close without asking (needed when not run on a "
              "terminal, e.g. in a script).")
@click.pass_context
def close(ctx, year, statement, yes):
    """Seal a fiscal year after reconciliation; its events are then refused (rule 9).

    Closing is permanent. On a terminal it first shows the year's totals and asks;
    answering no closes nothing (exit status 1). Elsewhere it needs --yes, else it
    closes nothing (exit status 2). Every refusal (a closed year, a standing lock, with
    --statement a difference) comes before the question.

    \b
    Example:
      anggaran close 2024 --statement kppn_2024.csv
      anggaran close 2024 --yes   # in a script
    """

    with open_ledger(ctx) as ledger:
        totals = ledger.year_totals(year, statement=statement)
        year = totals["year"]
        if not yes:
            if not stdin_is_terminal():
                raise UsageError(f"closing {year} is permanent; run it on a terminal to "
                                 "confirm, or add --yes")
            click.echo(render.close_totals(totals), err=True)
            if not click.confirm(f"Close {year}? This cannot be undone", default=False, err=True):
                click.echo(f"Not closed: {year} stays open; nothing was written", err=True)
                sys.exit(1)
        result = ledger.close_year(year, statement=statement)
    click.echo(f"Closed {year}: seal recorded as seq {result.head_seq} (head {result.head_hash})")


@cli.command()
@click.argument("number", metavar="[K]", required=False)
@click.option("--locale", type=LOCALES, default="id", show_default=True,
              help="Language: id (Bahasa Indonesia) or en (English).")
def rules(number, locale):
    """Print the budget rules a refusal names (rule K), or one of them.

    \b
    Example:
      anggaran rules
      anggaran rules 5 --locale en
    """
    from anggaran.reference import rules_text

    click.echo(rules_text(number, locale))


@cli.command()
@click.option("--as-of", metavar="D", default="2024-12-31", show_default=True,
              help="As-of date of the report.")
@click.option("--from", "period_start", metavar="F", default="2024-12-01", show_default=True,
              help="Period start.")
@report_options
@click.pass_context
def demo(ctx, as_of, period_start, known_at, by, view, fmt, locale, output, force):
    """Build the shipped Lumajang 2024 ledger and print its year-end report.

    The ledger is built in a temporary file, or in FILE when the group option --db FILE
    is given before the command (never in $ANGGARAN_DB or ./anggaran.db).

    \b
    Example:
      anggaran demo
      anggaran demo --by jenis --format json
      anggaran --db FILE demo   # keep the ledger in FILE
    """
    from anggaran.demo import build_demo
    explicit = ctx.obj.get("db")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="anggaran-demo-") as tmp:
        path = explicit or os.path.join(tmp, "lumajang-2024.db")
        with build_demo(path) as ledger:
            rep = ledger.report(as_of=as_of, period_start=period_start, known_at=known_at, by=by)
    emit_report(ctx, rep, fmt, locale, output, force, view)


from .consolidate_cmd import consolidate  # noqa: E402  (its module imports main's helpers)

cli.add_command(consolidate)


def main():
    cli(obj={})
