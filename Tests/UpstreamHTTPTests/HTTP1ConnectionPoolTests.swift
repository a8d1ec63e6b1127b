import NIOCore
import NIOHTTP1
import UpstreamHTTP
import Testing

/// The keep-alive pool against a scripted raw HTTP server: reuse, the stale-connection retry rules,
/// deadlines, cancellation, size limits and the answer shapes NIO's parser must handle.
@Suite("HTTP/1.1 connection pool")
struct HTTP1ConnectionPoolTests {
    static func send(
        _ pool: HTTP1ConnectionPool, _ server: ScriptedUpstream, _ method: HTTPMethod = .GET, path: String = "/x", body: String? = nil,
        timeout: TimeAmount = .seconds(10), maxBytes: Int = 1 << 20
    ) async throws -> HTTP1Response {
        try await pool.execute(
            HTTPRequestHead(version: .http1_1, method: method, uri: path), body: body.map { ByteBuffer(string: $0) },
            origin: HTTP1Origin(host: "127.0.0.1", port: server.port), deadline: .now() + timeout, maxBytes: maxBytes
        )
    }

    static func text(_ response: HTTP1Response) -> String { String(decoding: response.body, as: UTF8.self) }

    /// Starts `count` calls at once; when `arrivals` requests have reached the server (their
    /// answers held), runs `whileHeld`, releases the held answers and waits for every call (200).
    static func concurrentCalls(
        _ count: Int, _ pool: HTTP1ConnectionPool, _ server: ScriptedUpstream, releasingAfter arrivals: Int, whileHeld: () -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask {
                    let response = try await send(pool, server)
                    #expect(response.head.status == .ok)
                }
            }
            var arrived = 0
            for await _ in server.arrived {
                arrived += 1
                if arrived == arrivals { break }
            }
            whileHeld()
            server.releaseHeld()
            try await group.waitForAll()
        }
    }

    @Test("sequential calls share one kept-alive connection and send Host")
    func reuse() async throws {
        let server = try await ScriptedUpstream { .answer(ScriptedUpstream.ok(#"{"path":"\#($0.head.uri)"}"#)) }
        let pool = HTTP1ConnectionPool()
        for index in 0..<5 {
            let response = try await Self.send(pool, server, path: "/pets/\(index)")
            #expect(response.head.status == .ok)
            #expect(Self.text(response) == #"{"path":"/pets/\#(index)"}"#)
            #expect(!response.truncated)
        }
        #expect(server.connections == 1)
        #expect(server.arrivals.map(\.head.headers[canonicalForm: "host"]) == Array(repeating: ["127.0.0.1:\(server.port)"], count: 5))
        pool.closeIdleConnections()
        await server.waitForClosedConnections(1)
        try await server.stop()
    }

    @Test("an idle connection is closed after the idle timeout; the next call opens a new one")
    func idleTimeout() async throws {
        let server = try await ScriptedUpstream { _ in .answer(ScriptedUpstream.ok("{}")) }
        let pool = HTTP1ConnectionPool(configuration: .init(idleTimeout: .milliseconds(100)))
        #expect(try await Self.send(pool, server).head.status == .ok)
        await server.waitForClosedConnections(1)
        #expect(try await Self.send(pool, server).head.status == .ok)
        #expect(server.connections == 2)
        try await server.stop()
    }

    @Test("idle connections beyond the per-origin cap are closed when released")
    func idleCap() async throws {
        // The first request of each of the first three connections is held until all three arrived,
        // so three calls in flight need three connections.
        let server = try await ScriptedUpstream { arrival in
            arrival.connection < 3 && arrival.indexOnConnection == 0 ? .hold(ScriptedUpstream.ok("{}")) : .answer(ScriptedUpstream.ok("{}"))
        }
        let pool = HTTP1ConnectionPool(configuration: .init(maxIdlePerOrigin: 1))
        try await Self.concurrentCalls(3, pool, server, releasingAfter: 3) {}
        #expect(server.connections == 3)
        await server.waitForClosedConnections(2)
        for _ in 0..<3 { #expect(try await Self.send(pool, server).head.status == .ok) }
        #expect(server.connections == 3, "the one kept connection serves the sequential calls")
        try await server.stop()
    }

    @Test("at most maxConnectionsPerOrigin connections: further calls wait and get a released one")
    func connectionCap() async throws {
        let server = try await ScriptedUpstream { arrival in
            arrival.indexOnConnection == 0 ? .hold(ScriptedUpstream.ok("{}")) : .answer(ScriptedUpstream.ok(#"{"reused":true}"#))
        }
        let pool = HTTP1ConnectionPool(configuration: .init(maxConnectionsPerOrigin: 2))
        try await Self.concurrentCalls(5, pool, server, releasingAfter: 2) { #expect(server.connections == 2) }
        #expect(server.connections == 2)
        #expect(server.arrivals.count == 5)
        try await server.stop()
    }

    @Test("a call waiting for a free connection gives up at its deadline or when cancelled; the slots stay right")
    func waitingCall() async throws {
        let server = try await ScriptedUpstream { arrival in
            arrival.indexOnConnection == 0 ? .hold(ScriptedUpstream.ok("{}")) : .answer(ScriptedUpstream.ok("{}"))
        }
        let pool = HTTP1ConnectionPool(configuration: .init(maxConnectionsPerOrigin: 1))
        let first = Task { try await Self.send(pool, server) }
        for await _ in server.arrived { break }
        let error = await #expect(throws: HTTP1PoolError.self) { try await Self.send(pool, server, timeout: .milliseconds(200)) }
        #expect(error?.code == .timedOut)
        #expect(error?.message == "no connection became free before the deadline")
        let waiting = Task { try await Self.send(pool, server) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        server.releaseHeld()
        #expect(try await first.value.head.status == .ok)
        #expect(try await Self.send(pool, server).head.status == .ok)
        #expect(server.connections == 1)
        try await server.stop()
    }

    @Test("an answer with Connection: close is not reused")
    func connectionClose() async throws {
        let server = try await ScriptedUpstream { _ in .answerAndClose(ScriptedUpstream.ok("{}", extraHeaders: "Connection: close\r\n")) }
        let pool = HTTP1ConnectionPool()
        for _ in 0..<3 { #expect(try await Self.send(pool, server).head.status == .ok) }
        #expect(server.connections == 3)
        try await server.stop()
    }

    @Test("a kept-alive connection closed instead of answered: a GET is sent again on a new one")
    func staleRetriedForGET() async throws {
        let server = try await ScriptedUpstream { $0.indexOnConnection == 0 ? .answer(ScriptedUpstream.ok(#"{"n":\#($0.connection)}"#)) : .close }
        let pool = HTTP1ConnectionPool()
        #expect(Self.text(try await Self.send(pool, server)) == #"{"n":0}"#)
        #expect(Self.text(try await Self.send(pool, server)) == #"{"n":1}"#)
        #expect(server.connections == 2)
        #expect(server.arrivals.map(\.connection) == [0, 0, 1])
        try await server.stop()
    }

    @Test("a kept-alive connection closed instead of answered: a POST is not sent twice")
    func staleNotRetriedForPOST() async throws {
        let server = try await ScriptedUpstream { $0.indexOnConnection == 0 ? .answer(ScriptedUpstream.ok("{}")) : .close }
        let pool = HTTP1ConnectionPool()
        #expect(try await Self.send(pool, server, .POST, body: #"{"a":1}"#).head.status == .ok)
        let error = await #expect(throws: HTTP1PoolError.self) { try await Self.send(pool, server, .POST, body: #"{"a":2}"#) }
        #expect(error?.code == .closedBeforeAnswer)
        #expect(error?.message == "the upstream closed the connection before answering")
        #expect(server.arrivals.map { String(decoding: $0.body, as: UTF8.self) } == [#"{"a":1}"#, #"{"a":2}"#])
        #expect(server.arrivals.map { $0.head.headers[canonicalForm: "content-length"] } == [["7"], ["7"]])
        // The pool keeps serving: the next call opens a new connection.
        #expect(try await Self.send(pool, server, .POST, body: "{}").head.status == .ok)
        #expect(server.connections == 2)
        try await server.stop()
    }

    @Test("no answer before the deadline: a timeout error, and the connection is closed")
    func deadline() async throws {
        let server = try await ScriptedUpstream { _ in .hang }
        let pool = HTTP1ConnectionPool()
        let error = await #expect(throws: HTTP1PoolError.self) { try await Self.send(pool, server, timeout: .milliseconds(200)) }
        #expect(error?.code == .timedOut)
        await server.waitForClosedConnections(1)
        try await server.stop()
    }

    @Test("a kept-alive connection's timer follows each call: a shorter deadline after a long one still fires on time")
    func shorterDeadlineOnReusedConnection() async throws {
        let server = try await ScriptedUpstream { arrival in
            arrival.indexOnConnection == 0 ? .answer(ScriptedUpstream.ok("{}")) : .hang
        }
        let pool = HTTP1ConnectionPool()
        #expect(try await Self.send(pool, server, timeout: .seconds(60)).head.status == .ok)
        let started = ContinuousClock.now
        let error = await #expect(throws: HTTP1PoolError.self) { try await Self.send(pool, server, timeout: .milliseconds(200)) }
        #expect(error?.code == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(30), "the second call's own deadline, not the first call's")
        #expect(server.connections == 1, "the second call went out on the kept-alive connection")
        await server.waitForClosedConnections(1)
        try await server.stop()
    }

    @Test("an idle timeout shorter than the last call's deadline still closes the idle connection")
    func idleTimeoutBeforeDeadline() async throws {
        let server = try await ScriptedUpstream { _ in .answer(ScriptedUpstream.ok("{}")) }
        let pool = HTTP1ConnectionPool(configuration: .init(idleTimeout: .milliseconds(100)))
        #expect(try await Self.send(pool, server, timeout: .seconds(60)).head.status == .ok)
        await server.waitForClosedConnections(1)
        try await server.stop()
    }

    @Test("a head HTTP/1.1 cannot carry is refused before any connection is used, naming the header, never its value")
    func invalidHead() async throws {
        let server = try await ScriptedUpstream { _ in .answer(ScriptedUpstream.ok("{}")) }
        let pool = HTTP1ConnectionPool()
        let origin = HTTP1Origin(host: "127.0.0.1", port: server.port)
        let heads: [(HTTPRequestHead, String)] = [
            (HTTPRequestHead(version: .http1_1, method: .GET, uri: "/x", headers: ["X-Key": "secret\r\nX-Admin: 1"]), "header 'X-Key'"),
            (HTTPRequestHead(version: .http1_1, method: .GET, uri: "/x", headers: ["Bad Name": "1"]), "header name"),
            (HTTPRequestHead(version: .http1_1, method: .GET, uri: "/a b"), "request target"),
            (HTTPRequestHead(version: .http1_1, method: .RAW(value: "GET /"), uri: "/x"), "method"),
        ]
        for (head, named) in heads {
            let error = await #expect(throws: HTTP1PoolError.self) {
                try await pool.execute(head, body: nil, origin: origin, deadline: .now() + .seconds(5), maxBytes: 1024)
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains(named) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("secret") == false)
        }
        #expect(server.connections == 0)
        #expect(try await Self.send(pool, server).head.status == .ok, "the pool serves on")
        try await server.stop()
    }

    @Test("cancelling the calling task closes the connection")
    func cancellation() async throws {
        let server = try await ScriptedUpstream { _ in .hang }
        let pool = HTTP1ConnectionPool()
        let call = Task { try await Self.send(pool, server) }
        for await _ in server.arrived { break }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        await server.waitForClosedConnections(1)
        try await server.stop()
    }

    @Test("an answer over the size limit is cut, marked, and its connection not reused")
    func sizeLimit() async throws {
        let big = String(repeating: "a", count: 10_000)
        let server = try await ScriptedUpstream { _ in .answer(ScriptedUpstream.ok(#""\#(big)""#)) }
        let pool = HTTP1ConnectionPool()
        let response = try await Self.send(pool, server, maxBytes: 100)
        #expect(response.truncated)
        #expect(response.body.count == 100)
        await server.waitForClosedConnections(1)
        #expect(try await Self.send(pool, server).body.count == 10_002)
        #expect(server.connections == 2)
        try await server.stop()
    }

    @Test("chunked bodies are joined; a HEAD answer's Content-Length announces no body")
    func answerShapes() async throws {
        let server = try await ScriptedUpstream { arrival in
            arrival.head.method == .HEAD
                ? .answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
                : .answer("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        }
        let pool = HTTP1ConnectionPool()
        let chunked = try await Self.send(pool, server)
        #expect(chunked.head.status == .created)
        #expect(Self.text(chunked) == "hello world")
        let head = try await Self.send(pool, server, .HEAD)
        #expect(head.head.headers[canonicalForm: "content-length"] == ["1000"])
        #expect(head.body.isEmpty)
        #expect(Self.text(try await Self.send(pool, server)) == "hello world")
        #expect(server.connections == 1, "\(server.arrivals.map { "\($0.head.method) \($0.connection)" })")
        try await server.stop()
    }

    @Test("concurrent calls each get their own answer")
    func concurrent() async throws {
        let server = try await ScriptedUpstream { .answer(ScriptedUpstream.ok(#"{"path":"\#($0.head.uri)"}"#)) }
        let pool = HTTP1ConnectionPool()
        for _ in 0..<2 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let response = try await Self.send(pool, server, path: "/n/\(index)")
                        #expect(Self.text(response) == #"{"path":"/n/\#(index)"}"#)
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(server.arrivals.count == 40)
        try await server.stop()
    }

    @Test("a closed port: connection refused, said plainly")
    func refused() async throws {
        let refused = try RefusedPort()
        let port = refused.port
        let pool = HTTP1ConnectionPool()
        let error = await #expect(throws: HTTP1PoolError.self) {
            try await pool.execute(
                HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"), body: nil, origin: HTTP1Origin(host: "127.0.0.1", port: port),
                deadline: .now() + .seconds(5), maxBytes: 100
            )
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.message == "connection refused (is the upstream running?)")
        withExtendedLifetime(refused) {}
    }
}
