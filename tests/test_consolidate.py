"""``anggaran consolidate``: many satker ledgers summed as of one date.

Three small satker ledgers, each built through the command line as an officer would:
Lumajang and Jember recorded now (``record``), Badung imported with the times it was
recorded in 2024 (for ``--known-at``). Every consolidated figure is checked against what
each satker's own ``report`` prints, and the hand-computed totals below.

    657757 LUMAJANG  CQ.6639/521211 pagu 1.000.000, SP2D 100.000 (15 Mar) and 200.000 (4 Dec)
                     CQ.6639/532111 pagu   500.000, blokir 50.000
    657758 JEMBER    CQ.6639/521211 pagu 2.000.000, kontrak K-01 800.000, SP2D 300.000 on it
                     WA.3355/511111 pagu   300.000, lock 100.000, SP2D 150.000 (10 Dec)
    657759 BADUNG    CQ.6639/521211 pagu   400.000, SP2D 100.000 (1 May) and 50.000 (1 Jul)
"""

import json
import shutil

import pytest
from click.testing import CliRunner

from anggaran.cli.main import cli
from anggaran.consolidate import consolidate, sources_from_paths, sources_of
from anggaran.errors import AnggaranError, LedgerError
from anggaran.money import percent
from conftest import log_rows, write

MONEY = ("ceiling", "locked", "realised_before", "realised_in_period", "realised", "balance",
         "available", "blocked", "committed")
LMJ = ("657757", "KPU KABUPATEN LUMAJANG")
JBR = ("657758", "KPU KABUPATEN JEMBER")
BDG = ("657759", "KPU KABUPATEN BADUNG")

BADUNG = [  # imported: recorded_at as it happened in 2024
    {"kind": "pagu", "date": "2024-01-02", "code": "CQ.6639", "akun": "521211", "amount": 400000,
     "ref": "DIPA-B", "recorded_at": "2024-01-02T09:00:00Z"},
    {"kind": "sp2d", "date": "2024-05-01", "code": "CQ.6639", "akun": "521211", "amount": 100000,
     "ref": "B-S1", "recorded_at": "2024-05-02T09:00:00Z"},
    {"kind": "sp2d", "date": "2024-07-01", "code": "CQ.6639", "akun": "521211", "amount": 50000,
     "ref": "B-S2", "recorded_at": "2024-07-05T09:00:00Z"},
]


def anggaran(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], obj={}, catch_exceptions=False)


def ok(*args):
    result = anggaran(*args)
    assert result.exit_code == 0, result.output
    return result


def record(db, kind, **fields):
    args = []
    for name, value in fields.items():
        args += [f"--{name.replace('_', '-')}", value]
    ok("--db", db, "record", kind, *args)


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    """``{satker: path}`` of the three ledgers (read-only use)."""
    folder = tmp_path_factory.mktemp("satker")
    paths = {code: folder / f"{code}.db" for code, _ in (LMJ, JBR, BDG)}
    for code, name in (LMJ, JBR, BDG):
        ok("--db", paths[code], "init", "--satker", code, "--name", name)
    a, b = paths[LMJ[0]], paths[JBR[0]]
    line = {"code": "CQ.6639", "akun": "521211"}
    record(a, "pagu", date="2024-01-02", amount="1.000.000", ref="DIPA-A", **line)
    record(a, "pagu", date="2024-01-02", code="CQ.6639", akun="532111", amount="500.000", ref="DIPA-A")
    record(a, "blokir", date="2024-01-03", code="CQ.6639", akun="532111", amount="50.000", ref="DIPA-A")
    record(a, "sp2d", date="2024-03-15", amount="100.000", ref="A-S1", **line)
    record(a, "sp2d", date="2024-12-04", amount="200.000", ref="A-S2", **line)
    record(b, "pagu", date="2024-01-02", amount="2.000.000", ref="DIPA-J", **line)
    record(b, "pagu", date="2024-01-02", code="WA.3355", akun="511111", amount="300.000", ref="DIPA-J")
    record(b, "contract", date="2024-02-01", amount="800.000", ref="K-01", supplier="CV Maju", **line)
    record(b, "sp2d", date="2024-06-10", amount="300.000", ref="J-S1", contract="K-01", **line)
    record(b, "lock", date="2024-11-01", code="WA.3355", akun="511111", amount="100.000", ref="L-1")
    record(b, "sp2d", date="2024-12-10", code="WA.3355", akun="511111", amount="150.000", ref="J-S2")
    events = write(folder / "badung.jsonl", "".join(json.dumps(e) + "\n" for e in BADUNG))
    ok("--db", paths[BDG[0]], "import", events)
    return paths


@pytest.fixture
def three(ledgers):
    return [ledgers[LMJ[0]], ledgers[JBR[0]], ledgers[BDG[0]]]


def as_json(*args):
    return json.loads(ok("consolidate", *args, "--format", "json").stdout)


def report(path, *args):
    return json.loads(ok("--db", path, "report", "--format", "json", *args).stdout)


def summed(rows):
    """The figures of ``rows`` added up, absorption recomputed from the sums."""
    total = {k: sum(r[k] for r in rows) for k in MONEY}
    return {**total, "absorption_pct": float(percent(total["realised"], total["ceiling"]))}


def figures(row):
    return {k: v for k, v in row.items() if k not in ("code", "level", "name")}


def refused(args, message, status=1):
    """``consolidate *args`` fails with exactly ``Error: message`` and prints nothing."""
    result = anggaran("consolidate", *args)
    assert (result.exit_code, result.stdout) == (status, ""), result.output
    assert result.stderr == f"Error: {message}\n"


# ------------------------------------------------------------------ figures

def test_a_row_per_satker_each_its_own_report_total_and_the_total_their_sum(three):
    dates = ("--as-of", "2024-12-31", "--from", "2024-12-01")
    out = as_json(*three, *dates)
    assert list(out) == ["as_of", "from", "known_at", "by", "rows"]
    assert (out["as_of"], out["from"], out["known_at"], out["by"]) == (
        "2024-12-31", "2024-12-01", None, "satker")
    assert [(r["code"], r["level"], r["name"]) for r in out["rows"]] == [
        ("", "total", "JUMLAH SELURUHNYA"), (*LMJ[:1], "satker", LMJ[1]),
        (JBR[0], "satker", JBR[1]), (BDG[0], "satker", BDG[1])]
    own = [report(path, *dates)["rows"][0] for path in three]
    for row, theirs in zip(out["rows"][1:], own):
        assert figures(row) == figures(theirs)
    assert figures(out["rows"][0]) == summed(own)
    # By hand: 1.500.000 + 2.300.000 + 400.000 of pagu; realised 300.000 + 450.000 + 150.000
    # (350.000 of it in December); blokir 50.000; lock 100.000; K-01 has 500.000 unpaid.
    total = out["rows"][0]
    assert total == {"code": "", "level": "total", "name": "JUMLAH SELURUHNYA",
                     "ceiling": 4_200_000, "locked": 100_000, "realised_before": 550_000,
                     "realised_in_period": 350_000, "realised": 900_000, "absorption_pct": 21.43,
                     "balance": 3_300_000, "available": 2_650_000, "blocked": 50_000,
                     "committed": 500_000}


def test_groups_put_each_satker_under_its_province(three, tmp_path):
    groups = write(tmp_path / "provinsi.csv", "\ufeffsatker,group,group_name\n"
                   "657759,51,BALI\n657758,35,JAWA TIMUR\n657757,35,\n"
                   "999999,52,NUSA TENGGARA BARAT\n")  # a satker not consolidated: ignored
    out = as_json(*reversed(three), "--groups", groups, "--as-of", "2024-12-31")  # any order
    assert [(r["code"], r["level"], r["name"]) for r in out["rows"]] == [
        ("", "total", "JUMLAH SELURUHNYA"), ("35", "group", "JAWA TIMUR"),
        (LMJ[0], "satker", LMJ[1]), (JBR[0], "satker", JBR[1]), ("51", "group", "BALI"),
        (BDG[0], "satker", BDG[1])]
    r = out["rows"]
    assert figures(r[1]) == summed([r[2], r[3]])
    assert figures(r[4]) == figures(r[5])
    assert figures(r[0]) == summed([r[1], r[4]])
    assert r[1]["ceiling"] == 3_800_000 and r[4]["ceiling"] == 400_000

    by_group = as_json(*three, "--groups", groups, "--as-of", "2024-12-31", "--by", "group")
    assert by_group["by"] == "group"
    assert by_group["rows"] == [r[0], r[1], r[4]]


def test_by_jenis_is_the_sum_of_each_satker_jenis_report(three):
    out = as_json(*three, "--as-of", "2024-12-31", "--by", "jenis")
    own = [report(path, "--as-of", "2024-12-31", "--by", "jenis")["rows"] for path in three]
    assert [(r["code"], r["level"], r["name"]) for r in out["rows"]] == [
        ("", "total", "JUMLAH SELURUHNYA"), ("51", "jenis", "BELANJA PEGAWAI"),
        ("52", "jenis", "BELANJA BARANG"), ("53", "jenis", "BELANJA MODAL")]
    for row in out["rows"][1:]:
        assert figures(row) == summed([r for rows in own for r in rows if r["code"] == row["code"]])
    assert figures(out["rows"][0]) == summed([rows[0] for rows in own])
    assert out["rows"][2]["committed"] == 500_000 and out["rows"][3]["blocked"] == 50_000


def test_known_at_shows_what_every_ledger_held_then(three):
    # Lumajang and Jember were recorded today; Badung's events in 2024.
    out = as_json(*three, "--as-of", "2024-12-31", "--known-at", "2024-06-30")
    assert out["known_at"] == "2024-06-30T23:59:59Z"
    lmj, jbr, bdg = out["rows"][1:]
    assert figures(lmj) == figures(jbr) == summed([])
    assert (bdg["ceiling"], bdg["realised"]) == (400_000, 100_000)  # the July SP2D came later
    own = report(three[2], "--as-of", "2024-12-31", "--known-at", "2024-06-30")["rows"][0]
    assert figures(bdg) == figures(own) == figures(out["rows"][0])


def test_default_as_of_is_capped_at_the_latest_year_of_any_source(three, tmp_path):
    out = as_json(*three)
    assert (out["as_of"], out["from"]) == ("2024-12-31", "2024-12-01")
    later = tmp_path / "later.db"
    ok("--db", later, "init", "--satker", "657760", "--name", "KPU KABUPATEN TABANAN")
    record(later, "pagu", date="2025-01-02", code="CQ.6639", akun="521211", amount=1000, ref="D-25")
    import datetime as dt

    paths = [*three, later]
    spring = consolidate(sources_from_paths(paths), today=dt.date(2025, 3, 15))
    assert (spring["as_of"], spring["from"]) == ("2025-03-15", "2025-03-01")
    assert spring["rows"][0]["ceiling"] == 1000  # 2025: only Tabanan has a pagu yet
    after = consolidate(sources_from_paths(paths), today=dt.date(2027, 5, 1))
    assert after["as_of"] == "2025-12-31"


def test_the_default_date_stops_asking_once_a_source_has_reached_this_year(three, tmp_path,
                                                                          monkeypatch):
    """One source with an event of today's year settles the default date (today): the
    sources after it are not asked for their latest year, only read."""
    import datetime as dt

    from anggaran import store

    later = tmp_path / "later.db"
    ok("--db", later, "init", "--satker", "657760", "--name", "KPU KABUPATEN TABANAN")
    record(later, "pagu", date="2025-01-02", code="CQ.6639", akun="521211", amount=1000, ref="D-25")
    asked = []
    last_year = store.last_year
    monkeypatch.setattr(store, "last_year", lambda conn: asked.append(1) or last_year(conn))
    spring = consolidate(sources_from_paths([later, *three]), today=dt.date(2025, 3, 15))
    assert spring["as_of"] == "2025-03-15" and len(asked) == 1
    asked.clear()
    spring = consolidate(sources_from_paths([*three, later]), today=dt.date(2025, 3, 15))
    assert spring["as_of"] == "2025-03-15" and len(asked) == 4
    assert spring["rows"][0]["ceiling"] == 1000


def test_without_sources_it_consolidates_the_db_ledger(three):
    out = json.loads(ok("--db", three[1], "consolidate", "--as-of", "2024-12-31",
                        "--format", "json").stdout)
    assert [r["code"] for r in out["rows"]] == ["", JBR[0]]
    assert figures(out["rows"][0]) == figures(out["rows"][1])


# ------------------------------------------------------------------ refusals

def test_a_ledger_that_cannot_be_opened_is_an_error_naming_it(three, tmp_path):
    missing = tmp_path / "jember-typo.db"
    refused([*three, missing, "--as-of", "2024-12-31"],
            f"satker ledger {missing} cannot be opened: no ledger at {missing}; create one with: "
            f"anggaran --db {missing} init --satker KODE --name \"NAMA SATKER\"")
    junk = write(tmp_path / "junk.db", "not a ledger\n")
    refused([three[0], junk], f"satker ledger {junk} cannot be opened: {junk} is not an anggaran "
                              "ledger (not an SQLite database)")
    assert not missing.exists()


def test_one_satker_given_twice_is_refused(three, tmp_path):
    copy = tmp_path / "lumajang-copy.db"
    shutil.copy(three[0], copy)
    refused([*three, copy, "--as-of", "2024-12-31"],
            f"satker 657757 is in two sources, {three[0]} and {copy}: give each satker once "
            "(it would be counted twice)")


@pytest.mark.parametrize("text,message", [
    ("satker,group,group_name\n657757,35,JAWA TIMUR\n657758,35,JAWA TIMUR\n",
     "satker 657759 is in no group of the groups file {g}: add a row satker,group,group_name for each"),
    ("satker,group\n657757,35\n", "groups file {g} needs the header satker,group,group_name "
                                  "(e.g. 657757,35,JAWA TIMUR)"),
    ("satker,group,group_name,note\n657757,35,X,y\n", "groups file {g} needs the header "
     "satker,group,group_name (e.g. 657757,35,JAWA TIMUR)"),
    ("satker,group,group_name\n657757,35,JAWA TIMUR\n657758,35,JAWA TIMUR\n657757,51,BALI\n",
     "groups file {g} row 4: satker 657757 is already given in row 2"),
    ("satker,group,group_name\n57757,35,JAWA TIMUR\n",
     "groups file {g} row 2: satker '57757' is not a six-digit satker code like 657757"),
    ("satker,group,group_name\n657757,,JAWA TIMUR\n", "groups file {g} row 2: satker 657757 has no group"),
    ("satker,group,group_name\n657757,35,JAWA TIMUR\n657758,35,JATIM\n",
     "groups file {g} row 3: group 35 is named 'JATIM' here but 'JAWA TIMUR' in row 2"),
    ("satker,group,group_name\n", "groups file {g} has a header but no rows (e.g. 657757,35,JAWA TIMUR)"),
])
def test_a_bad_groups_file_is_refused_naming_what_to_fix(three, tmp_path, text, message):
    groups = write(tmp_path / "g.csv", text)
    out = tmp_path / "out.csv"
    refused([*three, "--groups", groups, "--as-of", "2024-12-31", "--output", out],
            message.format(g=groups))
    assert not out.exists()


def test_groups_file_read_as_excel_saves_it(three, tmp_path):
    groups = write(tmp_path / "g.csv", "SATKER;Group;group_name;\r\n657757;35;JAWA TIMUR;\r\n"
                   "657758;35;JAWA TIMUR\r\n\r\n657759;51;BALI\r\n", encoding="utf-8-sig")
    out = as_json(*three, "--groups", groups, "--by", "group", "--as-of", "2024-12-31")
    assert [r["code"] for r in out["rows"]] == ["", "35", "51"]


@pytest.mark.parametrize("args,message", [
    (["--by", "group"], "--by group needs --groups FILE (a CSV satker,group,group_name)"),
    (["--by", "jenis", "--groups", "g.csv"], "--groups adds no level to --by jenis (the jenis "
     "belanja of all the satker together); drop --groups, or use --by satker or --by group"),
    (["--as-of", "2024-13-01"], "--as-of '2024-13-01' is not a date like 2024-12-31 or 31/12/2024"),
    (["--as-of", "2024-12-31", "--from", "2023-12-01"],
     "--from 2023-12-01 must be in the as-of year 2024 and not after --as-of 2024-12-31"),
    (["--known-at", "yesterday"], "--known-at 'yesterday' is not an ISO 8601 time like "
     "2024-12-05T09:00:00Z or a date like 2024-12-05 (years 1900-2999)"),
    (["--format", "xlsx"], "--format xlsx needs --output FILE.xlsx"),
])
def test_usage_errors_exit_2_before_any_ledger_is_opened(tmp_path, args, message):
    missing = tmp_path / "missing.db"  # never reached: the options are refused first
    refused([missing, *args], message, status=2)


# ------------------------------------------------------------------ output

def test_xlsx_is_written_once_and_replaced_only_with_force(three, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "konsolidasi.xlsx"
    args = [*three, "--as-of", "2024-12-31", "--format", "xlsx", "--output", path]
    assert ok("consolidate", *args).stdout == f"Wrote {path}\n"
    sheet = openpyxl.load_workbook(path).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][0] == "KONSOLIDASI REALISASI SP2D TA 2024"
    assert cells[1][0] == "Gabungan 3 satuan kerja"
    at = next(i for i, row in enumerate(cells) if row[0] == "Kode")
    header, total = cells[at], dict(zip(cells[at], cells[at + 1]))
    assert header[:4] == ("Kode", "Uraian", "Pagu Revisi", "Lock Pagu")
    assert (total["Uraian"], total["Pagu Revisi"], total["Blokir"], total["Komitmen"],
            total["%"]) == ("JUMLAH SELURUHNYA", 4_200_000, 50_000, 500_000, 21.43)
    assert [row[:2] for row in cells[at + 2:]] == [LMJ, JBR, BDG]
    before = path.read_bytes()
    refused(args,
            f"{path} already exists; choose a new file name, or add --force to replace it")
    assert path.read_bytes() == before
    assert ok("consolidate", *args, "--force").stdout == f"Wrote {path}\n"


def test_output_never_replaces_a_source_ledger(three):
    before = log_rows(three[1])
    refused([*three, "--as-of", "2024-12-31", "--format", "csv", "--output", three[1],
             "--force"],
            f"{three[1]} is the ledger being read (or one of its -wal/-shm files); anggaran never "
            "writes over it, --force or not: choose another file name")
    assert log_rows(three[1]) == before


def test_csv_table_and_markdown(three, tmp_path):
    csv_text = ok("consolidate", *three, "--as-of", "2024-12-31", "--format", "csv").stdout
    lines = csv_text.splitlines()
    assert lines[0] == ("code,level,name,ceiling,locked,realised_before,realised_in_period,realised,"
                        "absorption_pct,balance,available,blocked,committed")
    assert lines[1] == ",total,JUMLAH SELURUHNYA,4200000,100000,550000,350000,900000,21.43,3300000,2650000,50000,500000"
    assert lines[2].startswith("657757,satker,KPU KABUPATEN LUMAJANG,1500000,")
    table = ok("consolidate", *three, "--as-of", "2024-12-31", "--from", "2024-12-01").stdout
    assert table.startswith("KONSOLIDASI REALISASI SP2D TA 2024\nGabungan 3 satuan kerja\n"
                            "Periode 2024-12-01 s.d. 2024-12-31\n")
    assert "Blokir" in table and "Komitmen" in table and "Pagu Tersedia" in table
    total = next(line for line in table.splitlines() if line.startswith("JUMLAH SELURUHNYA"))
    assert total.split()[2:5] == ["4.200.000", "100.000", "50.000"]
    assert any(line.startswith("657758 KPU KABUPATEN JEMBER ") for line in table.splitlines())
    markdown = ok("consolidate", *three, "--as-of", "2024-12-31", "--format", "markdown",
                  "--locale", "en").stdout
    assert markdown.startswith("**KONSOLIDASI REALISASI SP2D TA 2024**  \n")
    assert "| JUMLAH SELURUHNYA" in markdown and "4,200,000" in markdown and "21.43" in markdown
    out = tmp_path / "k.csv"
    assert ok("consolidate", *three, "--as-of", "2024-12-31", "--format", "csv", "--output",
              out).stdout == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8") == csv_text


# ------------------------------------------------------------------ Python API

def test_the_python_twin_opens_one_ledger_at_a_time_and_closes_each(three):
    from anggaran.ledger import Ledger

    state = {"open": 0, "most": 0, "closed": 0}

    def opener(path):
        def open_fn():
            ledger = Ledger.open(path)
            state["open"] += 1
            state["most"] = max(state["most"], state["open"])
            real = ledger.close

            def close():
                state["open"] -= 1
                state["closed"] += 1
                real()
            ledger.close = close
            return ledger
        return (str(path), open_fn)

    result = consolidate([opener(p) for p in three], as_of="31/12/2024")
    assert (state["most"], state["open"], state["closed"]) == (1, 0, 3)
    assert result["as_of"] == "2024-12-31" and result["year"] == 2024
    assert result["satker"] == [{"code": c, "name": n, "group": None} for c, n in (LMJ, JBR, BDG)]
    cli_rows = as_json(*three, "--as-of", "2024-12-31")["rows"]
    assert [{**r, "absorption_pct": float(r["absorption_pct"])} for r in result["rows"]] == cli_rows


def test_a_source_whose_open_fails_is_named_with_its_reason(three):
    def unreachable():
        raise LedgerError("could not connect to the server")

    label = "postgresql://kpu@db/anggaran satker 657760"
    with pytest.raises(LedgerError) as caught:
        consolidate([*sources_from_paths(three), (label, unreachable)], as_of="2024-12-31")
    assert str(caught.value) == (f"satker ledger {label} cannot be opened: could not connect to "
                                 "the server")
    with pytest.raises(AnggaranError, match="nothing to consolidate"):
        consolidate([], as_of="2024-12-31")


def test_sources_of_files_and_databases(three, monkeypatch):
    from anggaran import consolidate as consolidating

    asked = []

    def database_sources(url):
        asked.append(url)
        return [(f"{url} satker 657760", lambda: None)]

    monkeypatch.setattr(consolidating, "database_sources", database_sources)
    pairs = sources_of([three[0], "postgresql://kpu@db/anggaran", "postgres://db/x"])
    assert [label for label, _ in pairs] == [str(three[0]), "postgresql://kpu@db/anggaran satker 657760",
                                             "postgres://db/x satker 657760"]
    assert asked == ["postgresql://kpu@db/anggaran", "postgres://db/x"]
    assert [label for label, _ in sources_of(str(three[1]))] == [str(three[1])]
    with pairs[0][1]() as ledger:
        assert ledger.satker == {"code": LMJ[0], "name": LMJ[1]}
