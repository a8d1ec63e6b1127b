"""https on the listener: `tls: { certificate, key }` with a certificate the test makes (openssl),
answered by clients that verify it; a plain-http request to the same port gets no answer, and a
missing key is refused by `toolgate check`."""
import asyncio
import re
import ssl
import subprocess

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from conftest import DEMO_SPEC
from llm_support import gateway


def make_certificate(folder):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )


def test_https_listener(toolgate, demo_api, tmp_path):
    make_certificate(tmp_path)
    config = f"""tls: {{ certificate: "{tmp_path / 'cert.pem'}", key: "{tmp_path / 'key.pem'}" }}
servers:
  - name: clinic
    openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
"""
    with gateway(toolgate, config) as gw:
        assert re.search(r"url=https://127\.0\.0\.1:\d+/mcp/clinic", gw.log()), "the listening URL says https"
        url = gw.url.replace("http://", "https://")
        health = httpx2.get(url + "/healthz", verify=ssl.create_default_context(cafile=str(tmp_path / "cert.pem")), timeout=10)
        assert health.status_code == 200 and health.json() == {"status": "ok"}

        async def tools():
            async with httpx2.AsyncClient(verify=ssl.create_default_context(cafile=str(tmp_path / "cert.pem")), timeout=30) as http:
                async with streamable_http_client(url + "/mcp/clinic", http_client=http) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        listed = await session.list_tools()
                        called = await session.call_tool("getPet", {"petId": 1})
                        return [t.name for t in listed.tools], called
        names, called = asyncio.run(asyncio.wait_for(tools(), timeout=60))
        assert "getPet" in names and not called.is_error
        try:
            plain = httpx2.get(gw.url + "/healthz", timeout=5)
            assert plain.status_code != 200
        except httpx2.HTTPError:
            pass  # the TLS listener does not speak plain HTTP


def test_a_missing_key_is_refused(toolgate, tmp_path):
    make_certificate(tmp_path)
    config = tmp_path / "toolgate.yaml"
    config.write_text(f"""listen: 127.0.0.1:0
tls: {{ certificate: cert.pem, key: missing.pem }}
models:
  - name: chat
    instances: [{{ name: a, provider: openai, base_url: "http://127.0.0.1:9/v1", model: m }}]
""")
    check = subprocess.run([toolgate, "check", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert check.returncode != 0 and "tls.key" in check.stdout + check.stderr and "missing.pem" in check.stdout + check.stderr
