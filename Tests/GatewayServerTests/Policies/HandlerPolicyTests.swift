import GatewayCore
import GatewayPolicy
import GatewayServer
import HTTPTypes
import MCPCore
import Synchronization
import Testing

/// A provider with tools, resources and prompts, answered in process (the provider port's
/// contract; the real upstreams are exercised by the MCPUpstream and interop suites).
struct FeatureProvider: ToolProvider, FeatureForwarding {
    func tools() async throws(GatewayError) -> [MCPTool] {
        [MCPTool(name: "echo", description: "echo", inputSchema: ["type": "object"])]
    }

    func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        MCPToolResult(content: [.text("echo \(call.name)")])
    }

    func forward(_ method: String, params: JSONObject) async throws(GatewayError) -> Result<JSONValue, JSONRPCError>? {
        switch method {
        case "resources/read" where params["uri"] == "doc://missing":
            return .failure(JSONRPCError(code: .resourceNotFound, message: "Resource not found: 'doc://missing'"))
        case "resources/read": return .success(["contents": [["uri": params["uri"] ?? .null, "text": "body"]]])
        case "prompts/get": return .success(["messages": [], "description": params["name"] ?? .null])
        case "prompts/list": return .success(["prompts": [["name": "summarise"]]])
        default: return nil
        }
    }
}

/// Records each call's kind, target and caller, and refuses prompts named `secret`.
final class KindRecorder: Policy {
    let name = "recorder"
    let seen = Mutex<[String]>([])

    func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        seen.withLock { $0.append("\(context.target.kind.rawValue) \(context.target) via \(context.transport) bearer=\(context.credentials.bearer ?? "-")") }
        if let prompt = call as? PromptGet, prompt.name == "secret" { throw GatewayError(.denied, "prompt 'secret' is not granted") }
        return try await next(call, context)
    }
}

@Suite("Handler: every kind of call passes the policy chain")
struct HandlerPolicyTests {
    @Test("tool calls, tools/list, resource reads, prompt gets and forwarded lists reach the same policy")
    func everyKind() async throws {
        let recorder = KindRecorder()
        let handler = GatewayToolHandler(
            server: "wiki", transport: "http", provider: FeatureProvider(), policies: PolicyChain([recorder]),
            callerHeaders: [("Authorization", "Bearer tg-key")]
        )
        #expect(try await handler.listTools().map(\.name) == ["echo"])
        let result = try await handler.callTool(MCPToolCall(requestID: .int(3), name: "echo", arguments: [:]))
        #expect(result.content == [.text("echo echo")])
        #expect(try await handler.forward(method: "resources/read", params: ["uri": "doc://a"])?["contents"]?.arrayValue?.first?["text"] == "body")
        #expect(try await handler.forward(method: "prompts/get", params: ["name": "summarise"])?["description"] == "summarise")
        #expect(try await handler.forward(method: "prompts/list", params: nil)?["prompts"]?.arrayValue?.count == 1)
        // Not offered upstream: left to the engine (nil), after the chain saw it.
        #expect(try await handler.forward(method: "resources/templates/list", params: nil) == nil)
        #expect(recorder.seen.withLock { $0 } == [
            "list wiki/tools/list via http bearer=tg-key",
            "tool_call wiki/echo via http bearer=tg-key",
            "resource_read wiki/doc://a via http bearer=tg-key",
            "prompt_get wiki/summarise via http bearer=tg-key",
            "list wiki/prompts/list via http bearer=tg-key",
            "list wiki/resources/templates/list via http bearer=tg-key",
        ])
    }

    @Test("a policy's refusal and an upstream's own error reach the client as JSON-RPC errors")
    func errors() async throws {
        let handler = GatewayToolHandler(server: "wiki", transport: "stdio", provider: FeatureProvider(), policies: PolicyChain([KindRecorder()]))
        await #expect {
            _ = try await handler.forward(method: "prompts/get", params: ["name": "secret"])
        } throws: { error in
            (error as? JSONRPCError)?.code == .invalidRequest && (error as? JSONRPCError)?.data?["reason"] == "denied"
        }
        await #expect {
            _ = try await handler.forward(method: "resources/read", params: ["uri": "doc://missing"])
        } throws: { error in
            (error as? JSONRPCError)?.code == .resourceNotFound
        }
    }
}

@Suite("GatewayError as an HTTP answer")
struct GatewayErrorResponseTests {
    @Test("status, Retry-After and the JSON error body come from the one error")
    func response() async throws {
        let response = GatewayError(.rateLimited, "slow down", retryAfter: 30).response()
        #expect(response.status.code == 429)
        #expect(response.headers[.retryAfter] == "30")
        #expect(response.headers[.contentType] == "application/json")
        let denied = GatewayError(.unauthenticated, "no key").response()
        #expect(denied.status.code == 401)
        #expect(denied.headers[.retryAfter] == nil)
    }
}
