"""Every CLI command has help text with an Example and is documented in the README."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _commands(group: click.Group, prefix: str = "warta") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out += _commands(cmd, full)
        else:
            out.append((full, cmd))
    return out


COMMANDS = _commands(cli)


def test_core_commands_exist() -> None:
    names = {name for name, _ in COMMANDS}
    for required in ("warta demo", "warta crawl", "warta parse", "warta extract", "warta search", "warta stats"):
        assert required in names


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help_with_example(name: str, cmd: click.Command) -> None:
    args = name.split()[1:] + ["--help"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"{name} --help has no Example: block"
    assert cmd.help and cmd.help.strip()


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_command_in_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(re.escape(name) + r"\b", readme), f"README does not mention `{name}`"


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "warta" in result.output


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_help_examples_keep_their_line_breaks(name: str, cmd: click.Command) -> None:
    """Without click's \\b marker the example lines were rewrapped into one paragraph."""
    doc = (cmd.callback.__doc__ if cmd.callback else "") or ""
    block = doc.split("Example:", 1)[1].split("\n\n", 1)[0]
    examples = [line.strip() for line in block.strip().splitlines()]
    assert examples
    help_lines = [line.strip() for line in CliRunner().invoke(cli, name.split()[1:] + ["--help"]).output.splitlines()]
    for example in examples:
        assert example in help_lines, f"{name} --help rewrapped the example {example!r}"


def test_lock_file_is_ignored_and_cleaned() -> None:
    for path in ("warta.db.lock", "sub/other.db.lock"):
        assert subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0, path
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True)
    assert "warta.db.lock" in dry.stdout and "warta.db-wal" in dry.stdout


def test_no_reference_to_a_missing_docs_folder() -> None:
    for path in [ROOT / "README.md", *ROOT.glob("pipeline/*.toml"), *ROOT.glob("*/*.py")]:
        for ref in re.findall(r"\bdocs/[\w./-]+", path.read_text(encoding="utf-8")):
            assert (ROOT / ref).exists(), f"{path.name} names {ref}, which does not exist"
