"""The README's walkthroughs are true: every ``$ anggaran …`` line in them is run, in
order, in a fresh folder, and its output must be what the README shows (``…`` stands for
text that changes from run to run, such as a hash over the time of recording). The
"Many offices" walkthrough runs against the test session's own PostgreSQL server."""

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from anggaran.cli.main import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def walkthrough(heading="## A finance officer's day"):
    """Yield ("file", name, text), ("sql", text) and ("run", command, expected output), in
    README order, from the section whose heading starts with ``heading``."""
    section = README.split(heading, 1)[1].split("\n## ", 1)[0]
    lines = section.split("\n")
    i, pending = 0, None
    while i < len(lines):
        line = lines[i]
        m = re.match(r"<!-- file: (\S+) -->", line)
        if m:
            pending = m.group(1)
        elif line.startswith("```csv") and pending:
            end = lines.index("```", i + 1)
            yield "file", pending, "\n".join(lines[i + 1:end]) + "\n"
            pending, i = None, end
        elif line.startswith("```sql"):
            end = lines.index("```", i + 1)
            yield "sql", "\n".join(lines[i + 1:end])
            i = end
        elif line.startswith("```console"):
            end = lines.index("```", i + 1)
            block = lines[i + 1:end]
            starts = [k for k, b in enumerate(block) if b.startswith("$ ")]
            for n, k in enumerate(starts):
                stop = starts[n + 1] if n + 1 < len(starts) else len(block)
                yield "run", block[k][2:], "\n".join(block[k + 1:stop])
            i = end
        i += 1


def matches(expected, actual):
    pattern = "\n".join(".*?".join(map(re.escape, line.split("…"))) for line in expected.split("\n"))
    return re.fullmatch(pattern, actual) is not None


def test_walkthrough_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANGGARAN_DB", raising=False)
    steps = list(walkthrough())
    assert sum(1 for s in steps if s[0] == "run") >= 15
    for kind, what, body in steps:
        if kind == "file":
            (tmp_path / what).write_text(body, encoding="utf-8")
            continue
        args = shlex.split(what)
        assert args[0] == "anggaran"
        result = CliRunner().invoke(cli, args[1:], obj={}, env={"COLUMNS": "150"})
        actual = (result.stdout + result.stderr).rstrip("\n")
        assert matches(body, actual), f"$ {what}\n--- README ---\n{body}\n--- actual ---\n{actual}"


# What the "Many offices" section shows, and what stands for it in this test session: the
# README's URLs are those of its throwaway server (database ``anggaran``, a socket in
# /tmp/anggaran-pg); the test runs every command on a database and a role of its own.
README_URL = "postgresql://postgres@/anggaran?host=/tmp/anggaran-pg"
README_APP_URL = "postgresql://anggaran_app@/anggaran?host=/tmp/anggaran-pg"
README_ROLE = "anggaran_app"


@pytest.mark.postgresql_only
def test_many_offices_walkthrough_runs_as_written(backend, tmp_path, monkeypatch):
    """The PostgreSQL walkthrough (not its server start-up, a ``sh`` block): init, copy,
    the refusal without --satker (exit 2), writers of two satker, consolidate, backup,
    and the README's GRANTs, run as the owner, then a write by that role."""
    from conftest import pg_server

    server = pg_server()
    name, role = f"readme_{os.getpid()}", f"anggaran_app_readme_{os.getpid()}"
    url = server.create_database(name)
    app_url = server.url(name, user=role)

    def ours(text):
        text = text.replace(README_APP_URL, app_url).replace(README_URL, url)
        return text.replace("$ANGGARAN_DB", url)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANGGARAN_DB", url)
    monkeypatch.delenv("ANGGARAN_SATKER", raising=False)
    steps = list(walkthrough("## Many offices"))
    assert sum(1 for s in steps if s[0] == "run") >= 10
    assert sum(1 for s in steps if s[0] == "sql") == 1
    try:
        for kind, what, *body in steps:
            if kind == "file":
                (tmp_path / what).write_text(body[0], encoding="utf-8")
                continue
            if kind == "sql":
                server.execute(what.replace(README_ROLE, role), dbname=name)
                continue
            args, env = shlex.split(ours(what)), {"COLUMNS": "200"}
            while "=" in args[0]:  # NAME=value before the command, as a shell takes it
                key, value = args.pop(0).split("=", 1)
                env[key] = value
            assert args[0] == "anggaran"
            result = CliRunner().invoke(cli, args[1:], obj={}, env=env)
            actual = (result.stdout + result.stderr).rstrip("\n")
            expected = ours(body[0])
            assert matches(expected, actual), f"$ {what}\n--- README ---\n{expected}\n--- actual ---\n{actual}"
            if expected.startswith("Error:"):
                assert result.exit_code == (2 if "choose one with --satker" in expected else 1), what
            else:
                assert result.exit_code == 0, what
    finally:
        server.drop_database(name)
        server.execute(f'DROP ROLE IF EXISTS "{role}"')
