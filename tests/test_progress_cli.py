"""Long jobs show a progress line on a terminal and nothing when stderr is not one (cron, pipes)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

WARTA = Path(sys.executable).with_name("warta")

pytestmark = pytest.mark.skipif(not WARTA.exists(), reason=f"the warta script is not installed at {WARTA}")

TEXT = "Bupati Lahat Sandi Pramudya SH meninjau Vaksinasi Covid-19 tahap II, Minggu (7/3)."


def run_with_stderr_on_a_terminal(args: list[str]) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(WARTA), *args], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_extract_input_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    rows = tmp_path / "in.jsonl"
    rows.write_text("".join(json.dumps({"id": f"a{i}", "text": TEXT}) + "\n" for i in range(3)), encoding="utf-8")
    args = ["extract", "--no-ner", "--input", str(rows), "--output", str(tmp_path / "p.jsonl")]
    code, err = run_with_stderr_on_a_terminal(args)
    assert code == 0, err
    assert "\r  extracted 3/3" in err
    piped = subprocess.run([str(WARTA), *args], capture_output=True, text=True, timeout=120)
    assert (piped.returncode, piped.stderr) == (0, "")
    assert len((tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_reextract_shows_progress_on_a_terminal(demo_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "warta.db"
    db.write_bytes(demo_store.read_bytes())
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET extractor_version = '0.0.1'")
    code, err = run_with_stderr_on_a_terminal(["reextract", "--db", str(db)])
    assert code == 0, err
    assert "\r  re-extracted 13/13" in err
