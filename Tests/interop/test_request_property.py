"""Property test over every operation: arguments generated from each tool's inputSchema
(hypothesis-jsonschema, formats honoured, each value confirmed valid by Python's jsonschema) are sent
by `toolgate stdio`. Every call must either reach the upstream, as a request a real OpenAPI request
validator (openapi-core) accepts against the original document, or be refused with an error naming
the argument; and since every value is one the tool's schema admits, a refusal is a failure: the
schema must predict everything the gateway refuses."""
import asyncio
import http.server
import json
import os
import re
import subprocess
import threading
import urllib.parse

import prance
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client, types
from openapi_core import Config, OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockRequest
from prance import ResolvingParser
from prance.util.resolver import RESOLVE_FILES, RESOLVE_INTERNAL

from conftest import CORPUS, REPO
from schema_instances import draw, reference_validator
from form_requests import FormRequests
from form_requests import RequestFault as FormFault
from swagger2_requests import RequestFault, Swagger2Requests

EXAMPLES_PER_TOOL = 3
DOCUMENTS = [
    REPO / "specs" / "demo-api.yaml",
    REPO / "fixtures" / "openapi" / "upstream.yaml",
    REPO / "fixtures" / "openapi" / "arguments.yaml",
    REPO / "fixtures" / "openapi" / "swagger2.json",
    REPO / "fixtures" / "openapi" / "swagger2-formats.json",
    REPO / "fixtures" / "openapi" / "form-encodings.yaml",
] + [CORPUS / name for name in (
    "oai-petstore-v3.0.yaml", "oai-petstore-expanded-v3.0.yaml", "oai-petstore-v2.0.json",
    "oai-petstore-separate-v2.0/spec/swagger.yaml", "swagger-petstore-v2-formdata-swagger2.0.json",
    "digitalocean-v2-multifile/DigitalOcean-public.v2.yaml", "slack-web-api-swagger2.0.json", "openai-openapi-v3.1.yaml",
    "stripe-spec3-2023-05-30-v3.0.yaml", "github-api.github.com-2022-07-v3.0.yaml", "kubernetes-v1.32-swagger2.0.json",
)]

# openapi-core 0.23.1 cannot parse label and matrix path styles (it rejects even the OpenAPI
# specification's own example `/.blue,black`); their wire format is asserted byte for byte in
# Tests/RESTUpstreamTests/RequestShapeTests.swift instead.
# openapi-core cannot deserialize deepObject query parameters and form fields at all (it rejects
# Stripe's `created[gte]=5` and `expand[0]=a` alike): those documents' requests are read back by
# form_requests.py and validated with openapi-schema-validator. openapi-core reads only OpenAPI 3:
# Swagger 2.0 requests go to bravado-core instead (swagger2_requests.py).
# Refusals are checked on all of them. A parameter whose schema the document marks readOnly
# (GitHub's alert numbers, DigitalOcean's SSH key ids) fails openapi-core's request check whatever
# its value; those are counted apart.
# DigitalOcean's `PUT /<upload_url>` is a placeholder for a presigned URL on the placeholder server
# `https://`; no request can match it.
NOT_VALIDATABLE = {("upstream.yaml", "styledPath"), ("DigitalOcean-public.v2.yaml", "inference_upload_batch_file")}
# arguments.yaml holds, on purpose, a pattern Python's `re` cannot compile, so openapi-core stops there.
# DigitalOcean's SSH key identifier is `anyOf` two schemas both marked readOnly: openapi-core
# refuses every value of it in a request ("not valid under any of the given schemas").
READ_ONLY_ALTERNATIVES = {("DigitalOcean-public.v2.yaml", name) for name in ("sshKeys_get", "sshKeys_update", "sshKeys_delete")}
NOT_VALIDATABLE_DOCUMENTS = {"arguments.yaml"}
# openapi-core fails inside `referencing` on DigitalOcean's cross-file references ("'str' object has
# no attribute 'get'"); the document is bundled into one by prance first (bundled() below).
MULTI_FILE_DOCUMENTS = {"DigitalOcean-public.v2.yaml"}
DEEP_OBJECT_DOCUMENTS = {"stripe-spec3-2023-05-30-v3.0.yaml", "form-encodings.yaml"}


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request; answers 200 with an empty JSON object."""
    seen: list = []

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        Recorder.seen.append((self.command, self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    def log_message(self, *args):
        pass


def to_mock_request(server_url, method, raw_path, headers, body):
    parsed = urllib.parse.urlsplit(raw_path)
    server = urllib.parse.urlsplit(server_url)
    cookies = {}
    for pair in (headers.get("Cookie") or "").split(";"):
        if "=" in pair:
            name, value = pair.strip().split("=", 1)
            cookies[name] = urllib.parse.unquote(value)
    content_type = headers.get("Content-Type", "application/json")
    # Path values go percent-encoded as RFC 6570 expands them (`::1` as `%3A%3A1`); a server reads
    # each segment decoded, openapi-core does not, so decode all but the `/` that separates them.
    path = urllib.parse.unquote(re.sub("%2[Ff]", "%252F", parsed.path))
    return MockRequest(
        host_url=f"{server.scheme}://{server.netloc}", method=method, path=path,
        args=urllib.parse.parse_qsl(parsed.query, keep_blank_values=True),
        headers={k: v for k, v in headers.items() if k.lower() != "cookie"}, cookies=cookies, data=body,
        content_type=content_type.split(";")[0] if not content_type.startswith("multipart") else content_type,
    )


def bundled(document):
    """A multi-file document as one, by prance: every reference inlined (those inside other files
    too, which prance would otherwise leave pointing at the root). A schema that contains itself is
    expanded once; below that it admits anything."""
    parser = ResolvingParser(str(document), lazy=True, strict=False, resolve_types=RESOLVE_FILES | RESOLVE_INTERNAL,
                             recursion_limit_handler=lambda limit, url, recursions=(): {})
    try:
        parser.parse()
    except prance.ValidationError:
        pass  # the document's own small faults (see below); requests are validated against it as it is
    return parser.specification


def is_openapi3(document):
    """Whether the document says `openapi: 3.x` (a top-level key, wherever its YAML or JSON puts it)."""
    return re.search(r"""(?m)^(openapi:|\s*"openapi"\s*:)\s*["']?3\.""", document.read_text(errors="replace")) is not None


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_generated_arguments_make_valid_requests(toolgate, document):
    if not document.exists():
        pytest.skip(f"{document} is absent")
    imported = json.loads(subprocess.run(
        [toolgate, "import", str(document), "--format", "json"], capture_output=True, text=True, check=True, timeout=300,
    ).stdout)
    validates = is_openapi3(document) and document.name not in NOT_VALIDATABLE_DOCUMENTS | DEEP_OBJECT_DOCUMENTS
    # The document itself is not checked here (DigitalOcean's and OpenAI's have small faults that
    # openapi-spec-validator refuses to load); requests are validated against it as it is.
    spec = None
    if validates and document.name in MULTI_FILE_DOCUMENTS:
        spec = OpenAPI.from_dict(bundled(document), config=Config(spec_validator_cls=None))
    elif validates:
        spec = OpenAPI.from_file_path(str(document), config=Config(spec_validator_cls=None))
    # Requests openapi-core cannot read go to a checker that can (see the note above).
    other_checker = (Swagger2Requests(document) if not is_openapi3(document)
                     else FormRequests(document) if document.name in DEEP_OBJECT_DOCUMENTS else None)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tools = imported["tools"]
    servers = [tool["x-toolgate"]["server"] for tool in tools if tool["x-toolgate"]["server"]]
    default_server = servers[0] if servers else "http://127.0.0.1"
    base_path = urllib.parse.urlsplit(default_server).path.rstrip("/")
    base_url = f"http://127.0.0.1:{server.server_address[1]}{base_path}"
    # Gateway-held credentials, so operations that require authentication send it as the document says.
    env = dict(os.environ, PROPERTY_TOKEN="test-token", PROPERTY_BASIC="user:password", PROPERTY_KEY="test-key")
    params = StdioServerParameters(
        command=toolgate, env=env,
        args=["stdio", "--spec", str(document), "--base-url", base_url, "--log-level", "error", "--discovery", "off",
              "--bearer-token-env", "PROPERTY_TOKEN", "--basic-auth-env", "PROPERTY_BASIC", "--api-key-env", "PROPERTY_KEY"],
    )
    failures, refusals, unreadable = [], [], []
    counts = {"tools": len(tools), "generated": 0, "not generated": 0, "sent": 0, "validated": 0, "not validatable": 0, "readOnly parameter": 0, "nullable in 3.1": 0}
    # openapi-core 0.23.1 reads every multipart part of an OpenAPI 3.1 document as bytes, so even a
    # correct request fails its `type: string` checks; those requests are counted, not validated.
    multipart_unreadable = is_openapi31 = "openapi: 3.1" in document.read_text(errors="replace")[:2000]

    async def main():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                # Every page once, so the client knows each tool (otherwise it lists again on every call).
                listed, cursor = 0, None
                while True:
                    page = await session.list_tools(params=types.PaginatedRequestParams(cursor=cursor) if cursor else None)
                    listed += len(page.tools)
                    cursor = page.next_cursor
                    if not cursor:
                        break
                assert listed == len(tools)
                for tool in tools:
                    schema = tool["inputSchema"]
                    checker = reference_validator(schema)
                    # hypothesis-jsonschema approximates some keywords; keep only what jsonschema confirms.
                    examples = [value for value in draw(schema, EXAMPLES_PER_TOOL) if checker.is_valid(value)]
                    if not examples:
                        counts["not generated"] += 1
                    for arguments in examples:
                        counts["generated"] += 1
                        before = len(Recorder.seen)
                        result = await session.call_tool(tool["name"], arguments)
                        if len(Recorder.seen) == before:
                            assert result.is_error, f"{tool['name']}: no request sent, yet no error"
                            text = result.content[0].text if result.content else ""
                            refusals.append(f"{tool['name']}({json.dumps(arguments)[:200]}): {text[:300]}")
                            continue
                        counts["sent"] += 1
                        method, raw_path, headers, body = Recorder.seen[-1]
                        if other_checker is not None:
                            binding = tool["x-toolgate"]
                            try:
                                other_checker.check(method, binding["path"], base_path, raw_path, headers, body)
                                counts["validated"] += 1
                            except (RequestFault, FormFault) as fault:
                                failures.append(f"{tool['name']}({json.dumps(arguments)[:200]}) -> {method} {raw_path[:300]}: {fault}"[:900])
                            continue
                        if spec is None:
                            continue
                        if (document.name, tool["name"]) in NOT_VALIDATABLE or (
                                multipart_unreadable and headers.get("Content-Type", "").startswith("multipart/")):
                            counts["not validatable"] += 1
                            unreadable.append(f"{tool['name']} -> {method} {raw_path[:200]}: not validatable (see the notes above)")
                            continue
                        server_url = tool["x-toolgate"]["server"] or default_server
                        try:
                            spec.validate_request(to_mock_request(server_url, method, raw_path, headers, body))
                            counts["validated"] += 1
                        except OpenAPIError as error:  # a validation error naming the problem
                            cause = getattr(error, "__cause__", None)
                            finding = f"{tool['name']} -> {method} {raw_path[:300]}: {error!r} {cause!r}"[:900]
                            if "Tried to write read-only property" in finding or (document.name, tool["name"]) in READ_ONLY_ALTERNATIVES:
                                counts["readOnly parameter"] += 1  # the document marks a parameter's schema readOnly
                            elif is_openapi31 and re.search(r"None is not (valid|of type)", finding):
                                # OpenAPI 3.1 dropped `nullable`; openapi-core ignores it there, Toolgate
                                # honours it (OpenAI's 3.1 document marks 111 fields so; see the README).
                                counts["nullable in 3.1"] += 1
                            elif "could not be resolved" in finding:
                                counts["not validatable"] += 1  # openapi-core loses a $ref of the document
                                unreadable.append(finding)
                            else:
                                failures.append(finding)
                        except Exception as error:  # openapi-core itself fails (on DigitalOcean's multi-file references)
                            counts["not validatable"] += 1
                            unreadable.append(f"{tool['name']} -> {method} {raw_path[:200]}: openapi-core failed: {error!r}"[:600])

    try:
        asyncio.run(asyncio.wait_for(main(), timeout=1800))
    finally:
        server.shutdown()
    print(f"{document.name}: {counts}, {len(refusals)} refused, {len(failures)} invalid requests")
    if os.environ.get("TOOLGATE_PROPERTY_REPORT"):  # every finding, one per line, for a closer look
        with open(os.environ["TOOLGATE_PROPERTY_REPORT"], "a") as report:
            for line in refusals + failures + unreadable:
                report.write(json.dumps({"document": document.name, "finding": line}) + "\n")
    assert counts["sent"] > 0
    assert not refusals, f"{len(refusals)} schema-valid calls refused:\n" + "\n".join(refusals[:10])
    assert not failures, f"{len(failures)} requests the document does not allow:\n" + "\n".join(failures[:10])
