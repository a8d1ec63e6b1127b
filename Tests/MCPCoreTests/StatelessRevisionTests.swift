import Logging
import MCPCore
import Testing

/// The stateless revision (2026-07-28) served by the same engine as the handshake revisions.
@Suite("Stateless revision 2026-07-28")
struct StatelessRevisionTests {
    let handler = TestHandler(toolCount: 3)
    static let envelope = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"}}"#

    func makeSession() -> MCPServerSession {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return MCPServerSession(
            configuration: .init(serverInfo: .init(name: "test", version: "1"), instructions: "hi", toolsPageSize: 2),
            handler: handler, logger: logger, send: { _ in }
        )
    }

    func send(_ session: MCPServerSession, _ text: String, headers: [(String, String)]? = nil) async throws -> JSONValue? {
        let context = headers.map { MCPReceiveContext(headers: $0.map { (name: $0.0, value: $0.1) }, checksRoutingHeaders: true) } ?? .none
        guard let reply = await session.receive(Array(text.utf8), context: context) else { return nil }
        return try JSONParser().parse(reply.jsonValue.serialized())
    }

    @Test("server/discover needs no initialize and lists every revision, capabilities and server info")
    func discover() async throws {
        let reply = try await send(makeSession(), #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{\#(Self.envelope)}}"#)
        let result = try #require(reply?["result"])
        #expect(result["supportedVersions"] == ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"])
        #expect(result["capabilities"]?["tools"] != nil)
        #expect(result["capabilities"]?["logging"] == nil)
        #expect(result["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "test")
        #expect(result["instructions"] == "hi")
        #expect(result["resultType"] == "complete")
        #expect(result["cacheScope"] == "private")
        #expect(result["ttlMs"] == 0)
    }

    @Test("tools/list pages and tools/call runs per request, each result marked complete")
    func listAndCall() async throws {
        let session = makeSession()
        let page = try await send(session, #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{\#(Self.envelope)}}"#)
        #expect(page?["result"]?["tools"]?.arrayValue?.count == 2)
        let cursor = try #require(page?["result"]?["nextCursor"]?.stringValue)
        let rest = try await send(session, #"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"\#(cursor)",\#(Self.envelope)}}"#)
        #expect(rest?["result"]?["tools"]?.arrayValue?.first?["name"] == "progress")
        let call = try await send(session, #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"a":1},\#(Self.envelope)}}"#)
        #expect(call?["result"]?["structuredContent"]?["a"] == 1)
        #expect(call?["result"]?["resultType"] == "complete")
        #expect(session.protocolVersion == nil, "no session state was created")
    }

    @Test("methods the revision removed get -32601; a missing envelope key -32602 naming it")
    func removedMethodsAndEnvelope() async throws {
        let session = makeSession()
        let ping = try await send(session, #"{"jsonrpc":"2.0","id":5,"method":"ping","params":{\#(Self.envelope)}}"#)
        #expect(ping?["error"]?["code"] == -32601)
        let missing = try await send(
            session, #"{"jsonrpc":"2.0","id":6,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#)
        #expect(missing?["error"]?["code"] == -32602)
        #expect(missing?["error"]?["message"]?.stringValue?.contains("io.modelcontextprotocol/clientCapabilities") == true)
        let read = try await send(session, #"{"jsonrpc":"2.0","id":7,"method":"resources/read","params":{"uri":"x://y",\#(Self.envelope)}}"#)
        #expect(read?["error"]?["code"] == -32602)
    }

    @Test("an unknown stateless version gets -32022 listing every supported revision")
    func unsupportedVersion() async throws {
        let text = #"{"jsonrpc":"2.0","id":8,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2027-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}"#
        let reply = try await send(makeSession(), text)
        #expect(reply?["error"]?["code"] == -32022)
        #expect(reply?["error"]?["data"]?["requested"] == "2027-01-01")
        #expect(reply?["error"]?["data"]?["supported"]?.arrayValue?.contains("2026-07-28") == true)
    }

    @Test("over HTTP the routing headers must agree with the body (-32020)")
    func headerMismatch() async throws {
        let session = makeSession()
        let call = #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{},\#(Self.envelope)}}"#
        let good = [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "echo")]
        #expect(try await send(session, call, headers: good)?["result"] != nil)
        let encoded = [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "=?base64?ZWNobw==?=")]
        #expect(try await send(session, call, headers: encoded)?["result"] != nil)
        for headers in [
            [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "other")],
            [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/list"), ("Mcp-Name", "echo")],
            [("Mcp-Method", "tools/call"), ("Mcp-Name", "echo")],
        ] {
            let reply = try await send(session, call, headers: headers)
            #expect(reply?["error"]?["code"] == -32020, "\(headers)")
        }
        // A header that is absent is named as missing, not as a mismatch.
        let missing = try await send(session, call, headers: [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Name", "echo")])
        #expect(missing?["error"]?["code"] == -32020)
        #expect(missing?["error"]?["message"] == "Header missing: Mcp-Method is required and must equal the body's method 'tools/call'")
        let mismatched = try await send(session, call, headers: [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/list"), ("Mcp-Name", "echo")])
        #expect(mismatched?["error"]?["message"] == "Header mismatch: Mcp-Method does not match the body's method 'tools/call'")
    }

    @Test("after a handshake the same engine ignores the envelope and serves the session")
    func dualEra() async throws {
        let session = makeSession()
        _ = try await send(session, #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}"#)
        let ping = try await send(session, #"{"jsonrpc":"2.0","id":1,"method":"ping","params":{\#(Self.envelope)}}"#)
        #expect(ping?["result"] == [:])
        let list = try await send(session, #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{\#(Self.envelope)}}"#)
        #expect(list?["result"]?["resultType"] == nil)
    }
}
