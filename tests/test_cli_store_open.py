"""Every command opens ``--db`` the same way: a missing folder, a file that is not SQLite, or an
SQLite database that is not a warta store gets one clear line (no traceback) and is left alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

#: Every command that takes --db, with the arguments it needs besides it.
COMMANDS = [
    ["crawl", "http://127.0.0.1:9/feed.xml", "--allow-private", "--delay", "0"],
    ["demo"],
    ["search", "smart city"],
    ["stats"],
    ["entity", "Yani"],
    ["programme", "smart city"],
    ["export", "--table", "articles"],
    ["reextract"],
    ["serve", "--port", "0"],
    ["show", "1"],
]


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_missing_folder_is_named(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "missing_dir" / "x.db"
    code, out = run([*args, "--db", str(db)])
    assert code == 1
    assert out.count("\n") == 1 and f"the folder {db.parent} does not exist" in out
    assert not db.parent.exists()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_file_that_is_not_sqlite_is_refused(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_text("not a database\n")
    code, out = run([*args, "--db", str(db)])
    assert code == 1
    assert out == f"Error: {db} is not an SQLite database: give the path of a warta store\n"
    assert db.read_text() == "not a database\n"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_sqlite_file_of_another_program_is_refused_not_taken_over(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    code, out = run([*args, "--db", str(db)])
    assert code == 1
    assert out == f"Error: {db} is an SQLite database but not a warta store (no articles table)\n"
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_read_commands_do_not_create_a_store(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, out = run(["stats", "--db", str(db)])
    assert code == 1 and f"no store at {db}: fill one first" in out
    assert not db.exists()
