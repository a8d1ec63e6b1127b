import Foundation
import GatewayCore
import GatewayPolicy
@testable import GatewayServer
import GatewayTesting
import Logging
import MCPCore
import OpenAPIImport
import RESTUpstream
import Synchronization
import Testing

/// A policy that records each call it sees, for the seam test.
final class SeenCalls: ToolPolicy {
    let seen = Mutex<[String]>([])

    func handle(
        _ input: ToolCall, context: CallContext, next: (ToolCall, CallContext) async throws(GatewayError) -> MCPToolResult
    ) async throws(GatewayError) -> MCPToolResult {
        seen.withLock { $0.append("before \(input.name) on \(context.server) via \(context.transport) id \(context.requestID.map { "\($0)" } ?? "-")") }
        let result = try await next(input, context)
        seen.withLock { $0.append("after \(input.name) isError=\(result.isError)") }
        return result
    }
}

@Suite("stdio transport end to end (pipes, demo API on 127.0.0.1)")
struct StdioTransportTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// One client for the whole suite (an `HTTPClient` must be shut down before it is released).
    static let client = RESTExecutor.makeHTTPClient()
    static let demo = try! OpenAPIImporter().importDocument(path: repository.appendingPathComponent("specs/demo-api.yaml").path)

    func handler(port: Int, policies: PolicyChain = PolicyChain()) -> GatewayToolHandler {
        var logger = Logger(label: "stdio-tests")
        logger.logLevel = .error
        let executor = RESTExecutor(client: Self.client, logger: logger)
        let provider = OpenAPIToolProvider(imported: Self.demo, executor: executor, baseURL: "http://127.0.0.1:\(port)")
        return GatewayToolHandler(server: "demo", transport: "stdio", provider: provider, policies: policies)
    }

    @Test("a slow tool call does not block ping; every stdout line is JSON-RPC; EOF waits for calls in flight")
    func concurrencyAndDrain() async throws {
        let seen = SeenCalls()
        var chain = PolicyChain()
        chain.append(seen)
        let policies = chain
        try await withLiveServer(DemoRouter.make()) { port in
            let harness = StdioHarness()
            async let gateway: Void = harness.runGateway(handler: handler(port: port, policies: policies))
            var lines = try await harness.initialized()
            harness.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            harness.send(#"{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"clinicSummary","arguments":{"delay_ms":1500}}}"#)
            harness.send(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#)
            #expect(try await harness.next(&lines)?["id"] == "p", "ping is answered while the slow call runs")
            harness.send(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"getPet","arguments":{"petId":1}}}"#)
            let pet = try await harness.next(&lines)
            #expect(pet?["id"] == 7)
            #expect(pet?["result"]?["structuredContent"]?["name"] == "Rex")
            harness.closeInput()
            let slow = try await harness.next(&lines)
            #expect(slow?["id"] == "slow", "the call in flight at EOF is still answered")
            #expect(slow?["result"]?["structuredContent"]?["total"] == 3)
            #expect(try await harness.next(&lines) == nil)
            await gateway
        }
        let trace = seen.seen.withLock { $0 }
        #expect(trace.contains("before clinicSummary on demo via stdio id \"slow\""))
        #expect(trace.contains("before getPet on demo via stdio id 7"))
        #expect(trace.contains("after getPet isError=false"))
    }

    @Test("a policy refusal reaches the client as a JSON-RPC error and the gateway keeps serving")
    func policyRefusal() async throws {
        struct DenyAll: ToolPolicy {
            func handle(
                _ input: ToolCall, context: CallContext, next: (ToolCall, CallContext) async throws(GatewayError) -> MCPToolResult
            ) async throws(GatewayError) -> MCPToolResult {
                throw GatewayError(.denied, "calls to '\(input.name)' are not allowed")
            }
        }
        var chain = PolicyChain()
        chain.append(DenyAll())
        let policies = chain
        try await withLiveServer(DemoRouter.make()) { port in
            let harness = StdioHarness()
            async let gateway: Void = harness.runGateway(handler: handler(port: port, policies: policies))
            var lines = try await harness.initialized()
            harness.send(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getPet","arguments":{"petId":1}}}"#)
            let refused = try await harness.next(&lines)
            #expect(refused?["error"]?["code"] == -32600)
            #expect(refused?["error"]?["message"] == "calls to 'getPet' are not allowed")
            harness.send(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
            #expect(try await harness.next(&lines)?["result"]?["tools"]?.arrayValue?.count == 8)
            harness.closeInput()
            await gateway
        }
    }

    @Test("an over-long line gets -32700 and the next line is served; blank lines and CRLF are tolerated")
    func longLines() async throws {
        let harness = StdioHarness()
        async let gateway: Void = harness.runGateway(handler: handler(port: 1), maxLineBytes: 1024)
        var lines = harness.lines.makeAsyncIterator()
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":""# + String(repeating: "x", count: 5000) + #""}}"#)
        let error = try await harness.next(&lines)
        #expect(error?["error"]?["code"] == -32700)
        #expect(error?["id"] == .null)
        harness.send("")
        harness.send(#"{"jsonrpc":"2.0","id":2,"method":"ping"}"# + "\r")
        #expect(try await harness.next(&lines)?["id"] == 2)
        harness.closeInput()
        await gateway
    }
}
