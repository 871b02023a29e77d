"""``warta serve`` as a user runs it: a real subprocess, the port it bound, a port in use."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

WARTA = Path(sys.executable).with_name("warta")

pytestmark = pytest.mark.skipif(not WARTA.exists(), reason=f"the warta script is not installed at {WARTA}")


def test_port_0_prints_the_port_bound(demo_store: Path) -> None:
    proc = subprocess.Popen([str(WARTA), "serve", "--db", str(demo_store), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        m = re.fullmatch(rf"Serving {re.escape(str(demo_store))} on http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops\)\n", first)
        assert m, first
        port = int(m.group(1))
        assert port != 0
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{port}/warta/articles.json?_shape=array&_size=1", timeout=20) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_port_in_use_is_one_clear_line(demo_store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([str(WARTA), "serve", "--db", str(demo_store), "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"Error: cannot listen on 127.0.0.1:{port}: the port is in use; choose another "
                             "with --port (--port 0 takes any free one)\n")
