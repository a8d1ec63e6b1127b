import GatewayCore
import GatewayPolicy
@testable import GatewayServer
import GatewayTesting
import Logging
import MCPCore
import RESTUpstream
import Testing

@Suite("Discovery mode")
struct DiscoveryTests {
    func handler(port: Int, mode: ToolDiscovery.Mode, threshold: Int = 40, policies: PolicyChain = PolicyChain()) -> GatewayToolHandler {
        var logger = Logger(label: "discovery-tests")
        logger.logLevel = .error
        let executor = RESTExecutor(client: StdioTransportTests.client, logger: logger)
        let provider = OpenAPIToolProvider(imported: StdioTransportTests.demo, executor: executor, baseURL: "http://127.0.0.1:\(port)")
        return GatewayToolHandler(
            server: "clinic", transport: "test", provider: provider, policies: policies,
            discovery: ToolDiscovery(mode: mode, threshold: threshold)
        )
    }

    func call(_ handler: GatewayToolHandler, _ name: String, _ arguments: JSONObject) async throws -> MCPToolResult {
        try await handler.callTool(MCPToolCall(requestID: .int(1), name: name, arguments: arguments))
    }

    @Test("auto mode lists every tool under the threshold and the three meta-tools above it")
    func threshold() async throws {
        #expect(try await handler(port: 1, mode: .auto).listTools().count == 8)
        let meta = try await handler(port: 1, mode: .auto, threshold: 5).listTools()
        #expect(meta.map(\.name) == ["search_tools", "describe_tool", "call_tool"])
        #expect(try await handler(port: 1, mode: .off, threshold: 5).listTools().count == 8)
    }

    @Test("search ranks by words, describe returns the schema, call_tool runs the real tool through the policies")
    func searchDescribeCall() async throws {
        let seen = SeenCalls()
        var chain = PolicyChain()
        chain.append(seen)
        let policies = chain
        try await withLiveServer(DemoRouter.make()) { port in
            let handler = handler(port: port, mode: .on, policies: policies)
            let search = try await call(handler, "search_tools", ["query": "schedule a visit for my pet", "limit": 3])
            let names = search.structuredContent?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.first == "scheduleVisit")
            #expect(names.count == 3)
            let none = try await call(handler, "search_tools", ["query": "zzzz"])
            #expect(none.text.contains("No tool matches"))

            let described = try await call(handler, "describe_tool", ["name": "getPet"])
            #expect(described.structuredContent?["inputSchema"]?["required"] == ["petId"])
            #expect(try await call(handler, "describe_tool", ["name": "nope"]).isError)

            let pet = try await call(handler, "call_tool", ["name": "getPet", "arguments": ["petId": 2]])
            #expect(pet.structuredContent?["name"] == "Misty")
            #expect(seen.seen.withLock { $0 }.contains("before getPet on clinic via test id 1"), "policies see the real tool")
            let bad = try await call(handler, "call_tool", ["name": "getPet", "arguments": "x"])
            #expect(bad.isError)
            let direct = try await call(handler, "getPet", ["petId": 1])
            #expect(direct.structuredContent?["name"] == "Rex", "real tools stay callable by name")
        }
    }
}

extension MCPToolResult {
    var text: String {
        content.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined(separator: "\n")
    }
}
