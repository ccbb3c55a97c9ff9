"""The README is the front door: every command has help with an example and a row in the
command reference; CI runs the README's test command."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from anggaran.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name):
    command = cli.commands[name]
    assert command.help and len(command.help.split("\n")[0]) > 10
    assert "Example" in command.help
    out = CliRunner().invoke(cli, [name, "--help"], obj={})
    assert out.exit_code == 0 and "Usage: " in out.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme_reference(name):
    reference = README.split("## Command reference", 1)[1]
    assert re.search(r"^\| `" + re.escape(name) + r"[ `]", reference, re.M), name


def test_ci_runs_the_readme_test_command():
    block = README.split("Install and run the tests:", 1)[1].split("```sh\n", 1)[1].split("\n```")[0]
    ci = (ROOT / ".ci" / "run").read_text()
    assert block.strip() in ci


def test_version_and_shell_completion():
    out = CliRunner().invoke(cli, ["--version"], obj={})
    assert out.exit_code == 0 and re.fullmatch(r"anggaran \d+\.\d+\.\d+\n", out.output)
    script = CliRunner().invoke(cli, [], prog_name="anggaran", obj={},
                                env={"_ANGGARAN_COMPLETE": "bash_source"})
    assert "_anggaran_completion" in script.output and "complete " in script.output
    assert '_ANGGARAN_COMPLETE=bash_source anggaran' in README


def test_readme_links_to_files_that_exist():
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)\)", README):
        path = (ROOT / target) if not target.startswith("../") else (ROOT.parent / target[3:])
        if target.startswith("../shared"):
            continue  # beside the repository, not in it
        assert path.exists(), target


def test_a_checkout_runs_without_an_install(tmp_path):
    """``python -m anggaran`` and ``python -m pytest`` work from a checkout: the top-level
    ``cli/`` and ``ledger_data/`` are found as ``anggaran.cli`` and ``anggaran.ledger_data``."""
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    done = subprocess.run([sys.executable, "-m", "anggaran", "--db", str(tmp_path / "x.db"), "demo",
                           "--format", "json"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert '"ceiling": 107905482000' in done.stdout
    probe = ("import anggaran.cli.main as m, anggaran.ledger_data as d, os; "
             "print(os.path.dirname(m.__file__), os.path.dirname(d.__file__))")
    where = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                           env=env)
    assert where.stdout.split() == [str(ROOT / "cli"), str(ROOT / "ledger_data")], where.stderr


def test_the_data_generator_stays_out_of_the_wheel():
    """``ledger_data/tools/make_lumajang.py`` is in the repository, not in the package: the
    packaged folders are exactly the ones pyproject lists, and tools/ is none of them."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = project["tool"]["setuptools"]["packages"]
    assert (ROOT / "ledger_data" / "tools" / "make_lumajang.py").is_file()
    assert not any(p.endswith("tools") for p in packages)
    assert not (ROOT / "ledger_data" / "make_lumajang.py").exists()


def test_the_architecture_page_names_real_modules_and_all_of_them():
    """docs/architecture.md stays true: every module it names exists, and every module of
    the library and the command line is named there."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b((?:anggaran|cli)/[a-z_0-9]+\.py)\b", page))
    assert named, "the page names no module"
    for path in sorted(named):
        assert (ROOT / path).is_file(), f"docs/architecture.md names {path}, which does not exist"
    import importlib

    for module, name in set(re.findall(r"`([a-z_][a-z_0-9]*)\.([A-Za-z_][A-Za-z_0-9]*)", page)):
        if (ROOT / "anggaran" / f"{module}.py").is_file() and name != "py":
            owner = importlib.import_module(f"anggaran.{module}")
            head = name.split(".")[0]
            assert hasattr(owner, head), f"docs/architecture.md names {module}.{head}, which does not exist"
    modules = {f"{folder}/{p.name}" for folder in ("anggaran", "cli")
               for p in (ROOT / folder).glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    assert modules - named == set(), "modules missing from docs/architecture.md"
