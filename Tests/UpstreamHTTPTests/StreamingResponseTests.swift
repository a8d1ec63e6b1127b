import NIOCore
import NIOHTTP1
import Testing
import UpstreamHTTP

/// Streamed answers: the body arrives chunk by chunk while the upstream is still writing, a
/// finished stream hands its connection back, and a stream dropped half way closes it.
@Suite("Pool: streaming response bodies")
struct StreamingResponseTests {
    static let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

    /// One chunk of a chunked body.
    static func chunk(_ text: String) -> String { String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n" }

    static func request(_ path: String) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: ["Accept": "text/event-stream"])
    }

    @Test("the first event arrives before the upstream has finished; the rest follows; the connection is reused")
    func slowStream() async throws {
        let server = try await ScriptedUpstream { arrival in
            arrival.head.uri == "/events"
                ? .partial(Self.head + Self.chunk("data: one\n\n"), rest: Self.chunk("data: two\n\n") + "0\r\n\r\n")
                : .answer(ScriptedUpstream.ok("{}"))
        }
        let pool = HTTP1ConnectionPool(configuration: .init(maxConnectionsPerOrigin: 1, proxy: nil))
        let origin = HTTP1Origin(host: "127.0.0.1", port: server.port)
        let answer = try await pool.stream(Self.request("/events"), body: nil, origin: origin, deadline: .now() + .seconds(10))
        #expect(answer.head.status == .ok)
        var parser = SSEEventParser()
        var events: [String] = []
        var iterator = answer.body.makeAsyncIterator()
        while events.isEmpty, let chunk = try await iterator.next() {
            for case .event(let event) in parser.feed(chunk.readableBytesView) { events.append(String(decoding: event.data, as: UTF8.self)) }
        }
        // The upstream holds the rest until told: this event came while it was still writing.
        #expect(events == ["one"])
        server.releaseHeld()
        while let chunk = try await iterator.next() {
            for case .event(let event) in parser.feed(chunk.readableBytesView) { events.append(String(decoding: event.data, as: UTF8.self)) }
        }
        #expect(events == ["one", "two"])
        // Read to the end: the one connection the pool may open is free again and reused.
        let next = try await pool.execute(Self.request("/next"), body: nil, origin: origin, deadline: .now() + .seconds(5), maxBytes: 1024)
        #expect(next.head.status == .ok)
        #expect(server.connections == 1)
        #expect(server.arrivals.map(\.indexOnConnection) == [0, 1])
        try await server.stop()
    }

    @Test("cancelling the reader mid-stream closes the connection and frees its slot")
    func cancelMidStream() async throws {
        let server = try await ScriptedUpstream { arrival in
            arrival.head.uri == "/events" ? .partial(Self.head + Self.chunk("data: one\n\n"), rest: "") : .answer(ScriptedUpstream.ok("{}"))
        }
        let pool = HTTP1ConnectionPool(configuration: .init(maxConnectionsPerOrigin: 1, proxy: nil))
        let origin = HTTP1Origin(host: "127.0.0.1", port: server.port)
        let (firstEvent, seen) = AsyncStream.makeStream(of: Void.self)
        let reader = Task {
            let answer = try await pool.stream(Self.request("/events"), body: nil, origin: origin, deadline: .now() + .seconds(10))
            for try await _ in answer.body { seen.yield() }
        }
        for await _ in firstEvent { break }
        reader.cancel()
        await #expect(throws: (any Error).self) { try await reader.value }
        await server.waitForClosedConnections(1)
        // The slot is free: a new call opens a second connection instead of waiting for the first.
        let next = try await pool.execute(Self.request("/next"), body: nil, origin: origin, deadline: .now() + .seconds(5), maxBytes: 1024)
        #expect(next.head.status == .ok)
        #expect(server.connections == 2)
        try await server.stop()
    }

    @Test("no head before the deadline: a timeout, as for collected answers")
    func headDeadline() async throws {
        let server = try await ScriptedUpstream { _ in .hang }
        let pool = HTTP1ConnectionPool(configuration: .init(proxy: nil))
        await #expect {
            _ = try await pool.stream(Self.request("/events"), body: nil, origin: HTTP1Origin(host: "127.0.0.1", port: server.port), deadline: .now() + .milliseconds(200))
        } throws: { error in
            (error as? HTTP1PoolError)?.code == .timedOut
        }
        try await server.stop()
    }
}
