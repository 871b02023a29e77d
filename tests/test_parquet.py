"""warta export --format parquet: one file per table, names beside ids, read back with pyarrow."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from db.exceptions import ExportError
from db.parquet import PARQUET_TABLES
from db.store import Store
from pipeline.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_whole_store_one_file_per_table_with_names(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    code, text = run("export", "--db", str(demo_store), "--format", "parquet", "--output", str(out))
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in PARQUET_TABLES)
    conn = sqlite3.connect(demo_store)
    for table in PARQUET_TABLES:
        read = pq.read_table(out / f"{table}.parquet")
        assert read.num_rows == conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
        assert f"{read.num_rows} rows of {table} written" in text
    names = dict(conn.execute("SELECT id, name FROM entities"))
    assert names

    mentions = pq.read_table(out / "mentions.parquet")
    assert mentions.schema.field("entity_id").type == pa.int64()
    assert mentions.schema.field("confidence").type == pa.float64()
    assert mentions.column_names.index("entity") == mentions.column_names.index("entity_id") + 1
    for row in mentions.to_pylist():
        assert row["entity"] == names[row["entity_id"]]

    roles = pq.read_table(out / "official_roles.parquet").to_pylist()
    yani = next(r for r in roles if r["person"] == "Ahmad Yani")
    assert (yani["position"], yani["org_entity"]) == ("bupati muara enim", "Kabupaten Muara Enim")
    assert all(r["person"] == names[r["person_id"]] for r in roles)

    articles = pq.read_table(out / "articles.parquet")
    assert {"id", "canonical_url", "title", "text", "published", "outlet"} <= set(articles.column_names)
    assert not {"html", "fingerprint"} & set(articles.column_names)  # binary columns left out
    assert articles.column("id").to_pylist() == [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    participants = pq.read_table(out / "programme_participants.parquet").to_pylist()
    assert any(r["programme"] == "Gerakan Menuju 100 Smart City" and r["region"] for r in participants)
    assert not list(out.glob(".*"))  # no temporary file left behind


def test_one_table_and_columns(demo_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "one"
    code, text = run("export", "--db", str(demo_store), "--format", "parquet", "--table", "officials",
                     "-c", "person", "-c", "position", "--output", str(out))
    assert code == 0, text
    assert [p.name for p in out.iterdir()] == ["officials.parquet"]
    read = pq.read_table(out / "officials.parquet")
    assert read.column_names == ["person", "position"]
    assert {"person": "Ahmad Yani", "position": "bupati muara enim"} in read.to_pylist()


def test_refusals_write_nothing(demo_store: Path, tmp_path: Path) -> None:
    code, text = run("export", "--db", str(demo_store), "--format", "parquet")
    assert code == 1 and "give one with --output" in text
    out = tmp_path / "corpus"
    code, text = run("export", "--db", str(demo_store), "--format", "parquet", "--table", "nope", "--output", str(out))
    assert code == 1 and "cannot export table 'nope'" in text and not out.exists()
    code, text = run("export", "--db", str(demo_store), "--format", "parquet", "-c", "title", "--output", str(out))
    assert code == 1 and "choose one table" in text and not out.exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("keep")
    code, text = run("export", "--db", str(demo_store), "--format", "parquet", "--output", str(a_file))
    assert code == 1 and "it is a file" in text and a_file.read_text() == "keep"
    code, text = run("export", "--db", str(demo_store), "--format", "parquet", "--output", str(tmp_path / "no" / "x"))
    assert code == 1 and "does not exist" in text


def test_never_overwrites_the_store(demo_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    db = folder / "articles.parquet"  # a store whose name is the file the export would write
    shutil.copy(demo_store, db)
    code, text = run("export", "--db", str(db), "--format", "parquet", "--output", str(folder))
    assert code == 1 and "is the store itself" in text
    assert {p.name for p in folder.iterdir()} <= {"articles.parquet", "articles.parquet-wal", "articles.parquet-shm"}
    store = Store(db)  # still the store, whole
    assert store.stats()["articles"] == 13
    store.close()


def test_failed_table_keeps_the_previous_file(demo_store: Path, tmp_path: Path) -> None:
    """Files are written under a temporary name and renamed: a failure leaves the old file whole."""
    db = tmp_path / "warta.db"
    shutil.copy(demo_store, db)
    out = tmp_path / "corpus"
    store = Store(db)
    assert store.export_parquet(out, ["dates"])["dates"] > 0
    before = (out / "dates.parquet").read_bytes()
    with store.conn:
        store.conn.execute("UPDATE dates SET char_start = 'not a number' WHERE id = (SELECT min(id) FROM dates)")
    with pytest.raises(ExportError, match=r"dates.char_start .*CSV or JSON Lines"):
        store.export_parquet(out, ["dates"])
    store.close()
    assert (out / "dates.parquet").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["dates.parquet"]


def test_empty_table_has_its_columns(db_path: Path, tmp_path: Path) -> None:
    store = Store(db_path)
    written = store.export_parquet(tmp_path / "out", ["official_relations"])
    store.close()
    assert written == {"official_relations": 0}
    read = pq.read_table(tmp_path / "out" / "official_relations.parquet")
    assert read.num_rows == 0 and "subject" in read.column_names
    assert read.schema.field("subject_id").type == pa.int64()
