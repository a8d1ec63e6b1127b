"""The HTTP/1.1 connection itself (Toolgate's direct connection handling under the router), probed
with raw sockets: pipelined requests answered in order, a malformed request refused with 400,
`Connection: close` and HTTP/1.0 honoured, Date and Server headers, and the body limit's exact boundary."""
import email.utils
import json
import socket
import time
import urllib.parse

from conftest import ACCEPT, post

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def connect(url):
    parts = urllib.parse.urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    return sock, parts.path


def request(path, body=b"", method="POST", headers=None):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", f"Accept: {ACCEPT}",
             f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_responses(sock, count):
    """Reads `count` complete Content-Length answers; returns (status, headers, body) each."""
    data, answers = b"", []
    while len(answers) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode()
            status = int(head.split(" ", 2)[1])
            headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in head.split("\r\n")[1:])}
            length = int(headers.get("content-length", "0"))
            if len(data) >= head_end + 4 + length:
                answers.append((status, headers, data[head_end + 4:head_end + 4 + length]))
                data = data[head_end + 4 + length:]
                continue
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {len(answers)} of {count} answers"
        data += chunk
    return answers


def open_session(url):
    status, headers, _ = post(url, INITIALIZE)
    assert status == 200
    session = {"Mcp-Session-Id": headers["Mcp-Session-Id"], "MCP-Protocol-Version": "2025-06-18"}
    assert post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)[0] == 202
    return session


def test_pipelined_requests_are_answered_in_order(gateway):
    session = open_session(gateway)
    sock, path = connect(gateway)
    with sock:
        call = {"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {"name": "listPets", "arguments": {}}}
        pings = [{"jsonrpc": "2.0", "id": n, "method": "ping"} for n in (11, 12)]
        # One write with three requests: the slower tool call first, then two pings.
        sock.sendall(b"".join(request(path, json.dumps(m).encode(), headers=session) for m in [call] + pings))
        answers = read_responses(sock, 3)
    assert [a[0] for a in answers] == [200, 200, 200]
    assert [json.loads(a[2])["id"] for a in answers] == [10, 11, 12]
    assert "result" in json.loads(answers[0][2])


def test_malformed_request_gets_400_and_the_server_keeps_serving(gateway):
    sock, _ = connect(gateway)
    with sock:
        sock.sendall(b"NOT AN HTTP REQUEST\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400"), data[:100]
    assert post(gateway, INITIALIZE)[0] == 200


def test_absolute_form_target_and_host_header_are_read_like_a_browser_request(gateway):
    """The request head is converted without NIO's codec: an absolute-form target (as proxies
    send) still reaches its route, header names keep their values, and a foreign Host is refused."""
    session = open_session(gateway)
    sock, path = connect(gateway)
    host = urllib.parse.urlsplit(gateway).netloc
    ping = json.dumps({"jsonrpc": "2.0", "id": 21, "method": "ping"}).encode()
    with sock:
        sock.sendall(request(f"http://{host}{path}", ping, headers=session))
        sock.sendall(request(path, ping, headers=session | {"X-Odd-Header": "kept"}))
        answers = read_responses(sock, 2)
    assert [(a[0], json.loads(a[2])["id"]) for a in answers] == [(200, 21), (200, 21)]
    sock, path = connect(gateway)
    with sock:
        sock.sendall(request(path, ping, headers=session).replace(b"Host: 127.0.0.1", b"Host: evil.example"))
        status, _, _ = read_responses(sock, 1)[0]
    assert status == 421, "the Host header is read as the authority"


def test_expect_100_continue_is_answered_before_the_body(gateway):
    """A client that sends `Expect: 100-continue` (curl does for bodies over 1 KB) gets
    `100 Continue` at once, then the real answer once its body is in."""
    session = open_session(gateway)
    sock, path = connect(gateway)
    ping = json.dumps({"jsonrpc": "2.0", "id": 31, "method": "ping"}).encode()
    with sock:
        head, body = request(path, ping, headers=session | {"Expect": "100-continue"}).split(b"\r\n\r\n", 1)
        sock.sendall(head + b"\r\n\r\n")
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = sock.recv(65536)
            assert chunk, "the connection closed before 100 Continue"
            interim += chunk
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        sock.sendall(body)
        status, _, answer = read_responses(sock, 1)[0]
    assert status == 200 and json.loads(answer)["id"] == 31


def test_connection_close_is_honoured(gateway):
    sock, path = connect(gateway)
    with sock:
        sock.sendall(request(path, json.dumps(INITIALIZE).encode(), headers={"Connection": "close"}))
        (status, headers, body), = read_responses(sock, 1)
        assert status == 200 and json.loads(body)["result"]["serverInfo"]
        assert sock.recv(65536) == b"", "the server closes the connection after the answer"


def test_http_1_0_without_keep_alive_is_closed_after_the_answer(gateway):
    sock, _ = connect(gateway)
    with sock:
        sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        (status, _, body), = read_responses(sock, 1)
        assert status == 200 and json.loads(body) == {"status": "ok"}
        assert sock.recv(65536) == b"", "an HTTP/1.0 request without keep-alive ends the connection"


def test_date_and_server_headers(gateway):
    sock, _ = connect(gateway)
    with sock:
        sock.sendall(request("/healthz", method="GET"))
        (status, headers, body), = read_responses(sock, 1)
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert headers["server"] == "toolgate"
    assert abs(email.utils.parsedate_to_datetime(headers["date"]).timestamp() - time.time()) < 120


def test_body_limit_boundary(gateway):
    """`--max-body-bytes 65536`: a body of exactly the limit is read (and refused as bad JSON), one byte more is 413."""
    session = open_session(gateway)
    status, _, body = post(gateway, b"x" * 65536, session)
    assert status == 400 and json.loads(body)["error"]["code"] == -32700
    assert post(gateway, b"x" * 65537, session)[0] == 413
    sock, path = connect(gateway)
    with sock:
        # A refused body does not poison the connection: the next request on it is answered.
        sock.sendall(request(path, b"y" * 200000, headers=session) + request(path, json.dumps({"jsonrpc": "2.0", "id": 7, "method": "ping"}).encode(), headers=session))
        answers = read_responses(sock, 2)
    assert [a[0] for a in answers] == [413, 200]
    assert json.loads(answers[1][2])["id"] == 7


def test_a_cancelled_json_reply_call_is_answered_202_and_its_connection_serves_on(gateway):
    """A `tools/call` answered as JSON runs in its connection's serving task: `notifications/cancelled`
    (sent on another connection) stops it at once, its POST gets 202 with no JSON-RPC response,
    and the same connection serves the next request (in a fresh task)."""
    session = open_session(gateway)
    sock, path = connect(gateway)
    with sock:
        slow = {"jsonrpc": "2.0", "id": "slow-7", "method": "tools/call", "params": {"name": "clinicSummary", "arguments": {"delay_ms": 10000}}}
        sock.sendall(request(path, json.dumps(slow).encode(), headers=session))
        cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "slow-7", "reason": "test"}}
        started, answers = time.monotonic(), None
        sock.settimeout(0.2)
        # A cancellation that arrives before the call is registered is ignored (as the spec
        # allows), so it is sent again until the cancelled call's answer comes.
        for _ in range(25):
            assert post(gateway, cancel, session)[0] == 202
            try:
                answers = read_responses(sock, 1)
                break
            except socket.timeout:
                continue
        assert answers and time.monotonic() - started < 5, "the cancellation stopped the call before its 10 s delay"
        status, _, body = answers[0]
        assert (status, body) == (202, b""), "a cancelled request gets no JSON-RPC response"
        sock.settimeout(30)
        again = {"jsonrpc": "2.0", "id": "slow-7", "method": "tools/call", "params": {"name": "clinicSummary", "arguments": {"delay_ms": 0}}}
        sock.sendall(request(path, json.dumps(again).encode(), headers=session))
        status, _, body = read_responses(sock, 1)[0]
        assert status == 200 and json.loads(body)["result"]["structuredContent"]["total"] == 3, \
            "the connection serves on, and the cancelled request's id is free again"
