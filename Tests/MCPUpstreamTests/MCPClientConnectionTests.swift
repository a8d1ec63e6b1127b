import GatewayCore
import Logging
import MCPCore
import MCPUpstream
import Synchronization
import Testing

/// The multiplexing client connection, fed by hand (no process).
@Suite("MCP client connection")
struct MCPClientConnectionTests {
    final class Wire: Sendable {
        let sent = Mutex<[JSONValue]>([])
        let arrivals: AsyncStream<JSONValue>
        let continuation: AsyncStream<JSONValue>.Continuation
        init() { (arrivals, continuation) = AsyncStream.makeStream(of: JSONValue.self) }
        func write(_ value: JSONValue) -> Bool {
            sent.withLock { $0.append(value) }
            continuation.yield(value)
            return true
        }
    }

    /// A connection over a fresh wire, whose cancellation notices are sent by an owner running beside `body`.
    static func withConnection(_ body: (MCPClientConnection, Wire) async throws -> Void) async throws {
        let wire = Wire()
        try await TaskOwner.withOwner(logger: Logger(label: "test")) { owner in
            try await body(MCPClientConnection(owner: owner, logger: Logger(label: "test")) { wire.write($0) }, wire)
        }
    }

    @Test("concurrent requests get gateway-unique ids; answers (even early ones) reach their callers")
    func multiplexing() async throws {
        try await Self.withConnection { connection, wire in
            async let first = connection.request("tools/call", params: ["name": "a"])
            async let second = connection.request("tools/call", params: ["name": "b"])
            var ids: [Int64] = []
            for await message in wire.arrivals {
                ids.append(try #require(message["id"]?.intValue))
                if ids.count == 2 { break }
            }
            #expect(Set(ids).count == 2)
            for id in ids.reversed() {
                let name = wire.sent.withLock { $0.first { $0["id"]?.intValue == id }?["params"]?["name"]?.stringValue } ?? ""
                await connection.receive(Array(#"{"jsonrpc":"2.0","id":\#(id),"result":{"echo":"\#(name)"}}"#.utf8))
            }
            #expect(try (await first).get()["echo"] == "a")
            #expect(try (await second).get()["echo"] == "b")
        }
    }

    @Test("closing fails waiting and later requests with the reason; upstream pings are answered")
    func closeAndPing() async throws {
        try await Self.withConnection { connection, wire in
            async let waiting = connection.request("tools/list")
            for await _ in wire.arrivals { break }
            connection.close(JSONRPCError(code: .internalError, message: "the MCP server exited"))
            let failed = await waiting
            #expect(throws: JSONRPCError.self) { try failed.get() }
            let later = await connection.request("tools/list")
            #expect(throws: JSONRPCError.self) { try later.get() }
            await connection.receive(Array(#"{"jsonrpc":"2.0","id":"s1","method":"ping"}"#.utf8))
            #expect(wire.sent.withLock { $0.last?["id"] } == "s1")
            #expect(wire.sent.withLock { $0.last?["result"] } == [:])
        }
    }

    @Test("a request that runs out of time fails with the timeout mark, and the upstream is told to cancel it")
    func timeout() async throws {
        try await Self.withConnection { connection, wire in
            let result = await connection.request("tools/call", params: ["name": "slow"], timeout: .milliseconds(50))
            guard case .failure(let error) = result else {
                Issue.record("answered: \(result)")
                return
            }
            #expect(error.data?[MCPClientConnection.timeoutKey] == true && error.message.contains("no answer within"))
            var messages = wire.arrivals.makeAsyncIterator()
            let request = try #require(await messages.next())
            let notice = try #require(await messages.next())
            #expect(notice["method"] == "notifications/cancelled" && notice["params"]?["requestId"] == request["id"])
            // A late answer is dropped; the next request works.
            await connection.receive(Array(#"{"jsonrpc":"2.0","id":\#(request["id"]?.intValue ?? 0),"result":{}}"#.utf8))
            async let next = connection.request("ping", timeout: .seconds(5))
            let ping = try #require(await messages.next())
            await connection.receive(Array(#"{"jsonrpc":"2.0","id":\#(ping["id"]?.intValue ?? 0),"result":{"ok":true}}"#.utf8))
            #expect(try (await next).get()["ok"] == true)
        }
    }
}
