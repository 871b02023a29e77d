"""benchmarks/store.py as a module, for the store tests that load its generated corpus (facts drawn
from shared pools of people, institutions and places, surname-only mentions, near-copies) or
compare its query kinds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def store_benchmark() -> ModuleType:
    """The benchmark module, loaded once per test process."""
    name = "warta_bench_store"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "store.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
