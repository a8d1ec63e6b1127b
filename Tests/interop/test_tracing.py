"""OpenTelemetry traces: a collector stand-in on 127.0.0.1 receives Toolgate's OTLP/HTTP spans
(protobuf, decoded with the official opentelemetry-proto messages) for an MCP tool call and a
streamed model call whose clients sent a W3C `traceparent`; the spans carry the MCP and GenAI
attributes and that parent, and the model provider received the trace context."""
import http.server
import json
import secrets
import threading
import time

import httpx2
import openai
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
import asyncio

from conftest import DEMO_SPEC
from llm_support import gateway


class Collector:
    """An OTLP/HTTP traces endpoint that keeps every span it is sent."""

    def __init__(self):
        self.spans, self.requests = [], []
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                collector.requests.append((self.path, self.headers.get("Content-Type")))
                export = ExportTraceServiceRequest()
                export.ParseFromString(body)
                for resource in export.resource_spans:
                    service = {a.key: a.value.string_value for a in resource.resource.attributes}.get("service.name")
                    for scope in resource.scope_spans:
                        for span in scope.spans:
                            collector.spans.append({"service": service, "name": span.name, "trace": span.trace_id.hex(), "id": span.span_id.hex(),
                                                    "parent": span.parent_span_id.hex(), "kind": span.kind, "status": span.status.code,
                                                    "attributes": {a.key: self.value(a.value) for a in span.attributes}})
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            @staticmethod
            def value(v):
                kind = v.WhichOneof("value")
                if kind == "array_value":
                    return [Handler.value(item) for item in v.array_value.values]
                return getattr(v, kind)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, predicate, what, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [s for s in self.spans if predicate(s)]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no span {what}; got {[s['name'] for s in self.spans]}")


def test_spans_for_a_tool_call_and_a_model_stream(toolgate, demo_api, fake):
    collector = Collector()
    config = f"""servers:
  - name: clinic
    openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
models:
  - name: chat
    instances: [{{ name: primary, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-up, model: gpt-4o-mini }}]
tracing: {{ endpoint: "{collector.url}", service_name: toolgate-test, export_delay: 100ms }}
"""
    trace_id, parent_id = secrets.token_hex(16), secrets.token_hex(8)
    traceparent = f"00-{trace_id}-{parent_id}-01"
    try:
        with gateway(toolgate, config) as gw:
            async def call_tool():
                async with httpx2.AsyncClient(headers={"traceparent": traceparent}, timeout=30) as http:
                    async with streamable_http_client(gw.url + "/mcp/clinic", http_client=http) as (read, write):
                        async with ClientSession(read, write) as session:
                            await session.initialize()
                            return await session.call_tool("getPet", {"petId": 1})
            result = asyncio.run(asyncio.wait_for(call_tool(), timeout=60))
            assert not result.is_error
            client = openai.OpenAI(base_url=gw.v1, api_key="anything", max_retries=0, timeout=20, default_headers={"traceparent": traceparent})
            chunks = list(client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "Say hello."}], stream=True))
            assert chunks

            tool = collector.wait_for(lambda s: s["name"] == "tools/call getPet", "for the tool call")
            assert tool["trace"] == trace_id and tool["parent"] == parent_id, "a child of the caller's traceparent"
            assert tool["service"] == "toolgate-test" and tool["kind"] == 2, "a server span of the configured service"
            assert {k: tool["attributes"].get(k) for k in ("mcp.method.name", "gen_ai.tool.name", "gen_ai.operation.name", "toolgate.server")} == {
                "mcp.method.name": "tools/call", "gen_ai.tool.name": "getPet", "gen_ai.operation.name": "execute_tool", "toolgate.server": "clinic"}

            chat = collector.wait_for(lambda s: s["name"] == "chat chat", "for the model call")
            attributes = chat["attributes"]
            assert chat["trace"] == trace_id and chat["parent"] == parent_id
            assert attributes["gen_ai.operation.name"] == "chat" and attributes["gen_ai.request.model"] == "chat"
            assert attributes["gen_ai.request.stream"] is True and attributes["toolgate.instance"] == "primary"
            assert (attributes["gen_ai.usage.input_tokens"], attributes["gen_ai.usage.output_tokens"]) == (19, 10)
            assert attributes["gen_ai.response.finish_reasons"] == ["stop"] and attributes["gen_ai.response.time_to_first_chunk"] > 0
            sent = fake.requests()[-1]["headers"]
            assert sent["traceparent"].split("-")[1] == trace_id and sent["traceparent"].split("-")[2] == chat["id"], \
                "the provider got the model call's span as its parent"
            assert all(path == "/v1/traces" and kind == "application/x-protobuf" for path, kind in collector.requests)
    finally:
        collector.server.shutdown()
