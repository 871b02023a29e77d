"""Shared fixtures: real on-disk SQLite files, the ../shared data folder."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder; tests that need it are skipped with a reason when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}: shared data tests need it beside the repo")
    return SHARED


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh on-disk SQLite store in tmp_path."""
    return tmp_path / "warta.db"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled by ``warta demo`` (the bundled demo site over real HTTP), shared read-only."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    db = tmp_path_factory.mktemp("demo-store") / "warta.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return db
