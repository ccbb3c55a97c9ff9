"""Rendering library results for people (table, markdown) and programs (csv, json).

Tables follow the official "Laporan Realisasi SP2D" columns. ``--locale`` changes only
the table and markdown forms: ``id`` writes 107.905.482.000 and 99,42; ``en`` writes
107,905,482,000 and 99.42. CSV and JSON always carry plain integers and a dot-decimal
percentage. CSV cells that a spreadsheet would run as a formula are defused.
"""

import csv
import io
import json
from decimal import Decimal
from typing import NamedTuple

from anggaran.kinds import PAYMENT_LABELS
from anggaran.money import format_money, format_percent
from anggaran.tabular import defuse

# Headers follow the official report whatever the locale; --locale changes number style only.
HEADERS = {"uraian": "Uraian", "ceiling": "Pagu Revisi", "locked": "Lock Pagu",
           "realised_before": "Periode Lalu", "realised_in_period": "Periode Ini",
           "realised": "s.d. Periode", "absorption_pct": "%", "balance": "Sisa Anggaran",
           "kode": "Kode", "title": "LAPORAN REALISASI SP2D TA {year}",
           "satker": "Satuan Kerja : {code} {name}",
           "period": "Periode {start} s.d. {as_of}", "known": "sebagaimana tercatat pada {known}",
           "part1": "Pagu dan sisa anggaran", "part2": "Realisasi TA {year}",
           # --view funds (Pagu Tersedia: what may still be committed or spent)
           "blocked": "Blokir", "committed": "Komitmen", "available": "Pagu Tersedia",
           "realised_total": "Realisasi s.d. Periode",
           "funds_title": "LAPORAN PAGU TERSEDIA TA {year}", "position": "Keadaan s.d. {as_of}",
           "funds_part1": "Pagu, blokir dan lock", "funds_part2": "Komitmen, realisasi dan pagu tersedia"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
MONEY = ("ceiling", "locked", "realised_before", "realised_in_period", "realised", "balance",
         "blocked", "committed", "available")
INDENT = {"total": 0, "program": 0, "jenis": 2, "kegiatan": 2, "akun": 4,
          "group": 0, "satker": 2}  # consolidate: a satker under its group (or the total)


def tabulate(*args, **kwargs):
    """tabulate, imported on first use (JSON and CSV output do not need it)."""
    from tabulate import tabulate as real
    return real(*args, **kwargs)


def simple_grid(rows, headers, aligns):
    """tabulate's "simple" layout, written directly: long tables (a busy line's history,
    a year's log) render in a fraction of the time. ``aligns``: "l" or "r" per column."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h) + 2] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values):
        return "  ".join(v.ljust(w) if a == "l" else v.rjust(w)
                         for v, w, a in zip(values, widths, aligns)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def terminal_width():
    """COLUMNS if set, else the terminal's width; written to a file or a pipe, unlimited
    (the full official layout), since the reader's width is unknown."""
    import os
    import sys

    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((80, 24)).columns
    return 10_000


# ------------------------------------------------------------------ shared

def to_json(value):
    return json.dumps(value, ensure_ascii=False, indent=None, default=_json_default)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def to_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([_csv_value(r.get(h)) for h in header])
    return out.getvalue().rstrip("\n")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return defuse(value)


# ------------------------------------------------------------------ report

REPORT_CSV = ("code", "level", "name", "ceiling", "locked", "realised_before",
              "realised_in_period", "realised", "absorption_pct", "balance", "available")


class View(NamedTuple):
    """The columns of one view of the report (``--view``): the one wide table, the two
    stacked tables of a narrow terminal (``part1`` under the names, ``part2`` under the
    codes, titled by the ``parts`` headers), the CSV columns, and the headers."""
    title: str
    period: str
    columns: tuple
    part1: tuple
    part2: tuple
    parts: tuple
    csv: tuple
    headers: dict


VIEWS = {
    "official": View(
        title="title", period="period",
        columns=("ceiling", "locked", "realised_before", "realised_in_period", "realised",
                 "absorption_pct", "balance"),
        part1=("ceiling", "locked", "balance", "absorption_pct"),
        part2=("realised_before", "realised_in_period", "realised", "absorption_pct"),
        parts=("part1", "part2"), csv=REPORT_CSV, headers=HEADERS),
    # What is left to commit or spend. The JSON of both views is the same object.
    "funds": View(
        title="funds_title", period="position",
        columns=("ceiling", "blocked", "locked", "committed", "realised", "available"),
        part1=("ceiling", "blocked", "locked"), part2=("committed", "realised", "available"),
        parts=("funds_part1", "funds_part2"),
        csv=("code", "level", "name", "ceiling", "blocked", "locked", "committed", "realised",
             "available"),
        headers={**HEADERS, "realised": HEADERS["realised_total"]}),
}


def report(rep, fmt="table", locale="id", width=None, view="official"):
    """The report ``rep`` (``Ledger.report``) in ``fmt``; ``view`` chooses the columns of
    table, markdown and csv (``VIEWS``); json is the same object in every view."""
    if fmt == "json":
        return to_json(rep)
    v = VIEWS[view]
    if fmt == "csv":
        return to_csv(v.csv, rep["rows"])
    title = report_titles(rep, v)
    if fmt == "markdown":
        return "\n".join(f"**{t}**  " for t in title) + "\n\n" + _report_grid(rep, v, locale, "pipe", None)
    width = width or terminal_width()
    full = _fit(lambda wrap: _report_grid(rep, v, locale, "simple", wrap), width, minimum=24)
    if full is not None:
        return "\n".join(title) + "\n\n" + full
    return "\n".join(title) + "\n\n" + _report_split(rep, v, locale, width)


def report_titles(rep, v):
    """The three title lines of a report in view ``v``: what, whose, when (and as known at)."""
    h = v.headers
    return [h[v.title].format(year=rep["year"]), h["satker"].format(**rep["satker"]),
            h[v.period].format(start=rep["from"], as_of=rep["as_of"])
            + (" (" + h["known"].format(known=rep["known_at"]) + ")" if rep["known_at"] else "")]


def _fit(make, width, minimum):
    """The table ``make(wrap)`` with the widest name column that fits ``width`` (names wrap
    at ``wrap`` characters), or None when even ``minimum`` does not fit."""
    wrap = width
    while wrap >= minimum:
        table = make(wrap)
        widest = max(len(line) for line in table.splitlines())
        if widest <= width:
            return table
        wrap -= max(1, min(widest - width, wrap - minimum) if wrap > minimum else 1)
    return None


def _label(r, wrap=None):
    label = f"{r['code']} {r['name']}".strip() if r["level"] != "total" else r["name"]
    pad = " " * INDENT[r["level"]]
    if wrap and len(label) > max(wrap - len(pad), 10):
        import textwrap

        lines = textwrap.wrap(label, max(wrap - len(pad), 10)) or [""]
        return "\n".join(pad + ln if i == 0 else pad + "  " + ln for i, ln in enumerate(lines))
    return pad + label


def _money_cells(r, keys, locale):
    return [format_money(r[k], locale) if k in MONEY else format_percent(r[k], locale) for k in keys]


def _report_grid(rep, v, locale, tablefmt, wrap):
    keys = v.columns
    rows = [[_label(r, wrap)] + _money_cells(r, keys, locale) for r in rep["rows"]]
    headers = [v.headers["uraian"]] + [v.headers[k] for k in keys]
    if tablefmt == "pipe":
        rows = [[cell.replace("\n", " ").replace("|", "\\|").strip() if i == 0 else cell
                 for i, cell in enumerate(row)] for row in rows]
    elif not any("\n" in row[0] for row in rows):
        # No wrapped name: tabulate's layout (which strips cells) written directly, ten
        # times faster on a ministry's 12,000 rows.
        return simple_grid([[row[0].strip(), *row[1:]] for row in rows], headers,
                           "l" + "r" * len(keys))
    return tabulate(rows, headers, tablefmt=tablefmt, disable_numparse=True,
                    colalign=("left",) + ("right",) * len(keys))


def _report_split(rep, v, locale, width):
    """Two stacked tables for a narrow terminal: the view's first columns under the names
    (official: ceiling and balance), then the rest under the codes (official: realisation)."""
    h, keys1, keys2 = v.headers, v.part1, v.part2
    numbers1 = [_money_cells(r, keys1, locale) for r in rep["rows"]]
    align1 = ("left",) + ("right",) * len(keys1)
    t1 = _fit(lambda wrap: tabulate([[_label(r, wrap)] + n for r, n in zip(rep["rows"], numbers1)],
                                     [h["uraian"]] + [h[k] for k in keys1], tablefmt="simple",
                                     disable_numparse=True, colalign=align1),
              width, minimum=12)
    if t1 is None:  # a very narrow terminal: let it wrap rather than lose the names
        t1 = tabulate([[_label(r, 12)] + n for r, n in zip(rep["rows"], numbers1)],
                      [h["uraian"]] + [h[k] for k in keys1], tablefmt="simple",
                      disable_numparse=True, colalign=align1)
    t2 = tabulate([[(" " * INDENT[r["level"]]) + (r["code"] or "TOTAL")] + _money_cells(r, keys2, locale)
                   for r in rep["rows"]],
                  [h["kode"]] + [h[k] for k in keys2], tablefmt="simple",
                  disable_numparse=True, colalign=("left",) + ("right",) * len(keys2))
    first, second = (h[p].format(year=rep["year"]) for p in v.parts)
    return f"{first}\n\n{t1}\n\n{second}\n\n{t2}"


# ------------------------------------------------------------------ consolidate

# The report's figures plus blokir and komitmen, in the order of a report row's keys.
CONSOLIDATE_CSV = REPORT_CSV + ("blocked", "committed")
CONSOLIDATE_JSON = ("as_of", "from", "known_at", "by", "rows")
CONSOLIDATE_VIEW = View(
    title="consolidate_title", period="period",
    columns=("ceiling", "locked", "blocked", "committed", "realised_before",
             "realised_in_period", "realised", "absorption_pct", "balance", "available"),
    part1=("ceiling", "blocked", "locked", "committed", "available"),
    part2=("realised_before", "realised_in_period", "realised", "absorption_pct", "balance"),
    parts=("consolidate_part1", "part2"), csv=CONSOLIDATE_CSV,
    headers={**HEADERS, "consolidate_title": "KONSOLIDASI REALISASI SP2D TA {year}",
             "consolidate_part1": "Pagu, blokir, lock, komitmen dan pagu tersedia"})


def consolidate(result, fmt="table", locale="id", width=None):
    """``anggaran.consolidate.consolidate``'s result in ``fmt``: the report's layout (one
    wide table, or two stacked ones on a narrow terminal) with Blokir, Komitmen and Pagu
    Tersedia beside the official columns; json is the contract's object alone."""
    if fmt == "json":
        return to_json({k: result[k] for k in CONSOLIDATE_JSON})
    v = CONSOLIDATE_VIEW
    if fmt == "csv":
        return to_csv(v.csv, result["rows"])
    title = consolidate_titles(result)
    if fmt == "markdown":
        return ("\n".join(f"**{t}**  " for t in title) + "\n\n"
                + _report_grid(result, v, locale, "pipe", None))
    width = width or terminal_width()
    full = _fit(lambda wrap: _report_grid(result, v, locale, "simple", wrap), width, minimum=24)
    if full is not None:
        return "\n".join(title) + "\n\n" + full
    return "\n".join(title) + "\n\n" + _report_split(result, v, locale, width)


def consolidate_titles(result):
    """What, of whom (how many satker, in how many groups), when (and as known at)."""
    members = result["satker"]
    groups = {m["group"] for m in members if m["group"] is not None}
    whom = f"Gabungan {len(members)} satuan kerja" + (f" dalam {len(groups)} kelompok"
                                                      if groups else "")
    h = CONSOLIDATE_VIEW.headers
    return [h["consolidate_title"].format(year=result["year"]), whom,
            h["period"].format(start=result["from"], as_of=result["as_of"])
            + (" (" + h["known"].format(known=result["known_at"]) + ")" if result["known_at"] else "")]


# ------------------------------------------------------------------ history

HISTORY_KEYS = ("seq", "date", "recorded_at", "kind", "ref", "delta_ceiling", "delta_locked",
                "delta_realised", "ceiling", "locked", "realised", "balance", "absorption_pct", "voided_by",
                "delta_blocked", "delta_committed", "blocked", "committed", "payment")
# The figure the change column shows: the first that moved, in this order (an SP2D paying a
# contract moves realised up and committed down: the change shown is the payment).
CHANGE_ORDER = ("delta_ceiling", "delta_locked", "delta_blocked", "delta_realised",
                "delta_committed")


def history(hist, fmt="table", locale="id"):
    """A line's history. The table has Blokir and Komitmen columns only when something on
    the line was blocked or committed up to the as-of date."""
    if fmt == "json":
        return to_json({k: hist[k] for k in ("code", "akun", "rows")})
    if fmt == "csv":
        return to_csv(HISTORY_KEYS, hist["rows"])
    title = f"{hist['code']}" + (f"/{hist['akun']}" if hist["akun"] else "")
    if not hist["rows"]:
        return (f"{title}: no event touched it in {hist['year']} up to {hist['as_of']} "
                "(check the code, the --akun, or --as-of)")
    funds = any(r["delta_blocked"] or r["delta_committed"] for r in hist["rows"])
    figures = ("ceiling", "locked") + (("blocked", "committed") if funds else ()) + (
        "realised", "balance")
    rows = []
    for r in hist["rows"]:
        moved = next((r[k] for k in CHANGE_ORDER if r[k]), 0)
        delta = ("+" if moved > 0 else "") + format_money(moved, locale)
        if r.get("voided_by") is not None:  # a voided event: its row stays, moving nothing
            delta = f"batal (seq {r['voided_by']})"
        kind = r["kind"] + (f" ({PAYMENT_LABELS[r['payment']]})"
                            if r.get("payment") not in (None, "ls") else "")
        rows.append([r["seq"], r["date"], kind, r["ref"] or "", delta,
                     *(format_money(r[k], locale) for k in figures),
                     format_percent(r["absorption_pct"], locale)])
    names = {"ceiling": "Pagu", "locked": "Lock", "blocked": "Blokir", "committed": "Komitmen",
             "realised": "Realisasi", "balance": "Sisa"}
    headers = ["seq", "tanggal", "peristiwa", "nomor", "perubahan", *(names[k] for k in figures),
               "%"]
    n = len(figures) + 2
    if fmt == "markdown":
        return title + "\n\n" + tabulate(rows, headers, tablefmt="pipe", disable_numparse=True,
                                         colalign=("right", "left", "left", "left") + ("right",) * n)
    return title + "\n\n" + simple_grid(rows, headers, "rlll" + "r" * n)


# ------------------------------------------------------------------ contracts

CONTRACT_KEYS = ("ref", "date", "signed", "code", "akun", "supplier", "value", "paid",
                 "outstanding", "payments", "status", "closed_on")


def contracts(result, fmt="table", locale="id"):
    """``Ledger.contracts`` as a table (a JUMLAH row under it), markdown, csv or json."""
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(CONTRACT_KEYS, result["contracts"])
    known = f" (sebagaimana tercatat pada {result['known_at']})" if result["known_at"] else ""
    title = [f"DAFTAR KONTRAK TA {result['year']}",
             HEADERS["satker"].format(**result["satker"]),
             f"Keadaan s.d. {result['as_of']}{known}"]
    rows = result["contracts"]
    if not rows:
        return (f"No contracts registered in {result['year']} up to {result['as_of']}"
                + (f" as recorded by {result['known_at']}" if result["known_at"] else "") + ".")
    money = lambda v: format_money(v, locale)  # noqa: E731
    cells = [[c["ref"], c["date"], c["code"] + (f"/{c['akun']}" if c["akun"] else ""),
              c["supplier"] or "", money(c["value"]), money(c["paid"]), c["payments"],
              money(c["outstanding"]),
              "berjalan" if c["status"] == "open" else f"selesai {c['closed_on']}"]
             for c in rows]
    cells.append(["JUMLAH", "", "", "", *(money(sum(c[k] for c in rows))
                                          for k in ("value", "paid")),
                  sum(c["payments"] for c in rows), money(sum(c["outstanding"] for c in rows)), ""])
    headers = ["Nomor Kontrak", "Tanggal", "Baris", "Penyedia", "Nilai Kontrak", "Dibayar", "SP2D",
               "Sisa Kontrak", "Status"]
    if fmt == "markdown":
        cells = [[str(c).replace("|", "\\|") for c in row] for row in cells]
        return ("\n".join(f"**{t}**  " for t in title) + "\n\n"
                + tabulate(cells, headers, tablefmt="pipe", disable_numparse=True,
                           colalign=("left",) * 4 + ("right",) * 4 + ("left",)))
    return "\n".join(title) + "\n\n" + simple_grid(cells, headers, "llllrrrrl")


# ------------------------------------------------------------------ bendahara

# The CSV of ``bendahara``: one row per UP summary, month of GUPs and TUP, by ``section``.
BENDAHARA_KEYS = ("section", "ref", "month", "date", "amount", "accounted", "returned",
                  "outstanding", "due", "status", "settled_on", "days_late", "gup_count",
                  "gup_amount", "gup_nihil_amount")
TUP_STATUS = {"open": "berjalan", "overdue": "terlambat", "settled": "selesai"}


def bendahara_rows(result):
    """The flat rows of the CSV (and of the xlsx's lists): the UP, each month, each TUP."""
    up = result["up"]
    rows = [{"section": "up", "date": up["last_advance"], "amount": up["advanced"],
             "accounted": up["accounted"], "returned": up["returned"],
             "outstanding": up["outstanding"]}]
    rows += [{"section": "gup_month", **m} for m in up["by_month"]]
    rows += [{"section": "tup", **{k: v for k, v in t.items() if k != "code"}}
             for t in result["tup"]]
    return rows


def bendahara_sections(result, money):
    """``(titles, [(heading, headers, aligns, rows)], warnings)`` of the bendahara's book,
    for the table, markdown and the workbook."""
    up = result["up"]
    known = f" (sebagaimana tercatat pada {result['known_at']})" if result["known_at"] else ""
    titles = [f"UANG PERSEDIAAN BENDAHARA PENGELUARAN TA {result['year']}",
              HEADERS["satker"].format(**result["satker"]),
              f"Keadaan s.d. {result['as_of']}{known}"]
    since = up["last_replenishment"]
    summary = [
        ["UP diterima (SP2D UP)", money(up["advanced"])],
        ["Dipertanggungjawabkan (GUP, GUP nihil)", money(up["accounted"])],
        ["Disetor kembali", money(up["returned"])],
        ["Sisa UP di bendahara", money(up["outstanding"])],
        ["SP2D UP terakhir", up["last_advance"] or "-"],
        ["GUP terakhir", f"{since} ({up['days_since_replenishment']} hari lalu)" if since else "-"],
    ]
    months = [[m["month"], m["gup_count"], money(m["gup_amount"]), money(m["gup_nihil_amount"])]
              for m in up["by_month"]]
    tups = [[t["ref"], t["date"], t["code"] or "", money(t["amount"]), money(t["accounted"]),
             money(t["returned"]), money(t["outstanding"]), t["due"],
             TUP_STATUS[t["status"]] + (f" {t['settled_on']}" if t["settled_on"] else ""),
             t["days_late"]] for t in result["tup"]]
    sections = [("UP", ["Uraian", "Nilai"], "lr", summary)]
    if months:
        sections.append(("GUP per bulan", ["Bulan", "SP2D GUP", "Nilai GUP", "Nilai GUP Nihil"],
                         "lrrr", months))
    sections.append(("TUP", ["Nomor SP2D TUP", "Tanggal", "Kode", "Nilai", "PTUP", "Disetor",
                             "Sisa", "Jatuh Tempo", "Status", "Hari Terlambat"],
                     "lllrrrrllr", tups))
    return titles, sections, result["warnings"]


def bendahara(result, fmt="table", locale="id"):
    """``Ledger.bendahara`` as a table (UP, GUP per month, TUP, warnings), markdown, csv
    or json."""
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(BENDAHARA_KEYS, bendahara_rows(result))
    titles, sections, warnings = bendahara_sections(result, lambda v: format_money(v, locale))
    out = []
    for heading, headers, aligns, rows in sections:
        if not rows:
            out.append(f"{heading}: tidak ada")
            continue
        if fmt == "markdown":
            rows = [[str(c).replace("|", "\\|") for c in row] for row in rows]
            table = tabulate(rows, headers, tablefmt="pipe", disable_numparse=True,
                             colalign=tuple("left" if a == "l" else "right" for a in aligns))
            out.append(f"**{heading}**\n\n{table}")
        else:
            out.append(f"{heading}\n{simple_grid(rows, headers, aligns)}")
    out.append("Peringatan:\n" + "\n".join(f"- {w}" for w in warnings) if warnings
               else "Peringatan: tidak ada")
    head = ("\n".join(f"**{t}**  " for t in titles) if fmt == "markdown" else "\n".join(titles))
    return head + "\n\n" + "\n\n".join(out)


# ------------------------------------------------------------------ rpd

RPD_KEYS = ("month", "jenis", "plan", "realised", "deviation_pct", "weighted_deviation_pct")


def rpd_rows(result):
    """One flat row per month and jenis (CSV, xlsx), the month's weighted deviation on each."""
    return [{"month": m["month"], **j, "weighted_deviation_pct": m["weighted_deviation_pct"]}
            for m in result["months"] for j in m["jenis"]]


def rpd_titles(result):
    known = f" (sebagaimana tercatat pada {result['known_at']})" if result["known_at"] else ""
    return [f"DEVIASI HALAMAN III DIPA (RPD) TA {result['year']}",
            HEADERS["satker"].format(**result["satker"]),
            f"Keadaan s.d. {result['as_of']}{known}"]


def rpd(result, fmt="table", locale="id"):
    """``Ledger.rpd`` as a table (a row per month and jenis, each month's weighted
    deviation on its first row, the average under it), markdown, csv or json."""
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(RPD_KEYS, rpd_rows(result))
    money = lambda v: format_money(v, locale)  # noqa: E731
    pct = lambda v: "-" if v is None else format_percent(v, locale)  # noqa: E731
    cells = []
    for m in result["months"]:
        for k, j in enumerate(m["jenis"]):
            cells.append([m["month"] if k == 0 else "", j["jenis"], money(j["plan"]),
                          money(j["realised"]), pct(j["deviation_pct"]),
                          pct(m["weighted_deviation_pct"]) if k == 0 else ""])
        if not m["jenis"]:
            cells.append([m["month"], "-", "", "", "", pct(m["weighted_deviation_pct"])])
    headers = ["Bulan", "Jenis", "RPD", "Realisasi", "Deviasi %", "Deviasi Tertimbang %"]
    average = (f"Rata-rata deviasi tertimbang (Januari s.d. bulan penuh terakhir, paling lambat "
               f"November): {pct(result['average_deviation_pct'])}")
    titles = rpd_titles(result)
    if fmt == "markdown":
        return ("\n".join(f"**{t}**  " for t in titles) + "\n\n"
                + tabulate(cells, headers, tablefmt="pipe", disable_numparse=True,
                           colalign=("left", "left") + ("right",) * 4) + "\n\n" + average)
    return "\n".join(titles) + "\n\n" + simple_grid(cells, headers, "llrrrr") + "\n\n" + average


# ------------------------------------------------------------------ ikpa

IKPA_KEYS = ("key", "name", "weight", "assessed", "score", "unconfirmed", "band", "trace")
IKPA_HEADERS = ["Indikator", "Bobot", "Nilai"]


def ikpa_titles(result):
    known = f" (sebagaimana tercatat pada {result['known_at']})" if result["known_at"] else ""
    rules = result["rules"]
    where = f" ({rules['file']})" if rules["file"] else ""
    titles = [f"PENILAIAN MANDIRI IKPA TA {result['year']}",
              HEADERS["satker"].format(**result["satker"]),
              f"Keadaan s.d. {result['as_of']}{known}",
              f"Aturan: {rules['name']}{where}"]
    for w in result.get("what_if", ()):
        titles.append(f"Andaikan (what-if): {format_money(w['amount'], 'id')} lagi terealisasi "
                      f"pada jenis {w['jenis']} tanggal {w['date']} (tidak tercatat)")
    return titles


def ikpa_rows(result, locale="id"):
    """``(cells, traces, footer)``: a row [indicator, weight, score] per indicator (the
    score marked * when unconfirmed), its trace lines, and the lines under the table."""
    def number(v):
        return format_percent(v, locale) if isinstance(v, Decimal) else str(v)

    cells, traces = [], []
    for i in result["indicators"]:
        weight = "pengurang" if i["weight"] is None else number(i["weight"])
        score = "-" if i["score"] is None else format_percent(i["score"], locale)
        cells.append([i["name"], weight, score + ("*" if i["unconfirmed"] else " ")])
        traces.append(i["trace"])
    weighted = [i for i in result["indicators"] if i["weight"] is not None]
    assessed = sum(i["weight"] for i in weighted if i["assessed"])
    if result["total"] is None:
        footer = ["Nilai IKPA: - (no indicator is assessed)"]
    else:
        footer = [f"Nilai IKPA: {format_percent(result['total'], locale)} ({result['band']})",
                  f"  konversi bobot: Σ bobot × nilai / {number(assessed)} (the weight assessed, "
                  f"of {number(sum(i['weight'] for i in weighted))}); dispensasi deducted: "
                  f"{format_percent(result['deduction'], locale)}"]
    if any(i["unconfirmed"] for i in result["indicators"]):
        footer.append("* the score rests on a parameter the rule set marks unconfirmed (its "
                      "trace names it)")
    return cells, traces, footer


def _md_text(text):
    """A trace line as markdown text: its | and a leading * escaped."""
    text = text.replace("|", "\\|")
    return "\\" + text if text.startswith("*") else text


def ikpa(result, fmt="table", locale="id"):
    """``Ledger.ikpa`` as a table (a row per indicator with its trace indented under it,
    then the total and band), markdown, csv or json."""
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        rows = [{**i, "trace": " | ".join(i["trace"])} for i in result["indicators"]]
        rows.append({"key": "total", "name": "Nilai IKPA", "assessed": result["total"] is not None,
                     "score": result["total"], "band": result["band"],
                     "trace": f"dispensasi deducted: {result['deduction']:.2f}"})
        return to_csv(IKPA_KEYS, rows)
    cells, traces, footer = ikpa_rows(result, locale)
    titles = ikpa_titles(result)
    if fmt == "markdown":
        table = tabulate([[c.replace("|", "\\|") for c in row] for row in cells], IKPA_HEADERS,
                         tablefmt="pipe", disable_numparse=True,
                         colalign=("left", "right", "right"))
        parts = [f"**{row[0]}**\n\n" + "\n".join("- " + _md_text(t) for t in trace)
                 for row, trace in zip(cells, traces)]
        return ("\n".join(f"**{t}**  " for t in titles) + "\n\n" + table + "\n\n"
                + "\n\n".join(parts) + "\n\n" + "  \n".join(footer))
    widths = [max(len(h) + 2, *(len(r[k]) for r in cells)) for k, h in enumerate(IKPA_HEADERS)]

    def line(values):
        return "  ".join(v.ljust(w) if k == 0 else v.rjust(w)
                         for k, (v, w) in enumerate(zip(values, widths))).rstrip()

    out = [line(IKPA_HEADERS), "  ".join("-" * w for w in widths)]
    for row, trace in zip(cells, traces):
        out.append(line(row))
        out += [f"    {t}" for t in trace]
    return "\n".join(titles) + "\n\n" + "\n".join(out) + "\n\n" + "\n".join(footer)


# ------------------------------------------------------------------ log

LOG_FIELDS = ("seq", "recorded_at", "kind", "date", "code", "akun", "from_code", "from_akun",
              "amount", "ref", "sp2d", "to_year", "grantor", "name", "note", "voids", "contract",
              "signed", "supplier", "end", "payment", "tup", "bast_date", "revision", "month",
              "jenis", "prev_hash", "hash")


def log(events, fmt="table", locale="id"):
    if fmt == "json":
        return to_json(events)
    if fmt == "csv":
        return to_csv(LOG_FIELDS, events)
    rows = []
    for e in events:
        line = f"{e.get('code', '')}/{e.get('akun', '')}" if e.get("code") and e["kind"] != "name" else e.get("code", "")
        if e.get("from_code"):
            line = f"{e['from_code']}/{e.get('from_akun', '')} → {line}"
        if e["kind"] == "void":
            line = f"→ seq {e['voids']}"
        elif e.get("month"):
            line = f"{e['month']} jenis {e['jenis']}"
        elif e.get("tup"):
            line = (line + " " if line else "") + f"→ TUP {e['tup']}"
        amount = format_money(e["amount"], locale) if "amount" in e else ""
        what = e.get("ref") or e.get("sp2d") or (e.get("name") if e["kind"] == "name" else "") or ""
        kind = e["kind"] + (f" ({PAYMENT_LABELS[e['payment']]})" if e.get("payment") else "")
        rows.append([e["seq"], e["date"], kind, line, amount, what, e["recorded_at"],
                     e["hash"][:12]])
    return simple_grid(rows, ["seq", "date", "kind", "line", "amount", "ref", "recorded_at", "hash"],
                       "rlllrlll")


# ------------------------------------------------------------------ absorption

def absorption(result, fmt="table", locale="id"):
    if fmt == "json":
        return to_json(result)
    flat = []
    for r in result["rows"]:
        for m in r["months"]:
            flat.append({"jenis": r["jenis"], "name": r["name"], **m})
    if fmt == "csv":
        return to_csv(("jenis", "name", "month", "ceiling", "locked", "realised", "absorption_pct",
                       "target_pct", "below_target"), flat)
    months = MONTHS
    headers = ["Bulan"] + [
        (f"{r['jenis']} " + r["name"].replace("BELANJA ", "")) if r["jenis"] else "TOTAL"
        for r in result["rows"]]
    rows = []
    for i, month in enumerate(months):
        cells = [month]
        for r in result["rows"]:
            m = r["months"][i]
            cell = format_percent(m["absorption_pct"], locale)
            if m["target_pct"] is not None:
                cell += " / " + format_percent(m["target_pct"], locale) + (" !" if m["below_target"] else "  ")
            cells.append(cell)
        rows.append(cells)
    tablefmt = "pipe" if fmt == "markdown" else "simple"
    body = tabulate(rows, headers, tablefmt=tablefmt, disable_numparse=True,
                    colalign=("left",) + ("right",) * len(result["rows"]))
    legend = ("% kumulatif = realisasi / (pagu − lock); akhir triwulan: capaian / target, "
              "! = di bawah target")
    return f"{result['satker']['code']} {result['satker']['name']} — {result['year']}\n\n{body}\n\n{legend}"


# ------------------------------------------------------------------ reconcile

DIFF_KEYS = ("kind", "code", "akun", "field", "statement", "ledger", "difference", "expected")


def differences(result, fmt="table", locale="id"):
    if fmt == "json":
        return to_json({"differences": result["differences"]})
    if fmt == "csv":
        return to_csv(DIFF_KEYS, result["differences"])
    diffs = result["differences"]
    if not diffs:
        return f"No differences: the statement matches the ledger as of {result['as_of']}."
    money = lambda v: "" if v is None else format_money(v, locale)  # noqa: E731
    rows = [[d["kind"], d["code"] or "TOTAL", d["akun"] or "", d["field"], money(d["statement"]),
             money(d["ledger"]), money(d["difference"]), money(d.get("expected"))] for d in diffs]
    table = tabulate(rows, ["kind", "code", "akun", "field", "statement", "ledger", "difference",
                            "expected"], tablefmt="simple", disable_numparse=True,
                     colalign=("left",) * 4 + ("right",) * 4)
    return f"{len(diffs)} difference(s) as of {result['as_of']}:\n\n{table}"


SP2D_FIELDS = ("date", "code", "akun", "amount", "kind")  # kind: with a kind column


def sp2d_differences(result, fmt="table", locale="id"):
    if fmt == "json":
        return to_json({"differences": result["differences"]})
    flat = []
    for d in result["differences"]:
        side = lambda s, f: "" if d[s] is None else d[s].get(f)  # noqa: E731
        flat.append({"ref": d["ref"], "kind": d["kind"], "fields": " ".join(d["fields"]),
                     **{f"ledger_{f}": side("ledger", f) for f in SP2D_FIELDS},
                     **{f"list_{f}": side("statement", f) for f in SP2D_FIELDS}})
    if fmt == "csv":
        return to_csv(("ref", "kind", "fields", *(f"ledger_{f}" for f in SP2D_FIELDS),
                       *(f"list_{f}" for f in SP2D_FIELDS)), flat)
    if not flat:
        years = ", ".join(map(str, result["years"])) or "-"
        return f"No differences: every SP2D of {years} matches the list."

    def line(d, prefix):
        if d[prefix + "date"] in ("", None):
            return "-"
        akun = f"/{d[prefix + 'akun']}" if d[prefix + "akun"] else ""
        kind = f"{d[prefix + 'kind']} " if d.get(prefix + "kind") else ""
        return (f"{kind}{d[prefix + 'date']} {d[prefix + 'code'] or ''}{akun} "
                f"{format_money(d[prefix + 'amount'], locale)}")

    rows = [[d["ref"], d["kind"], d["fields"], line(d, "ledger_"), line(d, "list_")] for d in flat]
    return (f"{len(flat)} difference(s):\n\n"
            + tabulate(rows, ["SP2D", "kind", "fields", "ledger", "treasury list"],
                       tablefmt="simple", disable_numparse=True))


# ------------------------------------------------------------------ empty report

def is_empty(rep):
    """A report with no line: no budget event of its year dated up to its as-of date
    (only the total row, of zeros)."""
    return len(rep["rows"]) == 1


def nothing_to_report(rep, first_dates):
    """The one line that replaces a table of zeros: which year and date were asked for, and
    what the ledger does hold (``first_dates``: ``reports.first_dates``)."""
    year, as_of = rep["year"], rep["as_of"]
    known = f" recorded by {rep['known_at']}" if rep["known_at"] else ""
    if year in first_dates:
        held = f"its first in {year} is dated {first_dates[year]}"
    elif first_dates:
        held = "the ledger holds " + ", ".join(map(str, first_dates))
    else:
        held = "the ledger holds none yet"
    return f"No budget events dated in {year} up to {as_of}{known} ({held})."


# ------------------------------------------------------------------ close

def close_totals(totals, locale="id"):
    """What ``close`` shows before it asks: the totals the seal of the year will record."""
    figures = [("Pagu Revisi (ceiling)", totals["ceiling"]), ("Lock Pagu (locked)", totals["locked"]),
               ("Blokir (blocked)", totals["blocked"]),
               ("Realisasi (realised)", totals["realised"]), ("Sisa Anggaran (balance)", totals["balance"])]
    width = max(len(format_money(v, locale)) for _, v in figures)
    lines = [f"Closing {totals['year']} is permanent: afterwards nothing dated in {totals['year']} "
             f"can be recorded. The seal will record {totals['lines']} line(s) as of "
             f"{totals['year']}-12-31:"]
    lines += [f"  {label:<25}{format_money(v, locale):>{width}}" for label, v in figures]
    if totals["blocked"]:
        lines.append(f"  The blokir of {format_money(totals['blocked'], locale)} lapses with the year.")
    return "\n".join(lines)
