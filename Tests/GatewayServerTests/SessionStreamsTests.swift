import Logging
import MCPCore
import Testing

@testable import GatewayServer

/// Event ids, replay after `Last-Event-ID`, the standalone stream and idle expiry.
@Suite("Session streams and expiry")
struct SessionStreamsTests {
    static func progress(_ value: Int) -> JSONRPCMessage {
        .notification(method: "notifications/progress", params: ["progressToken": "t", "progress": .int(Int64(value))])
    }

    static func collect(_ events: AsyncStream<SessionStreams.Event>) async -> [String] {
        var ids: [String] = []
        for await event in events {
            if case .message(let id, _) = event { ids.append(id) }
        }
        return ids
    }

    @Test("a detached stream's later events and reply are replayed after the last seen id, and only that stream's")
    func resume() async throws {
        let streams = SessionStreams()
        let (first, firstEvents) = streams.open(token: "t")
        let (second, _) = streams.open(token: "u")
        streams.yield(Self.progress(1), toToken: "t")
        streams.detach(first)
        streams.yield(Self.progress(2), toToken: "t")
        streams.yield(.notification(method: "notifications/progress", params: ["progressToken": "u", "progress": 1]), toToken: "u")
        let resumed = try #require(streams.resume(after: "\(first).1"))
        streams.finish(first, token: "t", reply: ["jsonrpc": "2.0", "id": 1, "result": [:]])
        #expect(await Self.collect(resumed) == ["\(first).2", "\(first).3"])
        streams.finish(second, token: "u", reply: nil)
        _ = firstEvents
        let again = try #require(streams.resume(after: "\(first).0"))
        #expect(await Self.collect(again) == ["\(first).1", "\(first).2", "\(first).3"], "a finished stream stays replayable")
        #expect(streams.resume(after: "42.1") == nil)
        #expect(streams.resume(after: "garbage") == nil)
    }

    @Test("one standalone stream at a time; close ends every stream")
    func standalone() async throws {
        let streams = SessionStreams()
        let events = try #require(streams.openStandalone())
        #expect(streams.openStandalone() == nil)
        let (_, post) = streams.open(token: 1)
        streams.close()
        #expect(await Self.collect(events).isEmpty)
        #expect(await Self.collect(post).isEmpty)
        streams.detach(SessionStreams.standalone)
        let reopened = try #require(streams.openStandalone())
        #expect(await Self.collect(reopened).isEmpty, "a closed session's new streams end at once")
    }

    @Test("the sweeper's pass ends idle sessions and closes their streams")
    func sweep() async throws {
        let store = HTTPSessionStore(maxSessions: 10, idleTimeout: .milliseconds(50))
        let session = HTTPSession(
            id: HTTPSessionStore.newID(), configuration: .init(serverInfo: .init(name: "t", version: "1")),
            handler: EmptyHandler(), logger: Logger(label: "test")
        )
        #expect(store.insert(session))
        let events = try #require(session.streams.openStandalone())
        #expect(store.sweep() == 0)
        #expect(store.sweep(now: .now + .seconds(1)) == 1)
        #expect(store.count == 0)
        #expect(await Self.collect(events).isEmpty)
    }
}

struct EmptyHandler: MCPServerHandler {
    func listTools() async throws(JSONRPCError) -> [MCPTool] { [] }
    func callTool(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult { .error("none") }
}
