"""The README's walkthrough is true: every ``$ anggaran …`` line in it is run, in order, in
a fresh folder, and its output must be what the README shows (``…`` stands for text that
changes from run to run, such as a hash over the time of recording)."""

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from anggaran.cli.main import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def walkthrough():
    """Yield ("file", name, text) and ("run", command, expected output) in README order."""
    section = README.split("## A finance officer's day", 1)[1].split("\n## ", 1)[0]
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
