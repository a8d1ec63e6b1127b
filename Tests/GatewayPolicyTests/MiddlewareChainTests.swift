import GatewayCore
import GatewayPolicy
import MCPCore
import Synchronization
import Testing

/// Records the order in which steps run.
final class Trace: Sendable {
    let events = Mutex<[String]>([])
    func add(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }
}

/// A policy that logs before and after, and tags the result.
struct TracingPolicy: ToolPolicy {
    let name: String
    let trace: Trace

    func handle(
        _ input: ToolCall, context: CallContext, next: (ToolCall, CallContext) async throws(GatewayError) -> MCPToolResult
    ) async throws(GatewayError) -> MCPToolResult {
        trace.add("\(name):before:\(input.name)@\(context.server)")
        var result = try await next(input, context)
        result.content.append(.text("seen by \(name)"))
        trace.add("\(name):after")
        return result
    }
}

/// A policy that refuses tools whose name starts with `delete`, and stamps the caller on the rest.
struct GuardPolicy: ToolPolicy {
    func handle(
        _ input: ToolCall, context: CallContext, next: (ToolCall, CallContext) async throws(GatewayError) -> MCPToolResult
    ) async throws(GatewayError) -> MCPToolResult {
        if input.name.hasPrefix("delete") { throw GatewayError(.denied, "tool '\(input.name)' is not allowed for \(context.identity.consumer)") }
        var amended = input
        amended.arguments["caller"] = .string(context.identity.consumer)
        var context = context
        context.identity = Identity(consumer: "checked-\(context.identity.consumer)", isAuthenticated: true)
        return try await next(amended, context)
    }
}

@Suite("Middleware chain")
struct MiddlewareChainTests {
    let context = CallContext(identity: Identity(consumer: "team-a", isAuthenticated: false), server: "pets", transport: "stdio")

    @Test("an empty chain calls the terminal handler directly")
    func empty() async throws {
        let chain = PolicyChain()
        let result = try await chain.run(ToolCall(name: "t", arguments: [:]), context: context) { (call, _) async throws(GatewayError) -> MCPToolResult in
            MCPToolResult(content: [.text("ran \(call.name)")])
        }
        #expect(chain.count == 0)
        #expect(result.content == [.text("ran t")])
    }

    @Test("policies wrap the call in order: first added is outermost")
    func order() async throws {
        let trace = Trace()
        var chain = PolicyChain()
        chain.append(TracingPolicy(name: "audit", trace: trace))
        chain.append(TracingPolicy(name: "limits", trace: trace))
        let result = try await chain.run(ToolCall(name: "getPet", arguments: [:]), context: context) { (_, _) async throws(GatewayError) -> MCPToolResult in
            trace.add("provider")
            return MCPToolResult(content: [.text("pet")])
        }
        #expect(trace.all == ["audit:before:getPet@pets", "limits:before:getPet@pets", "provider", "limits:after", "audit:after"])
        #expect(result.content == [.text("pet"), .text("seen by limits"), .text("seen by audit")])
    }

    @Test("a policy can refuse a call (the provider never runs) or amend input and context")
    func refuseAndAmend() async throws {
        var chain = PolicyChain()
        chain.append(GuardPolicy())
        let ran = Trace()
        let terminal = { (call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult in
            ran.add("\(call.name) caller=\(call.arguments["caller"]?.stringValue ?? "-") as=\(context.identity.consumer)")
            return MCPToolResult(content: [])
        }
        await #expect { try await chain.run(ToolCall(name: "deletePet", arguments: [:]), context: context, terminal: terminal) } throws: { error in
            (error as? GatewayError)?.code == .denied
        }
        #expect(ran.all.isEmpty)
        _ = try await chain.run(ToolCall(name: "getPet", arguments: [:]), context: context, terminal: terminal)
        #expect(ran.all == ["getPet caller=team-a as=checked-team-a"])
    }

    @Test("gateway errors convert to JSON-RPC errors at one point")
    func errorConversion() {
        #expect(GatewayError(.unknownTool, "x").jsonRPCError.code == .invalidParams)
        #expect(GatewayError(.denied, "x").jsonRPCError.code == .invalidRequest)
        #expect(GatewayError(.denied, "x").jsonRPCError.data?["reason"] == "denied")
        #expect(GatewayError(.internal, "x").jsonRPCError.code == .internalError)
    }
}
