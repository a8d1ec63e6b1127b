import Logging
import MCPCore
import Synchronization
import Testing

/// Collects what a session sends outside of replies (progress notifications).
final class Outbox: Sendable {
    let messages = Mutex<[JSONRPCMessage]>([])
    func send(_ message: JSONRPCMessage) async { messages.withLock { $0.append(message) } }
}

@Suite("MCP server session")
struct MCPServerSessionTests {
    let outbox = Outbox()
    let handler = TestHandler(toolCount: 5)

    func makeSession(pageSize: Int = 2) -> MCPServerSession {
        let outbox = self.outbox
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return MCPServerSession(
            configuration: .init(serverInfo: .init(name: "test", version: "1"), toolsPageSize: pageSize),
            handler: handler, logger: logger, send: { await outbox.send($0) }
        )
    }

    func send(_ session: MCPServerSession, _ text: String) async throws -> JSONValue? {
        guard let reply = await session.receive(Array(text.utf8)) else { return nil }
        return try JSONParser().parse(reply.jsonValue.serialized())
    }

    func initialized(_ version: String = "2025-11-25", pageSize: Int = 2) async throws -> MCPServerSession {
        let session = makeSession(pageSize: pageSize)
        let reply = try await send(session, #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
        #expect(reply?["result"]?["protocolVersion"]?.stringValue != nil)
        #expect(try await send(session, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == nil)
        return session
    }

    @Test("answers initialize with the negotiated revision, capabilities and server info")
    func initialize() async throws {
        let session = makeSession()
        let reply = try await send(session, #"{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2026-07-28","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
        #expect(reply?["id"] == .string("init"))
        #expect(reply?["result"]?["protocolVersion"] == "2025-11-25")
        #expect(reply?["result"]?["capabilities"]?["tools"] != nil)
        #expect(reply?["result"]?["capabilities"]?["resources"] != nil)
        #expect(reply?["result"]?["capabilities"]?["prompts"] != nil)
        #expect(reply?["result"]?["capabilities"]?["logging"] != nil)
        #expect(reply?["result"]?["serverInfo"]?["name"] == "test")
        let second = try await send(session, #"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}"#)
        #expect(second?["error"]?["code"] == -32600)
    }

    @Test("answers a request before initialize at once with -32601, and ping with {}")
    func preInitialize() async throws {
        let session = makeSession()
        let discover = try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}"#)
        #expect(discover?["error"]?["code"] == -32601)
        #expect(discover?["id"] == 1)
        let ping = try await send(session, #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)
        #expect(ping?["result"] == .object([:]))
    }

    @Test("never answers a notification, even an unknown or malformed one")
    func notifications() async throws {
        let session = try await initialized()
        #expect(try await send(session, #"{"jsonrpc":"2.0","method":"notifications/whatever"}"#) == nil)
        #expect(try await send(session, #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}}"#) == nil)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":5,"result":{}}"#) == nil)
    }

    @Test("echoes ids with their JSON type")
    func idTypes() async throws {
        let session = try await initialized()
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":"1","method":"ping"}"#)?["id"] == .string("1"))
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)?["id"] == .int(1))
    }

    @Test("uses the exact error codes")
    func errorCodes() async throws {
        let session = try await initialized()
        #expect(try await send(session, "{bad")?["error"]?["code"] == -32700)
        #expect(try await send(session, "{bad")?["id"] == .null)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1}"#)?["error"]?["code"] == -32600)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"no/such"}"#)?["error"]?["code"] == -32601)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}"#)?["error"]?["code"] == -32602)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope"}}"#)?["error"]?["code"] == -32602)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":[1]}}"#)?["error"]?["code"] == -32602)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{}}"#)?["error"]?["code"] == -32601)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"x://y"}}"#)?["error"]?["code"] == -32002)
    }

    @Test("pages tools/list with opaque cursors and refuses a garbage cursor")
    func pagination() async throws {
        let session = try await initialized(pageSize: 2)
        var names: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let params = cursor.map { #","params":{"cursor":"\#($0)"}"# } ?? ""
            let reply = try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"\#(params)}"#)
            names += reply?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            cursor = reply?["result"]?["nextCursor"]?.stringValue
            pages += 1
        } while cursor != nil && pages < 10
        #expect(names == handler.tools.map(\.name))
        #expect(pages == 3)
        let garbage = try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"garbage"}}"#)
        #expect(garbage?["error"]?["code"] == -32602)
    }

    @Test("answers logging/setLevel, and -32602 for an unknown level")
    func logging() async throws {
        let session = try await initialized()
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"warning"}}"#)?["result"] == .object([:]))
        #expect(session.clientLogLevel == .warning)
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"loud"}}"#)?["error"]?["code"] == -32602)
    }

    @Test("answers resources and prompts listings with empty lists")
    func emptyLists() async throws {
        let session = try await initialized()
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"resources/list"}"#)?["result"]?["resources"] == .array([]))
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"resources/templates/list"}"#)?["result"]?["resourceTemplates"] == .array([]))
        #expect(try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"prompts/list"}"#)?["result"]?["prompts"] == .array([]))
    }

    @Test("accepts batches only in 2025-03-26")
    func batches() async throws {
        let old = try await initialized("2025-03-26")
        let reply = try await send(old, #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},{"jsonrpc":"2.0","id":"b","method":"nope"}]"#)
        #expect(reply?.arrayValue?.count == 2)
        #expect(reply?.arrayValue?[0]["id"] == 1)
        #expect(reply?.arrayValue?[1]["error"]?["code"] == -32601)
        #expect(try await send(old, "[]")?["error"]?["code"] == -32600)
        let initInBatch = try await send(old, #"[{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}]"#)
        #expect(initInBatch?.arrayValue?.first?["error"]?["code"] == -32600)
        #expect(try await send(old, #"[{"jsonrpc":"2.0","method":"notifications/x"}]"#) == nil)

        let new = try await initialized("2025-06-18")
        let refused = try await send(new, #"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#)
        #expect(refused?["error"]?["code"] == -32600)
        #expect(refused?["id"] == .null)
    }

    @Test("sends structuredContent only to 2025-06-18 and later")
    func structuredContentByVersion() async throws {
        let call = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"a":1}}}"#
        let new = try await initialized("2025-06-18")
        #expect(try await send(new, call)?["result"]?["structuredContent"] == ["a": 1])
        let old = try await initialized("2025-03-26")
        let reply = try await send(old, call)
        #expect(reply?["result"]?["structuredContent"] == nil)
        #expect(reply?["result"]?["content"]?.arrayValue?.first?["text"] == #"{"a":1}"#)
        let list = try await send(old, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        #expect(list?["result"]?["tools"]?.arrayValue?.first?["outputSchema"] == nil)
    }

    @Test("a slow call does not hold up ping, and notifications/cancelled stops it with no response")
    func cancellation() async throws {
        let session = try await initialized()
        try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask {
                try await send(session, #"{"jsonrpc":"2.0","id":"slow-1","method":"tools/call","params":{"name":"slow","arguments":{}}}"#)
            }
            var started = handler.slowStarted.makeAsyncIterator()
            await started.next()
            // The slow call is in flight: ping must still answer.
            let ping = try await send(session, #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)
            #expect(ping?["result"] == .object([:]))
            #expect(try await send(session, #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-1","reason":"test"}}"#) == nil)
            let reply = try await group.next()
            #expect(reply == .some(nil), "a cancelled request gets no response")
            #expect(handler.cancelledCalls.withLock { $0 } == 1)
        }
    }

    @Test("reports strictly increasing progress for the request's token and nothing after the response")
    func progress() async throws {
        let session = try await initialized()
        let reply = try await send(session, #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"progress","arguments":{},"_meta":{"progressToken":"tok"}}}"#)
        #expect(reply?["result"]?["content"]?.arrayValue?.first?["text"] == "finished")
        let notes = outbox.messages.withLock { $0 }
        #expect(notes.count == 3)
        #expect(notes.allSatisfy { $0.method == "notifications/progress" })
        #expect(notes.compactMap { $0.jsonValue["params"]?["progressToken"] }.allSatisfy { $0 == "tok" })
        #expect(notes.compactMap { $0.jsonValue["params"]?["progress"]?.doubleValue } == [1, 2, 3])
    }
}
