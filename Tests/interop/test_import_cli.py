"""`toolgate import` on the demo spec, on bad input, and on the shared corpus, with every input
schema checked by a real JSON Schema 2020-12 validator (the `jsonschema` package)."""
import json
import re
import subprocess

import pytest
from jsonschema import Draft202012Validator

from conftest import CORPUS, REPO

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
CORPUS_DOCUMENTS = [
    "oai-petstore-v3.0.yaml", "oai-petstore-expanded-v3.0.yaml", "oai-webhook-example-v3.1.yaml",
    "openai-openapi-v3.1.yaml", "stripe-spec3-2023-05-30-v3.0.yaml", "github-api.github.com-2022-07-v3.0.yaml",
    "oai-petstore-v2.0.json", "swagger-petstore-v2-formdata-swagger2.0.json", "slack-web-api-swagger2.0.json",
    "kubernetes-v1.32-swagger2.0.json", "oai-petstore-separate-v2.0/spec/swagger.yaml",
    "digitalocean-v2-multifile/DigitalOcean-public.v2.yaml",
]


def import_json(toolgate, path):
    completed = subprocess.run([toolgate, "import", str(path), "--format", "json"], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def check_tools(document):
    names = [tool["name"] for tool in document["tools"]]
    assert all(NAME.match(name) for name in names), [n for n in names if not NAME.match(n)][:5]
    assert len(set(names)) == len(names)
    for tool in document["tools"]:
        schema = tool["inputSchema"]
        assert schema["type"] == "object", tool["name"]
        Draft202012Validator.check_schema(schema)
        Draft202012Validator(schema)  # every $ref inside resolves
        assert tool["description"]


def test_demo_spec_imports_cleanly(toolgate):
    document = import_json(toolgate, REPO / "specs" / "demo-api.yaml")
    check_tools(document)
    assert document["summary"] == {"operations": 8, "tools": 8, "skipped": 0, "excluded": 0, "errors": 0, "warnings": 0}
    create = next(tool for tool in document["tools"] if tool["name"] == "createPet")
    assert create["inputSchema"]["required"] == ["name", "species"]
    assert create["x-toolgate"] == {"method": "POST", "path": "/pets", "server": "http://127.0.0.1:8081"}


@pytest.mark.parametrize("name", CORPUS_DOCUMENTS)
def test_corpus_document_imports_with_valid_schemas(toolgate, name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    document = import_json(toolgate, path)
    check_tools(document)
    summary = document["summary"]
    assert summary["tools"] == summary["operations"] - summary["skipped"] - summary["excluded"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["import", "/nonexistent/spec.yaml"], "/nonexistent/spec.yaml: no such file"),
        (["import", str(REPO / "fixtures" / "not-openapi.yaml")], "not an OpenAPI document"),
        (["stdio", "--spec", "/nonexistent.json"], "/nonexistent.json: no such file"),
        (["import"], "Missing expected argument"),
        (["import", str(REPO / "specs" / "demo-api.yaml"), "--format", "xml"], "--format"),
    ],
)
def test_bad_input_is_a_one_line_error(toolgate, args, fragment):
    completed = subprocess.run([toolgate, *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert completed.returncode != 0
    assert fragment in completed.stderr
    assert completed.stdout == ""


def test_import_from_url(toolgate, tmp_path):
    """A document served over HTTP on 127.0.0.1 imports like the file; a 404 is a one-line error."""
    import http.server
    import threading
    import functools

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(REPO))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        document = import_json(toolgate, f"{base}/specs/demo-api.yaml")
        assert document["summary"]["tools"] == 8
        # A multi-file document over HTTP: its relative $refs are fetched from the same place.
        multi = import_json(toolgate, f"{base}/fixtures/openapi/multifile/root.yaml")
        check_tools(multi)
        assert [tool["name"] for tool in multi["tools"]] == ["listPets", "createPet", "getPet", "createOwner"]
        create = next(tool for tool in multi["tools"] if tool["name"] == "createPet")
        assert create["inputSchema"]["properties"]["owner"]["properties"]["pets"]["items"] == {"$ref": "#/$defs/pet"}
        errors = [d["message"] for d in multi["diagnostics"] if d["severity"] == "error"]
        assert errors == ["reference target 'common/missing-file.yaml' cannot be read: HTTP 404 Not Found"]
        missing = subprocess.run([toolgate, "import", f"{base}/nope.yaml"], capture_output=True, text=True, timeout=60)
        assert missing.returncode != 0 and "HTTP 404" in missing.stderr
    finally:
        server.shutdown()
