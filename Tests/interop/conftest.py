"""Shared fixtures: the built binaries, a live demo API on 127.0.0.1, the shared corpus."""
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("TOOLGATE_BIN_DIR", REPO / ".build" / "debug"))
CORPUS = REPO.parent / "shared" / "specs-corpus"


@pytest.fixture(scope="session")
def toolgate() -> str:
    path = BIN / "toolgate"
    if not path.exists():
        pytest.fail(f"{path} is missing: build first (swift build)")
    return str(path)


@pytest.fixture()
def demo_api():
    """Starts toolgate-demo-api on a free port; yields its base URL; stops it."""
    process = subprocess.Popen(
        [str(BIN / "toolgate-demo-api"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        line = process.stdout.readline()  # "toolgate-demo-api listening on http://127.0.0.1:PORT"
        assert "listening on http://127.0.0.1:" in line, f"demo API did not start: {line!r}"
        yield line.strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
