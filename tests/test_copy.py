"""``anggaran copy``: the ledger, hashes and all, to a new file or database; verified."""

from conftest import Run, head_hash, log_rows

PAGU = ("record", "pagu", "--date", "2024-01-02", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "1000000", "--ref", "DIPA-1")
SP2D = ("record", "sp2d", "--date", "2024-03-01", "--code", "CQ.6639", "--akun", "521211",
        "--amount", "250000", "--ref", "S1")


def test_copy_to_a_new_or_empty_file_keeps_every_hash_and_figure(run, tmp_path):
    assert run(*PAGU).exit_code == 0 and run(*SP2D).exit_code == 0
    for dest in (tmp_path / "new.db", tmp_path / "empty.db"):
        if dest.name == "empty.db":
            dest.write_bytes(b"")  # a file of no bytes is an empty SQLite database
        result = run("copy", run.db, dest)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == (f"Copied 2 events to {dest}; the copy verifies (head seq 2 hash "
                                 f"{head_hash(run.db)})\n")
        assert log_rows(dest) == log_rows(run.db)
        copy = Run(dest)
        assert copy("report", "--as-of", "2024-12-31", "--format", "json").stdout == run(
            "report", "--as-of", "2024-12-31", "--format", "json").stdout
        assert copy(*SP2D[:-1], "S2").exit_code == 0  # the copy is a ledger that goes on


def test_copy_refuses_an_existing_file_and_itself(run, tmp_path):
    assert run(*PAGU).exit_code == 0
    dest = tmp_path / "taken.db"
    dest.write_bytes(b"something else")
    for args, message in (((run.db, dest), f"Error: {dest} already exists; copy writes only a new "
                           "ledger file (move or remove it first, or choose another DEST)\n"),
                          ((run.db, run.db), "Error: SOURCE and DEST are the same ledger; give "
                           "another DEST\n")):
        result = run("copy", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)
    assert dest.read_bytes() == b"something else"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_records_made_while_copying_are_not_part_of_the_copy(run, tmp_path, monkeypatch):
    """The copy is one snapshot of SOURCE: an SP2D recorded by another officer while the
    tables stream across is not in it, and the copy still verifies against the head it
    copied (not the head SOURCE has by the time the copy is checked)."""
    from anggaran import copying
    from anggaran.ledger import Ledger

    assert run(*PAGU).exit_code == 0 and run(*SP2D).exit_code == 0
    copied = head_hash(run.db)
    stream, done = copying._copy_table, []

    def meanwhile(src, out, table, order, written=0):
        if not done:  # the first table: another officer records, and commits
            done.append(run(*SP2D[:-1], "S2").exit_code)
        return stream(src, out, table, order, written)

    monkeypatch.setattr(copying, "_copy_table", meanwhile)
    with Ledger.open(str(run.db)) as ledger:
        result = ledger.copy_to(tmp_path / "snapshot.db")
    assert done == [0] and (result.events, result.head_hash) == (2, copied)
    assert head_hash(tmp_path / "snapshot.db") == copied != head_hash(run.db)
