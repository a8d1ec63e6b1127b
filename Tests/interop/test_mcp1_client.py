"""The previous client generation, mcp 1.30.0 (in its own venv), over stdio and streamable HTTP."""
import json
import pathlib
import subprocess

import pytest

from conftest import REPO

SPEC = str(REPO / "specs" / "demo-api.yaml")
CLIENT = str(REPO / "Tests" / "interop" / "clients" / "mcp1_client.py")


@pytest.fixture(scope="session")
def mcp1_python():
    completed = subprocess.run(
        [str(REPO / "scripts" / "python-env"), "Tests/interop/requirements-mcp1.txt", ".venv-interop1"],
        capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def run_client(python, *args):
    completed = subprocess.run([python, CLIENT, *args], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def check(seen):
    assert seen["version"] == "2025-06-18" or seen["version"] == "2025-11-25"
    assert seen["server"] == "toolgate"
    assert seen["tools"][:3] == ["listPets", "createPet", "getPet"]
    assert seen["pet"]["name"] == "Misty"
    assert seen["missingIsError"] is True
    assert seen["summaryTotal"] == 3
    assert seen["cancelled"] is True and seen["afterCancel"] == "Rex", "a cancelled call leaves the session working"


def test_mcp1_over_stdio(toolgate, demo_api, mcp1_python):
    check(run_client(mcp1_python, "stdio", toolgate, SPEC, demo_api))


def test_mcp1_over_streamable_http(gateway, mcp1_python):
    seen = run_client(mcp1_python, "http", gateway)
    check(seen)
    assert seen["pages"] == 3 and len(seen["tools"]) == 8, "the gateway pages 3 tools at a time"
    assert seen["progress"] == [1.0, 2.0], "progress on the request's own SSE stream"


def test_mcp_proxy_bridges_stdio_to_toolgate(gateway, mcp1_python):
    """mcp-proxy 0.13.0, a stdio→HTTP bridge written elsewhere, as Toolgate's client: streamable HTTP and legacy SSE."""
    proxy = str(pathlib.Path(mcp1_python).parent / "mcp-proxy")
    check(run_client(mcp1_python, "proxy", proxy, "--transport", "streamablehttp", gateway))
    check(run_client(mcp1_python, "proxy", proxy, gateway + "/sse"))
