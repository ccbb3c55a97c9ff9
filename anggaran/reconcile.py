"""Reconciliation with the treasury (KPPN): a statement per code, or a list of SP2D.

Statement CSV: ``code,ceiling,realised`` (optional ``akun``, ``name``, ``balance``,
``locked``, ``blocked``, ``committed``), or the CSV that ``report --format csv`` writes (either
view), or the treasury report's own column names (``Kode``, ``Uraian``, ``Pagu Revisi``,
``Lock Pagu``, ``Blokir``, ``Komitmen``, ``Realisasi s.d. Periode``, ``Sisa Anggaran``) with
Indonesian number formats. Locked, blocked and committed are compared only when the
statement has their column (a blank cell compares nothing). A code implies its level: empty (or ``JUMLAH SELURUHNYA``, or
the satker code) is the total, ``CQ`` a program, ``CQ.6639`` a kegiatan, ``51`` a jenis
belanja, a code with an akun one line.

Each difference is ``{code, akun, field, statement, ledger, difference, kind}`` with
``difference = statement - ledger`` (None where one side has no figure). Kinds:
``mismatch``; ``missing_in_ledger`` / ``missing_in_statement`` (one difference per figure,
the missing side None); ``statement_inconsistent``: a statement row that is not the sum of
its children or whose balance is not ceiling - realised, with ``expected`` = what the
statement's own figures imply.
"""

import csv
import re

from . import codes, kinds
from .errors import AnggaranError
from .money import AmountFormatError, parse_bracketed

ALIASES = {
    "code": {"code", "kode", "kode kegiatan", "kegiatan"},
    "akun": {"akun", "kode akun"},
    "name": {"name", "uraian", "nama"},
    "ceiling": {"ceiling", "pagu revisi", "pagu"},
    "realised": {"realised", "realisasi s.d. periode", "realisasi sd periode", "realisasi s.d periode",
                 "realisasi", "s.d. periode"},
    "balance": {"balance", "sisa anggaran", "sisa"},
    "locked": {"locked", "lock pagu"},
    "blocked": {"blocked", "blokir"},
    "committed": {"committed", "komitmen"},
}
IGNORED = {"level", "realised_before", "realised_in_period", "absorption_pct", "available",
           "%", "persen", "periode lalu", "periode ini", "pagu tersedia"}
FIGURES = ("ceiling", "realised")  # every statement has them
OPTIONAL = ("locked", "blocked", "committed")  # compared where the statement has the column
COMPARED = FIGURES + OPTIONAL


def _header_key(text):
    """``Kode ↓`` -> ``kode``; ``Pagu_Revisi`` -> ``pagu revisi`` (case, spacing, symbols)."""
    if not text:
        return ""
    kept = "".join(c for c in text.lower().replace("_", " ") if c.isalnum() or c in " .%")
    return " ".join(kept.split())


def _map_header(header, wanted):
    mapping = {}
    for i, raw in enumerate(header):
        key = _header_key(raw)
        for field, names in wanted.items():
            if key in {_header_key(n) for n in names}:
                if field in mapping:
                    raise AnggaranError(f"the columns '{header[mapping[field]].strip()}' and "
                                        f"'{raw.strip()}' both mean {field}; keep one of them")
                mapping[field] = i
                break
        else:
            if key and key.replace(" ", "_") not in IGNORED and key not in IGNORED:
                raise AnggaranError(f"unknown statement column '{raw.strip()}'; accepted: "
                                    + ", ".join(sorted({n for v in wanted.values() for n in v})))
    return mapping


def _number(text, row, field, allow_negative=False):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_bracketed(text)
    except AmountFormatError:
        raise AnggaranError(f"statement row {row}: {field} '{text[:30]}' is not a whole-rupiah "
                            "amount") from None


def _open(path):
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise AnggaranError(f"no file {path}; check the path") from None
    except (IsADirectoryError, PermissionError) as e:
        raise AnggaranError(f"cannot read {path}: {e.strerror}") from None


def _xlsx_rows(path, needs):
    """The first sheet of an .xlsx statement or SP2D list as text cells, as a CSV saved
    from it would hold them: the header, then ``(row, cells)`` of each non-empty row
    (numbered as Excel numbers them, less the header's). A whole-number cell is its
    digits; any other number is its text, which the amount check then refuses."""
    from .importers import _open_workbook

    def text(value):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if hasattr(value, "isoformat"):
            return value.isoformat()[:10]
        return str(value)

    from .glp039 import _cell, formula_cells

    book = _open_workbook(path)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True) if book.worksheets else iter(())
        formulas = formula_cells(path, book.worksheets[0].title) if book.worksheets else set()

        def saved(n, values):  # a formula without a saved value reads as blank: refuse it
            for c, value in enumerate(values, start=1):
                if value is None and (n, c) in formulas:
                    raise AnggaranError(f"{path} cell {_cell(n, c)} holds a formula without a "
                                        "saved value; open the file in Excel and save it again")
            return values

        header = next(rows, None)
        if header is None:
            raise AnggaranError(f"{path} is empty; it needs the header {needs} and one row "
                                "per figure to compare")
        yield [text(c) for c in saved(1, header)]
        for n, cells in enumerate(rows, start=1):
            cells = [text(c) for c in saved(n + 1, cells)]
            if any(c.strip() for c in cells):
                yield n, cells
    finally:
        book.close()


def _rows(path, needs="code,ceiling,realised"):
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        yield from _xlsx_rows(path, needs)
        return
    f = _open(path)
    with f:
        try:
            first = f.readline()
            f.seek(0)
            reader = csv.reader(f, delimiter=";" if first.count(";") > first.count(",") else ",")
            header = next(reader, None)
            if header is None:
                raise AnggaranError(f"{path} is empty; it needs the header {needs} and one row "
                                    "per figure to compare")
            yield header
            for n, cells in enumerate(reader, start=1):
                if any(c.strip() for c in cells):
                    yield n, cells
        except UnicodeDecodeError:
            raise AnggaranError(f"{path} is not UTF-8 text; save it as CSV UTF-8") from None
        except csv.Error as e:
            raise AnggaranError(f"{path} cannot be read as CSV: {e}") from None


def read_statement(path, satker_code):
    """``{key: {"code", "akun", "level", "balance", *COMPARED}}`` from a statement (None
    where it has no figure)."""
    rows = _rows(path)
    header = next(rows)
    cols = _map_header(header, ALIASES)
    if "code" not in cols and "name" not in cols:
        raise AnggaranError("a statement needs a code column (code or Kode), or Uraian with the code first")
    for field in FIGURES:
        if field not in cols:
            raise AnggaranError(f"a statement needs a {field} column "
                                f"({' or '.join(sorted(ALIASES[field]))})")
    statement = {}
    for n, cells in rows:
        def get(field):
            if field not in cols or cols[field] >= len(cells):
                return ""
            value = cells[cols[field]].strip()
            return value[1:] if value.startswith("'") else value  # a defused spreadsheet cell

        code, akun = get("code"), get("akun") or None
        if "code" not in cols or (not code and get("name")):
            first = get("name").split(" ")[0] if get("name") else ""
            code = first if (codes.is_code(first) or first.isdigit()) else ""
            if not code and not get("name").upper().startswith("JUMLAH"):
                raise AnggaranError(f"statement row {n}: no code in '{get('name')[:40]}'")
        level, code, akun = _level(code, akun, satker_code, n)
        entry = {"code": code, "akun": akun, "level": level,
                 **{field: _number(get(field), n, field) for field in COMPARED + ("balance",)}}
        key = _key(level, code, akun)
        if key in statement:
            raise AnggaranError(f"statement row {n}: {code or 'the total'}"
                                f"{'/' + akun if akun else ''} appears twice")
        statement[key] = entry
    if not statement:
        raise AnggaranError(f"{path} has a header but no rows: nothing to compare")
    return statement


def _level(code, akun, satker_code, row):
    if "/" in code and akun is None:  # report --by akun writes lines as CODE/AKUN
        code, akun = code.split("/", 1)
        akun = akun or ""
    if code in ("", satker_code):
        return "total", "", None
    if akun is not None:
        if akun and not codes.is_akun(akun) or not codes.is_code(code) or codes.segments(code) < 2:
            raise AnggaranError(f"statement row {row}: '{code}/{akun}' is not a budget line like "
                                "CQ.6639/521211")
        return "akun", code, akun
    if re.fullmatch(r"[0-9]{2}", code) or code == codes.NO_JENIS:
        return "jenis", code, None
    if not codes.is_code(code):
        raise AnggaranError(f"statement row {row}: '{code[:30]}' is not a budget code like CQ.6639, "
                            "a jenis belanja like 52, or the satker code")
    n = codes.segments(code)
    return ("program" if n == 1 else "kegiatan" if n == 2 else "code"), code, None


def _key(level, code, akun):
    return (level, code, akun or "")


def ledger_rows(ledger, as_of, known_at):
    """The ledger's figures at every level a statement may name."""
    out = {}
    by_akun = ledger.report(as_of=as_of, known_at=known_at, by="akun")
    for r in by_akun["rows"]:
        if r["level"] == "akun":
            code, akun = r["code"].split("/")
            out[_key("akun", code, akun)] = r
            if codes.segments(code) > 2:
                agg = out.setdefault(_key("code", code, ""), dict.fromkeys(COMPARED, 0))
                for field in COMPARED:
                    agg[field] += r[field]
        else:
            out[_key(r["level"], r["code"], "")] = r
    for r in ledger.report(as_of=as_of, known_at=known_at, by="jenis")["rows"][1:]:
        out[_key("jenis", r["code"], "")] = r
    return by_akun, out


def _parent(key, present):
    """The statement row a row should sum into: the nearest enclosing row the statement
    has (an akun line into its deeper code, if listed, else its kegiatan; a deeper code
    into a shorter deeper code or its kegiatan)."""
    level, code, akun = key
    if level in ("program", "jenis"):
        return ("total", "", "")
    if level == "kegiatan":
        return ("program", codes.program_of(code), "")
    if level in ("akun", "code"):
        parts = code.split(".")
        start = len(parts) if level == "akun" else len(parts) - 1
        for n in range(start, 2, -1):
            candidate = ("code", ".".join(parts[:n]), "")
            if candidate in present:
                return candidate
        return ("kegiatan", codes.kegiatan_of(code), "")
    return None


def _diff(key, field, statement, ledger_value, kind, expected=None):
    level, code, akun = key
    d = {"code": code, "akun": akun or None, "field": field, "statement": statement,
         "ledger": ledger_value,
         "difference": None if statement is None or ledger_value is None else statement - ledger_value,
         "kind": kind}
    if expected is not None:
        d["expected"] = expected
    return d


def reconcile_statement(ledger, path, as_of=None, known_at=None):
    """Compare a treasury statement with the ledger; return the report and differences.
    SAKTI's GLP039 report is recognised by its sheet name or title (``glp039.read``)."""
    from . import glp039

    report = glp039.read(path)
    if report is not None:
        return reconcile_glp039(ledger, report, path, as_of, known_at)
    by_akun, mine = ledger_rows(ledger, as_of, known_at)
    theirs = read_statement(path, ledger.meta.get("satker"))
    diffs = []
    for key, row in theirs.items():
        if key not in mine:
            for field in FIGURES:
                if row[field] is not None:
                    diffs.append(_diff(key, field, row[field], None, "missing_in_ledger"))
            continue
        for field in COMPARED:
            if row[field] is not None and row[field] != mine[key][field]:
                diffs.append(_diff(key, field, row[field], mine[key][field], "mismatch"))
    levels = {key[0] for key in theirs}
    for key, row in mine.items():
        if key[0] in levels and key not in theirs and key[0] != "code":
            for field in FIGURES:
                diffs.append(_diff(key, field, None, row[field], "missing_in_statement"))
    diffs += _inconsistencies(theirs, mine)
    return {"as_of": by_akun["as_of"], "known_at": by_akun["known_at"], "differences": diffs}


def _inconsistencies(theirs, mine, fields=COMPARED):
    out = []
    children = {}
    # A total is the sum of programs if the statement has any, else of jenis rows.
    has_programs = any(k[0] == "program" for k in theirs)
    for key, row in theirs.items():
        parent = _parent(key, theirs)
        if parent is None or key[0] == "jenis" and has_programs:
            continue
        children.setdefault(parent, []).append(row)
    for key, row in theirs.items():
        for field in fields + ("balance",):
            kids = children.get(key)
            if kids and row[field] is not None and all(k[field] is not None for k in kids):
                total = sum(k[field] for k in kids)
                if total != row[field]:
                    out.append(_diff(key, field, row[field], mine.get(key, {}).get(field),
                                     "statement_inconsistent", expected=total))
        if None not in (row["balance"], row["ceiling"], row["realised"]):
            expected = row["ceiling"] - row["realised"]
            if row["balance"] != expected:
                ledger_balance = mine[key]["balance"] if key in mine and "balance" in mine[key] else None
                out.append(_diff(key, "balance", row["balance"], ledger_balance,
                                 "statement_inconsistent", expected=expected))
    return out


# ------------------------------------------------------------------ GLP039

GLP039_FIELDS = ("ceiling", "locked", "realised_before", "realised_in_period", "realised")


def _add(into, figures):
    for field, value in figures.items():
        if value is not None:
            into[field] = (into.get(field) or 0) + value


def _strict_prefixes(code):
    parts = code.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts))}


def reconcile_glp039(ledger, report, path, as_of=None, known_at=None):
    """Compare SAKTI's GLP039 report (``glp039.Report``) with the ledger as of its period
    end (``as_of`` overrides; the period start, for Periode Lalu / Ini, is the title's when
    it is in the as-of year, else the first of the as-of month).

    Every akun row is compared with the ledger's line of its akun at the longest code on
    its path that the ledger holds (the line ``CQ.6639``/521211 is the sum of the rows
    ``CQ.6639.QMA.001.051.A``/521211, ``CQ.6639.QMA.002.052.B``/521211, ...), or with the
    code-level line of such a code; every level row with the sum of the ledger's lines
    under it, unless the ledger holds lines above that level (then the level's rows are
    summed into those lines instead); the JUMLAH row with the satker total. Each row must
    be the sum of its children, have pagu - realisasi = sisa and periode lalu + periode
    ini = s.d. periode (else ``statement_inconsistent``)."""
    from .reports import parse_date

    satker = ledger.meta.get("satker")
    if report.satker and satker and report.satker != satker:
        raise AnggaranError(f"{path} is the GLP039 report of satker {report.satker}, and this "
                            f"ledger is satker {satker}; reconcile it with that satker's ledger")
    start = report.period_start
    if as_of is None:
        if report.period_end is None:
            raise AnggaranError(f"{path} names no period in its title (PERIODE ...); give the "
                                "report's period end with --as-of")
        as_of = report.period_end
    else:
        as_of = parse_date(as_of, "--as-of")
        if start is None or start[:4] != as_of[:4] or start > as_of:
            start = None
    rep = ledger.report(as_of=as_of, period_start=start, known_at=known_at, by="akun")
    lines, mine = {}, {}
    for r in rep["rows"]:
        if r["level"] == "akun":
            code, akun = r["code"].split("/")
            lines[(code, akun)] = r
        else:
            mine[_key(r["level"], r["code"], "")] = r
    sums = {}  # every code on a line's path (three segments or more) -> its lines' sum
    for (code, _akun), r in lines.items():
        parts = code.split(".")
        for n in range(3, len(parts) + 1):
            _add(sums.setdefault(".".join(parts[:n]), {}),
                 {f: r[f] for f in GLP039_FIELDS + ("balance",)})
    for code, figures in sums.items():
        mine[_key("code", code, "")] = figures
    line_codes = {code for code, _ in lines}

    theirs, diffs = {}, []
    mapped, covered = {}, set()
    for row in report.rows:
        key = _key(row.level, row.code, row.akun)
        figures = {f: row.figures[f] for f in GLP039_FIELDS + ("balance",)}
        if row.level == "akun":
            _add(theirs.setdefault(key, {"code": row.code, "akun": row.akun, "level": "akun",
                                         **dict.fromkeys(figures)}), figures)
            target = _line_of(row.code, row.akun, lines)
            if target is None:
                mapped.setdefault(("missing", key), {})
                _add(mapped[("missing", key)], figures)
            else:
                _add(mapped.setdefault(("line", target), {}), figures)
            continue
        if key in theirs:  # a JUMLAH row of a level that has its own row
            for field, value in figures.items():
                if value is not None and theirs[key][field] is not None and value != theirs[key][field]:
                    diffs.append(_diff(key, field, value, mine.get(key, {}).get(field),
                                       "statement_inconsistent", expected=theirs[key][field]))
            continue
        theirs[key] = {"code": row.code, "akun": None, "level": row.level, **figures}

    for key, row in theirs.items():  # the levels and the total
        level, code, _ = key
        if level == "akun":
            continue
        if line_codes & _strict_prefixes(code):
            continue  # the ledger holds lines above this level: compared as those lines
        if key not in mine:
            for field in FIGURES:
                if row[field] is not None:
                    diffs.append(_diff(key, field, row[field], None, "missing_in_ledger"))
            continue
        _compare(key, row, mine[key], diffs)
    for (what, target), figures in mapped.items():
        if what == "missing":
            for field in FIGURES:
                if figures.get(field) is not None:
                    diffs.append(_diff(target, field, figures[field], None, "missing_in_ledger"))
            continue
        covered.add(target)
        _compare(_key("akun", *target), figures, lines[target], diffs)
    levels = {key[0] for key in theirs}
    for key, row in mine.items():
        if key[0] in levels & {"program", "kegiatan"} and key not in theirs:
            for field in FIGURES:
                diffs.append(_diff(key, field, None, row[field], "missing_in_statement"))
    for line, row in lines.items():
        if line in covered or not line[1] and _key(_level_of(line[0]), line[0], "") in theirs:
            continue  # a code-level line is compared at its code's row
        for field in FIGURES:
            diffs.append(_diff(_key("akun", *line), field, None, row[field],
                               "missing_in_statement"))
    for key, row in theirs.items():
        parts = [row[f] for f in ("realised_before", "realised_in_period", "realised")]
        if None not in parts and parts[0] + parts[1] != parts[2]:
            diffs.append(_diff(key, "realised", parts[2], mine.get(key, {}).get("realised"),
                               "statement_inconsistent", expected=parts[0] + parts[1]))
    # A ledger line at a level's own code (``CQ.6639``/no akun, beside deeper lines) has no
    # row of its own: the level's row may hold it besides the sum of its children.
    own = {_key(_level_of(code), code, ""): r for (code, akun), r in lines.items() if not akun}
    diffs += [d for d in _inconsistencies(theirs, mine, GLP039_FIELDS)
              if not _holds_own_line(d, own)]
    return {"as_of": rep["as_of"], "known_at": rep["known_at"], "differences": diffs}


def _holds_own_line(diff, own):
    """Whether a row's children-sum difference is exactly the ledger's line at its code."""
    line = own.get(_key(_level_of(diff["code"]), diff["code"], "")) if diff["akun"] is None else None
    return (line is not None and diff["kind"] == "statement_inconsistent"
            and diff["statement"] == diff["expected"] + line[diff["field"]])


def _level_of(code):
    n = codes.segments(code)
    return "program" if n == 1 else "kegiatan" if n == 2 else "code"


def _line_of(code, akun, lines):
    """The ledger line an akun row of ``code`` counts on: ``(C, akun)`` or the code-level
    ``(C, "")`` for the longest C on the row's path that has one."""
    parts = code.split(".")
    for n in range(len(parts), 1, -1):
        c = ".".join(parts[:n])
        for line in ((c, akun), (c, "")):
            if line in lines:
                return line
    return None


def _compare(key, theirs, ours, diffs):
    for field in GLP039_FIELDS:
        if theirs.get(field) is not None and theirs[field] != ours[field]:
            diffs.append(_diff(key, field, theirs[field], ours[field], "mismatch"))


# ------------------------------------------------------------------ SP2D lists

SP2D_ALIASES = {
    "ref": {"ref", "nomor sp2d", "no sp2d", "no. sp2d", "nomor"},
    "date": {"date", "tanggal", "tanggal sp2d", "tgl sp2d"},
    "code": {"code", "kode", "kode kegiatan", "kegiatan"},
    "akun": {"akun"},
    "amount": {"amount", "nilai", "nilai sp2d", "jumlah"},
    "kind": {"kind", "jenis spm", "jenis sp2d", "peristiwa"},
}
# How the ledger's SP2Ds are named in a list's kind column (SAKTI's Jenis SPM).
KIND_NAMES = {"up": "UP", "tup": "TUP", **{p: kinds.PAYMENT_LABELS[p].upper() for p in kinds.PAYMENTS}}


def read_sp2d_list(path):
    """The treasury's SP2D list: ``({(year, number): {date, code, akun, amount[, kind]}},
    with_akun, with_kind)``. Columns ref, date, amount, and code except on UP/TUP rows; an
    optional ``kind`` (Jenis SPM: UP, TUP, LS, GUP, GUP Nihil, PTUP) makes UP and TUP SP2Ds
    part of the match; without it every row is an SP2D."""
    from .events import Event
    from .errors import RuleError

    rows = _rows(path, needs="ref,date,code,amount")
    cols = _map_header(next(rows), SP2D_ALIASES)
    for field in ("ref", "date", "amount") + (() if "kind" in cols else ("code",)):
        if field not in cols:
            raise AnggaranError(f"an SP2D list needs the columns ref,date,code,amount (missing "
                                f"{field}; code may be left out with a kind column holding UP/TUP)")
    listed = {}
    for n, cells in rows:
        raw = {"kind": "sp2d"}
        for field, i in cols.items():
            raw[field] = cells[i] if i < len(cells) else ""
        given = str(raw.get("kind") or "").strip()
        name = kinds.kind_name(given) if given else "sp2d"
        if name not in KIND_NAMES and name != "sp2d":
            raise AnggaranError(f"SP2D list row {n}: kind {given} is not an SP2D (use LS, GUP, "
                                "GUP Nihil, PTUP, UP or TUP)")
        label = KIND_NAMES["ls" if name == "sp2d" else name] if given and "kind" in cols else None
        raw["kind"] = name if name in ("up", "tup") else "sp2d"  # the list's own fields only
        if name == "up":
            raw.pop("code", None), raw.pop("akun", None)  # an SP2D UP names no line
        try:
            e = Event.parse(raw)
        except RuleError as err:
            raise AnggaranError(f"SP2D list row {n}: {err.what}") from None
        key = (e.year, e.ref)
        if key in listed:
            raise AnggaranError(f"SP2D list row {n}: SP2D {e.ref} of {e.year} is listed twice")
        if e.kind == "sp2d" and e.code is None:
            raise AnggaranError(f"SP2D list row {n}: SP2D {e.ref} has no code; only UP and TUP "
                                "rows may leave it empty")
        listed[key] = {"date": e.date, "code": e.code, "akun": e.akun, "amount": e.amount}
        if label is not None:  # a blank kind cell compares nothing
            listed[key]["kind"] = label
    if not listed:
        raise AnggaranError(f"{path} has a header but no SP2D: nothing to compare")
    return listed, "akun" in cols, "kind" in cols


def reconcile_sp2d(ledger, path, as_of=None, known_at=None):
    """Match SP2D by (year, number) with the treasury's list, as recorded (no corrections).

    With ``as_of``, only SP2D dated on or before it count, on both sides; with
    ``known_at``, only those the ledger had recorded by then."""
    from .reports import parse_date, resolve_known_at

    listed, with_akun, with_kind = read_sp2d_list(path)
    if as_of is not None:
        as_of = parse_date(as_of, "--as-of")
        listed = {k: v for k, v in listed.items() if v["date"] <= as_of}
    _, max_seq = resolve_known_at(ledger, known_at)
    years = sorted({y for y, _ in listed})
    mine = {}
    # SP2Ds through their index; with a kind column, the UP and TUP SP2Ds too (rule 6's).
    which = ["kind = 'sp2d'"] + (["ref IS NOT NULL AND kind <> 'sp2d' AND kind IN ('up', 'tup')"]
                                 if with_kind else [])
    for y in years:
        for kind_sql in which:
            for r in ledger.conn.execute(
                    f"SELECT year, ref, date, code, akun, amount, kind, payment FROM events WHERE "
                    f"year = ? AND {kind_sql} AND seq <= ? AND date <= ? AND NOT EXISTS (SELECT 1 "
                    "FROM events v WHERE v.voids = events.seq AND v.seq <= ?)",
                    (y, max_seq, as_of or "9999", max_seq)):
                mine[(r[0], r[1])] = {"date": r[2], "code": r[3], "akun": r[4], "amount": r[5]}
                if with_kind:
                    mine[(r[0], r[1])]["kind"] = KIND_NAMES[r[7] or "ls" if r[6] == "sp2d" else r[6]]
    fields = ("date", "code", "akun", "amount") if with_akun else ("date", "code", "amount")
    fields += ("kind",) if with_kind else ()
    diffs = []
    for key in sorted(set(listed) | set(mine)):
        ours, theirs = mine.get(key), listed.get(key)
        if ours is None:
            diffs.append({"ref": key[1], "kind": "missing_in_ledger", "fields": [],
                          "ledger": None, "statement": theirs})
        elif theirs is None:
            diffs.append({"ref": key[1], "kind": "missing_in_list", "fields": [],
                          "ledger": ours, "statement": None})
        else:
            changed = [f for f in fields if f in theirs and ours[f] != theirs[f]]
            if changed:
                diffs.append({"ref": key[1], "kind": "differs", "fields": changed,
                              "ledger": ours, "statement": theirs})
    return {"years": years, "differences": diffs}
