"""The command line explains itself: `record --help` lists every kind from the kinds
table, every option of every command has help text, defaults are stated, and the help
never points at a file that an install does not have."""

import re

import pytest
from click.testing import CliRunner

from anggaran.cli.main import cli
from anggaran.kinds import ALIASES, KINDS


def help_of(*command):
    result = CliRunner().invoke(cli, [*command, "--help"], obj={}, terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def flat(text):
    return " ".join(text.split())


def kinds_section():
    text = help_of("record")
    return text.split("Kinds (KIND, or its Indonesian name in brackets):", 1)[1].split("\nOptions:")[0]


def entry(section, kind):
    """The help entry of one kind: from its name to the next kind's."""
    starts = {k: re.search(rf"^  {k}[ :]", section, re.M).start() for k in KINDS}
    after = sorted(s for s in starts.values() if s > starts[kind])
    return flat(section[starts[kind]:after[0] if after else None])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_record_help_says_what_each_kind_does_and_needs(kind):
    spec = KINDS[kind]
    text = entry(kinds_section(), kind)
    assert flat(spec.doc) in text
    needs, _, may = text.partition("Needs ")[2].partition("; may have ")
    assert set(re.findall(r"--([a-z0-9-]+)", needs)) == {f.replace("_", "-") for f in spec.required}
    assert set(re.findall(r"--([a-z0-9-]+)", may)) == {f.replace("_", "-") for f in spec.optional}


@pytest.mark.parametrize("alias,kind", sorted(ALIASES.items()))
def test_record_help_names_the_indonesian_kinds(alias, kind):
    assert alias.replace("_", " ") in entry(kinds_section(), kind).split(":")[0]


def test_record_help_never_breaks_an_option_at_its_hyphen():
    for line in kinds_section().splitlines():
        assert not line.rstrip().endswith("-"), line
        assert len(line) <= 80


def test_every_field_of_every_kind_is_an_option_of_record():
    options = {p.name for p in cli.commands["record"].params}
    for kind, spec in KINDS.items():
        assert spec.required | spec.optional <= options, kind


def test_record_has_voids():
    assert "--voids SEQ void: the seq of the event recorded in error." in flat(help_of("record"))


def every_option():
    for name, command in sorted(cli.commands.items()):
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                yield name, param
    for param in cli.params:
        if param.param_type_name == "option":
            yield "(group)", param


@pytest.mark.parametrize("command,option", [(c, p.opts[0]) for c, p in every_option()])
def test_every_option_has_help(command, option):
    param = next(p for c, p in every_option() if c == command and p.opts[0] == option)
    assert param.help and len(param.help) > 5, f"{command} {option}"


def test_record_has_the_contract_options():
    text = flat(help_of("record"))
    for option in ("--contract NUMBER sp2d: the contract it pays",
                   "--signed D contract: the day it was signed (default: --date",
                   "--supplier TEXT contract: the supplier (penyedia).",
                   "--end D contract: the day the work should end."):
        assert option in text
    assert "anggaran record kontrak --date 2025-03-03" in text


def test_report_and_demo_name_both_views():
    for command in ("report", "demo"):
        text = flat(help_of(command))
        assert "--view [official|funds]" in text and "[default: official]" in text
        assert "Blokir, Lock Pagu, Komitmen, Realisasi s.d. Periode, Pagu Tersedia" in text


def test_contracts_help_says_what_each_figure_is():
    text = flat(help_of("contracts"))
    assert "--known-at T" in text and "--format [table|markdown|csv|json]" in text
    assert "outstanding, what is still committed (0 once it is closed" in text


def test_by_states_its_default():
    for command in ("report", "demo"):
        assert "[default: kegiatan]" in flat(help_of(command))


def test_export_help_does_not_send_users_to_a_file_they_do_not_have():
    text = flat(help_of("export"))
    assert "docs/export.md in the source repository" in text
    assert "See docs/export.md" not in text


def test_demo_help_shows_the_group_option_before_the_command():
    assert "anggaran --db FILE demo" in help_of("demo")
    refused = CliRunner().invoke(cli, ["demo", "--db", "x.db"], obj={})
    assert refused.exit_code == 2
    assert refused.stderr == ("Error: --db is an option of anggaran itself: give it before the "
                              "command, as in: anggaran --db x.db demo\n")


def test_no_ledger_says_how_to_create_one_with_placeholders(tmp_path):
    path = tmp_path / "none.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "report"], obj={})
    assert result.exit_code == 1
    assert result.stderr == (f"Error: no ledger at {path}; create one with: anggaran --db {path} "
                             'init --satker KODE --name "NAMA SATKER"\n')
    assert not path.exists()


def test_rules_prints_all_or_one_and_refuses_an_unknown_one():
    from anggaran.reference import rules_text

    runner = CliRunner()
    every = runner.invoke(cli, ["rules"], obj={})
    assert every.exit_code == 0 and every.output == rules_text(None, "id") + "\n"
    five = runner.invoke(cli, ["rules", "5", "--locale", "en"], obj={})
    assert five.exit_code == 0 and five.output == rules_text(5, "en") + "\n"
    assert five.output != runner.invoke(cli, ["rules", "5"], obj={}).output
    unknown = runner.invoke(cli, ["rules", "99"], obj={})
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("Error: rule 99 does not exist")
    assert unknown.stderr.count("\n") == 1


def test_rules_needs_no_ledger(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["rules", "1"], obj={}).exit_code == 0
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ result lines

def test_a_carry_over_says_from_which_line_to_which_year(run):
    assert run("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
               "--amount", "100.000.000", "--ref", "DIPA-2024").exit_code == 0
    result = run("record", "luncuran", "--date", "2024-12-20", "--code", "CQ.6639", "--akun",
                 "521211", "--amount", "Rp 50.000.000", "--ref", "LUN-1")
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(r"Recorded carry_over as seq 2 \(head [0-9a-f]{16}…\): 50\.000\.000 from "
                        r"CQ\.6639/521211 to 2025\n", result.stdout)
    later = run("record", "carry-over", "--date", "2024-12-21", "--code", "CQ.6639", "--akun",
                "521211", "--amount", "1.000", "--ref", "LUN-2", "--to-year", "2026")
    assert later.stdout.endswith(": 1.000 from CQ.6639/521211 to 2026\n")


def test_import_line_counts_summary_rows_when_the_importer_reports_them(run, tmp_path,
                                                                        monkeypatch):
    from anggaran.ledger import Ledger

    path = tmp_path / "p.csv"
    path.write_text("kind,date,code,akun,amount,ref\npagu,2024-01-02,CQ.6639,521211,1000,D-1\n",
                    encoding="utf-8")
    plain = run("import", path)
    assert plain.stdout == "1 new, 0 already recorded (head seq 1)\n"

    real = Ledger.import_file

    def with_summary(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        return type("Result", (), {**{k: getattr(result, k) for k in
                                      ("new", "skipped", "head_seq")}, "summary_rows": 2})()

    monkeypatch.setattr(Ledger, "import_file", with_summary)
    assert run("import", path).stdout == ("0 new, 1 already recorded (head seq 1), 2 summary rows "
                                          "skipped\n")
