"""The suite's second process: runs the background builds tests/conftest.py names, in order.

Usage (tests/conftest.py starts it): ``python background_worker.py OUT NAME=FILE::FUNCTION ...``.
Each build is a function ``(root, built)`` of a test file, where ``root`` is a folder of its own
and ``built`` holds the builds already done; its value is pickled to ``OUT/NAME.pickle``, or its
traceback written to ``OUT/NAME.error``. Flows run on one Prefect test harness of this process.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _load(spec: str, index: int) -> Callable[[Path, dict[str, Any]], Any]:
    file, function = spec.split("::")
    module_spec = importlib.util.spec_from_file_location(f"background_build_{index}", file)
    assert module_spec is not None and module_spec.loader is not None, spec
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, function)


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: the test process polls for the file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def main(out: Path, builds: list[tuple[str, str]]) -> None:
    built: dict[str, Any] = {}
    try:
        from prefect.testing.utilities import prefect_test_harness

        with prefect_test_harness(server_startup_timeout=120):
            for index, (name, spec) in enumerate(builds):
                root = out / name
                root.mkdir()
                try:
                    built[name] = _load(spec, index)(root, built)
                    _write(out / f"{name}.pickle", pickle.dumps(built[name]))
                except Exception:
                    _write(out / f"{name}.error", traceback.format_exc().encode())
    except BaseException:
        for name, _ in builds:  # the harness itself failed: every build not done says why
            if not (out / f"{name}.pickle").exists() and not (out / f"{name}.error").exists():
                _write(out / f"{name}.error", traceback.format_exc().encode())
        raise


if __name__ == "__main__":
    main(Path(sys.argv[1]), [tuple(arg.split("=", 1)) for arg in sys.argv[2:]])  # type: ignore[misc]
