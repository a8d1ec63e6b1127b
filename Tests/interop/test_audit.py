"""The guard, redaction and the hash-chained audit trail, end to end: real clients (the Python
`mcp` SDK, the `openai` and `anthropic` SDKs), `toolgate audit export/verify`, sqlite3 edits, and
`kill -9` of the gateway under load."""
import asyncio
import contextlib
import hashlib
import json
import signal
import sqlite3
import subprocess
import time

import anthropic
import httpx2
import openai
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from conftest import DEMO_SPEC
from llm_support import gateway

ALICE = "sk-alice-0123456789abcdef"
EMAIL = "ana.lopez@clinic.example.org"
CLIENT_KEY = "sk-proj-AbCdEfGhIjKlMnOpQrStUv123456"


POLICIES = """  guard: { deny: ["(?i)internal use only"] }
  redact: [email, phone, card, iban, api_key]
  audit: { payloads: true }
"""
IDENTITY = f"""consumers:
  - {{ name: alice, api_keys: ["{ALICE}"] }}
auth: {{ required: true }}
"""


def config(demo_api, fake, policies=POLICIES, identity=IDENTITY):
    """The clinic server and a `chat` group on the fake provider, audited into ./audit.db."""
    return f"""store: sqlite:./audit.db
policies:
{policies}servers:
  - name: clinic
    openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
models:
  - name: chat
    instances: [{{ name: fake, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-upstream, model: gpt-4o-mini }}]
{identity}"""


@contextlib.contextmanager
def running(toolgate, yaml):
    """`toolgate serve` on a free port; yields (base URL, process, folder). Stops it unless the test killed it."""
    with gateway(toolgate, yaml) as gw:
        yield gw.url, gw.process, gw.folder


def audit(toolgate, folder, *args):
    return subprocess.run([toolgate, "audit", *args, "--store", f"sqlite:{folder / 'audit.db'}"], capture_output=True, text=True, timeout=60)


def export(toolgate, folder):
    result = audit(toolgate, folder, "export")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def stop_and_export(toolgate, process, folder):
    """Every record, once the gateway has stopped: an answered call's record is journaled before
    its answer and committed with the writer's next batch, at the latest on shutdown."""
    process.terminate()
    assert process.wait(timeout=10) == 0
    return export(toolgate, folder)


async def with_session(url, body):
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {ALICE}"}, timeout=30) as http:
        async with streamable_http_client(url + "/mcp/clinic", http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await body(session)


def test_every_answered_call_is_recorded_redacted_and_chained(toolgate, demo_api, fake):
    with running(toolgate, config(demo_api, fake)) as (url, process, folder):
        async def calls(session):
            results = await asyncio.gather(*[session.call_tool("getPet", {"petId": 1 + n % 3}) for n in range(24)])
            created = await session.call_tool("createPet", {"name": f"Rex {EMAIL} {CLIENT_KEY}", "species": "dog"})
            refused = await session.call_tool("createPet", {"name": "INTERNAL USE ONLY budget", "species": "cat"})
            return results, created, refused
        results, created, refused = asyncio.run(with_session(url, calls))
        assert all(not result.is_error for result in results) and not created.is_error
        assert refused.is_error and "content guard" in refused.content[0].text and "budget" not in refused.content[0].text

        client = openai.OpenAI(base_url=url + "/v1", api_key=ALICE, max_retries=0)
        answer = client.chat.completions.create(model="chat", messages=[{"role": "user", "content": f"Mail {EMAIL} please"}])
        assert answer.choices[0].finish_reason == "stop"
        guarded = client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "Summarise the internal use only memo"}])
        assert guarded.choices[0].finish_reason == "content_filter"
        streamed = list(client.chat.completions.create(model="chat", stream=True, messages=[{"role": "user", "content": "internal use only"}]))
        assert [c.choices[0].finish_reason for c in streamed if c.choices] == ["content_filter"]
        message = anthropic.Anthropic(base_url=url, api_key=ALICE, max_retries=0).messages.create(
            model="chat", max_tokens=50, messages=[{"role": "user", "content": "internal use only, please"}])
        assert message.stop_reason == "refusal"
        assert len(fake.requests()) == 1, "guarded calls never reach the provider"

        records = stop_and_export(toolgate, process, folder)
        tool_calls = [r for r in records if r["kind"] == "tool_call"]
        model_calls = [r for r in records if r["kind"] == "model_call"]
        assert len(tool_calls) == 26 and len(model_calls) == 4, [(r["kind"], r["target"]) for r in records]
        assert {r["operation"] for r in model_calls} == {"chat"}
        by_kind = audit(toolgate, folder, "export", "--kind", "model_call")
        assert by_kind.returncode == 0 and [json.loads(line)["id"] for line in by_kind.stdout.splitlines()] == [r["id"] for r in model_calls]
        assert {r["consumer"] for r in records} == {"alice"}
        assert {r["target"] for r in tool_calls} == {"clinic/getPet", "clinic/createPet"}
        denied = [r for r in records if r["status"] == "content_filtered"]
        assert len(denied) == 4 and all(any(v["policy"] == "guard" and v["outcome"] == "denied" for v in r["verdicts"]) for r in denied)
        served = [r for r in model_calls if r["status"] == "ok"]
        assert served[0]["instance"] == "fake" and served[0]["usage"]["total_tokens"] > 0
        text = json.dumps(records)
        assert EMAIL not in text and CLIENT_KEY not in text and ALICE not in text
        assert "[EMAIL]" in text and "[API_KEY]" in text
        with sqlite3.connect(folder / "audit.db") as db:
            rows = list(db.execute("SELECT record, prev_hash, hash FROM audit ORDER BY seq"))
        raw = "\n".join(row[0] for row in rows)
        assert EMAIL not in raw and CLIENT_KEY not in raw
        # The chain as the README defines it, recomputed by Python's hashlib: each hash is SHA-256
        # of the previous hash, a line feed and the record's JSON; the first previous is 64 zeros.
        previous = "0" * 64
        for record, prev_hash, digest in rows:
            assert prev_hash == previous
            assert digest == hashlib.sha256(f"{previous}\n{record}".encode()).hexdigest()
            previous = digest

        verified = audit(toolgate, folder, "verify")
        assert verified.returncode == 0 and f"{len(records)} records" in verified.stdout, verified.stderr


def test_verify_names_an_edited_a_deleted_and_an_inserted_record(toolgate, demo_api, fake):
    with running(toolgate, config(demo_api, fake)) as (url, process, folder):
        async def calls(session):
            for n in range(6):
                await session.call_tool("getPet", {"petId": 1})
        asyncio.run(with_session(url, calls))
        process.terminate()
        process.wait(timeout=10)
        assert audit(toolgate, folder, "verify").returncode == 0
        db = sqlite3.connect(folder / "audit.db")
        original = db.execute("SELECT record FROM audit WHERE seq = 3").fetchone()[0]
        db.execute("UPDATE audit SET record = replace(record, '\"ok\"', '\"denied\"'), status = 'denied' WHERE seq = 3")
        db.commit()
        edited = audit(toolgate, folder, "verify")
        assert edited.returncode != 0 and "record 3 " in edited.stderr and "hash" in edited.stderr
        db.execute("UPDATE audit SET record = ?, status = 'ok' WHERE seq = 3", (original,))
        db.commit()
        assert audit(toolgate, folder, "verify").returncode == 0
        db.execute("DELETE FROM audit WHERE seq = 4")
        db.commit()
        deleted = audit(toolgate, folder, "verify")
        assert deleted.returncode != 0 and "record 5 " in deleted.stderr and "missing" in deleted.stderr
        db.execute("INSERT INTO audit (seq, id, time, consumer, kind, target, status, record, prev_hash, hash) "
                   "SELECT 4, 'inserted', time, consumer, kind, target, status, record, prev_hash, hash FROM audit WHERE seq = 3")
        db.commit()
        inserted = audit(toolgate, folder, "verify")
        assert inserted.returncode != 0 and "record 4 (inserted)" in inserted.stderr, inserted.stderr
        db.close()


@pytest.mark.parametrize("durability", ["answer", "batch"])
def test_kill_9_under_load_loses_no_answered_call(toolgate, demo_api, fake, durability):
    """`answer`: every answered call is in the store. `batch`: at most what the queue holds (8,192)
    plus one batch (1,024) is lost, and the chain is intact either way."""
    policies = POLICIES.replace("audit: { payloads: true }", f"audit: {{ payloads: true, durability: {durability} }}")
    with running(toolgate, config(demo_api, fake, policies=policies)) as (url, process, folder):
        answered = []

        async def worker(session, number, stop):
            for n in range(200):
                if stop.is_set():
                    return
                name = f"call-{number}-{n}"
                try:
                    result = await asyncio.wait_for(session.call_tool("createPet", {"name": name, "species": "bird"}), 5)
                except Exception:
                    return
                if not result.is_error:
                    answered.append(name)

        async def load(session):
            stop = asyncio.Event()
            workers = [asyncio.create_task(worker(session, number, stop)) for number in range(8)]
            deadline = time.monotonic() + 20
            while len(answered) < 150 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            stop.set()
            await asyncio.gather(*workers, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run(with_session(url, load))
        assert process.returncode == -signal.SIGKILL
        assert len(answered) >= 150

        def missing_from(stored):
            return [name for name in answered if f"{name}\\\"" not in stored and f"{name}\"" not in stored]

        # Right after the crash: what committed verifies; what had not is in the journal, and
        # `toolgate audit` says how much waits there.
        checked = audit(toolgate, folder, "verify")
        assert checked.returncode == 0, checked.stderr
        journal = "\n".join(path.read_text() for path in sorted(folder.glob("audit.db-pending-*.jsonl")))
        waiting = journal.count("\n")
        assert (f"note: {waiting} records" in checked.stderr) == (waiting > 0), checked.stderr
        # The next start commits the journal, chained after what was there.
        with open(folder / "restart.log", "w") as log:
            restarted = subprocess.Popen([toolgate, "serve", "--config", str(folder / "toolgate.yaml")], stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while "listening on" not in (folder / "restart.log").read_text() and time.monotonic() < deadline and restarted.poll() is None:
                time.sleep(0.02)
            assert "listening on" in (folder / "restart.log").read_text(), (folder / "restart.log").read_text()
        finally:
            restarted.terminate()
            restarted.wait(timeout=10)
        with sqlite3.connect(folder / "audit.db") as db:
            stored = "\n".join(row[0] for row in db.execute("SELECT record FROM audit"))
        missing = missing_from(stored)
        if durability == "answer":
            assert not missing, f"{len(missing)} answered calls have no record: {missing[:5]}"
        else:
            assert len(missing) <= 8192 + 1024
        assert not list(folder.glob("audit.db-pending-*.jsonl"))
        assert audit(toolgate, folder, "verify").returncode == 0


def test_upstreams_get_placeholders_the_client_gets_values_and_every_request_is_logged(toolgate, demo_api, fake):
    policies = POLICIES + "  redact_upstream: { restore: true }\n"
    with running(toolgate, "http: { access_log: ./access.log }\n" + config(demo_api, fake, policies=policies)) as (url, process, folder):
        async def create(session):
            return await session.call_tool("createPet", {"name": f"Rex of {EMAIL}", "species": "dog"})
        created = asyncio.run(with_session(url, create))
        assert created.structured_content["name"] == f"Rex of {EMAIL}", "the answer's placeholder is put back for the client"
        stored = httpx2.get(f"{demo_api}/pets/{created.structured_content['id']}").json()
        assert stored["name"] == "Rex of [EMAIL_1]", "the upstream API never saw the address"

        client = openai.OpenAI(base_url=url + "/v1", api_key=ALICE, max_retries=0)
        chunks = list(client.chat.completions.create(model="chat", stream=True, messages=[
            {"role": "user", "content": f"Write to {EMAIL} and {EMAIL}, key {CLIENT_KEY}"}]))
        streamed_text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        sent = json.loads(fake.requests()[-1]["body"])["messages"][0]["content"]
        assert sent == "Write to [EMAIL_1] and [EMAIL_1], key [API_KEY_1]"

        httpx2.get(url + "/healthz?api_key=sk-in-the-query-0000000000")
        # Lines are written off the event loops, in order: wait (bounded) for the last one.
        deadline = time.monotonic() + 10
        while '"/healthz"' not in (folder / "access.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.02)
        log = [json.loads(line) for line in (folder / "access.log").read_text().splitlines()]
        assert {"method", "path", "status", "duration_ms", "time"} <= set(log[-1])
        assert ("POST", "/v1/chat/completions", 200) in [(e["method"], e["path"], e["status"]) for e in log]
        assert log[-1]["path"] == "/healthz" and "sk-in-the-query" not in (folder / "access.log").read_text()
        assert ALICE not in (folder / "access.log").read_text() and EMAIL not in (folder / "access.log").read_text()

        records = stop_and_export(toolgate, process, folder)
        stream_record = [r for r in records if r["kind"] == "model_call"][-1]
        assert stream_record["response"] == streamed_text and stream_record["usage"]["total_tokens"] > 0
        assert any(v["policy"] == "redact_upstream" and v["outcome"] == "modified" for v in stream_record["verdicts"])
