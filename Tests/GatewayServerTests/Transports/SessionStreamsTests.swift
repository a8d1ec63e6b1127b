import GatewayCore
import Logging
import MCPCore
import Testing

@testable import GatewayServer

/// Event ids, replay after `Last-Event-ID`, the standalone stream, idle expiry and keep-alive comments.
@Suite("Session streams, expiry and keep-alive")
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
        try await TaskOwner.withOwner(logger: Logger(label: "test")) { owner in
            let store = HTTPSessionStore(maxSessions: 10, idleTimeout: .milliseconds(50))
            let session = HTTPSession(
                id: HTTPSessionStore.newID(), configuration: .init(serverInfo: .init(name: "t", version: "1")),
                handler: EmptyHandler(), owner: owner, logger: Logger(label: "test")
            )
            #expect(store.insert(session))
            let events = try #require(session.streams.openStandalone())
            #expect(store.sweep() == 0)
            #expect(store.sweep(now: .now + .seconds(1)) == 1)
            #expect(store.count == 0)
            #expect(await Self.collect(events).isEmpty)
        }
    }

    static func session(in store: HTTPSessionStore, owner: TaskOwner) -> HTTPSession {
        let session = HTTPSession(
            id: HTTPSessionStore.newID(), configuration: .init(serverInfo: .init(name: "t", version: "1")),
            handler: EmptyHandler(), owner: owner, logger: Logger(label: "test")
        )
        #expect(store.insert(session))
        return session
    }

    @Test("one keep-alive round reaches every open standalone and legacy stream, and only those")
    func keepAliveRound() async throws {
        try await TaskOwner.withOwner(logger: Logger(label: "test")) { owner in
            let store = HTTPSessionStore(maxSessions: 10, idleTimeout: .seconds(60))
            let legacyStore = LegacySessionStore(maxSessions: 10)
            let watched = Self.session(in: store, owner: owner)
            let events = try #require(watched.streams.openStandalone())
            let unwatched = Self.session(in: store, owner: owner)
            let (_, post) = unwatched.streams.open(token: nil)
            let legacy = LegacySSESession(
                id: HTTPSessionStore.newID(), configuration: .init(serverInfo: .init(name: "t", version: "1")), handler: EmptyHandler(),
                owner: owner, logger: Logger(label: "test")
            )
            #expect(legacyStore.insert(legacy))
            StreamKeepAlive(sessions: store, legacy: legacyStore).tick()
            watched.streams.close()
            unwatched.streams.close()
            legacy.outboxContinuation.finish()
            var kinds: [String] = []
            for await event in events {
                if case .keepAlive = event { kinds.append("keep-alive") } else { kinds.append("message") }
            }
            #expect(kinds == ["keep-alive"])
            #expect(await Self.collect(post).isEmpty, "a POST's stream gets no comment")
            var outbox: [JSONValue] = []
            for await message in legacy.outbox { outbox.append(message) }
            #expect(outbox == [.null], "the legacy stream gets its comment as a null message")
        }
    }

    @Test("the keep-alive service sends a round every interval until cancelled")
    func keepAliveService() async throws {
        let store = HTTPSessionStore(maxSessions: 10, idleTimeout: .seconds(60))
        let session = Self.session(in: store, owner: TaskOwner(logger: Logger(label: "test")))
        let events = try #require(session.streams.openStandalone())
        let keepAlive = StreamKeepAlive(sessions: store, legacy: LegacySessionStore(maxSessions: 1))
        let service = RepeatingService(interval: .milliseconds(20)) { keepAlive.tick() }
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            var comments = 0
            for await event in events {
                if case .keepAlive = event { comments += 1 }
                if comments == 3 { break }
            }
            #expect(comments == 3)
            group.cancelAll()
        }
    }
}

struct EmptyHandler: MCPServerHandler {
    func listTools() async throws(JSONRPCError) -> [MCPTool] { [] }
    func callTool(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult { .error("none") }
}
