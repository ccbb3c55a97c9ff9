"""``anggaran consolidate``: many satker ledgers summed as of one date
(``anggaran.consolidate``).

``cli/main.py`` registers the command (``cli.add_command(consolidate)``) after it has
defined its helpers, so this module takes nothing from ``main`` when it is imported —
importing it first, or from ``main``, works either way — and uses ``main``'s output
helpers only when the command runs.
"""

import click

FORMATS = click.Choice(["table", "markdown", "csv", "json", "xlsx"])


@click.command("consolidate")
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--groups", metavar="FILE", help="CSV satker,group,group_name (e.g. a province) "
              "that puts each satker under its group; every satker of the sources must be in it.")
@click.option("--as-of", metavar="D", help="As-of date for every satker (default: today, capped "
              "at 31 Dec of the latest year with an event in any source).")
@click.option("--from", "period_start", metavar="F",
              help="Period start (default: 1st of the as-of month).")
@click.option("--known-at", metavar="T", help="Only events recorded at or before T (ISO 8601).")
@click.option("--by", type=click.Choice(["satker", "group", "jenis"]), default="satker",
              show_default=True, help="Rows: each satker under its group, the groups alone "
              "(needs --groups), or the jenis belanja of all the satker together.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format (xlsx needs --output FILE.xlsx).")
@click.option("--locale", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Number style for table/markdown/xlsx: id 1.500.000 and 99,42; "
                   "en 1,500,000 and 99.42.")
@click.option("--output", "-o", metavar="FILE",
              help="Write to FILE instead of printing (a .xlsx FILE needs --format xlsx).")
@click.option("--force", is_flag=True,
              help="Replace an existing --output file (never a ledger itself).")
@click.pass_context
def consolidate(ctx, sources, groups, as_of, period_start, known_at, by, fmt, locale, output,
                force):
    """Sum many satker as of one date: the total, each group, each satker.

    SOURCE is a ledger file or a postgresql:// database (every satker it holds); without
    SOURCE, every satker of the group option --db (a file is one satker). Every row has
    the report's figures plus Blokir, Komitmen and Pagu Tersedia. A source that cannot be
    opened is an error naming it, never a missing row; so is a satker given twice.

    \b
    Example:
      anggaran consolidate lumajang.db jember.db --as-of 2024-12-31
      anggaran consolidate kab/*.db --groups provinsi.csv --by group
      anggaran --db postgresql://kpu@db/anggaran consolidate --by jenis --format json
      anggaran consolidate kab/*.db --format xlsx --output konsolidasi.xlsx
    """
    from anggaran import outputs
    from anggaran.consolidate import consolidate as consolidated
    from anggaran.consolidate import is_url, sources_of

    from . import xlsx
    from .main import check_xlsx, db_path, emit, emit_listing, protect_of

    where = list(sources) or db_path(ctx)
    files = [s for s in ([where] if isinstance(where, str) else where) if not is_url(s)]
    if fmt == "xlsx":
        check_xlsx(fmt, output)
    if output:  # before any ledger is read: never onto a source, never an existing file
        protect = protect_of(ctx) + [p for f in files for p in outputs.ledger_files(f)]
        outputs.check_target(output, force, protect)
    result = consolidated(sources_of(where), as_of=as_of, period_start=period_start,
                          known_at=known_at, by=by, groups=groups)
    if fmt == "xlsx":
        emit(ctx, lambda path, *safety: xlsx.consolidate(result, path, locale, *safety), fmt,
             output, force)
    else:
        emit_listing(ctx, "consolidate", result, fmt, locale, output, force)
