import GatewayCore
import GatewayPolicy
import MCPCore
import Synchronization
import Testing

/// A policy written once, against `GatewayCall`: it counts calls per kind and consumer, records a
/// verdict, and refuses a consumer past its budget — for every kind of call alike.
final class CountingPolicy: Policy {
    let name = "count"
    let budget: Int
    init(budget: Int) { self.budget = budget }
    let counts = Mutex<[String: Int]>([:])

    func handle<Call: GatewayCall>(
        _ call: Call, context: CallContext, next: PolicyNext<Call>
    ) async throws(GatewayError) -> Call.Output {
        let key = "\(context.identity.consumer):\(context.target.kind.rawValue)"
        let used = counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts.values.reduce(0, +)
        }
        guard used <= budget else { throw GatewayError(.rateLimited, "budget of \(budget) calls used", retryAfter: 1) }
        var context = context
        context.record(PolicyVerdict(policy: name, outcome: .allowed, detail: "\(used) of \(budget)"))
        return try await next(call, context)
    }
}

@Suite("Policy chain")
struct PolicyChainTests {
    let context = CallContext(identity: Identity(consumer: "team-a", isAuthenticated: true), server: "wiki", transport: "http")

    @Test("one policy runs on a tool call, a resource read, a prompt get and a list request; the chain sets the kind")
    func everyKind() async throws {
        let policy = CountingPolicy(budget: 4)
        let chain = PolicyChain([policy])
        let seen = Mutex<[String]>([])
        func note(_ context: CallContext) { seen.withLock { $0.append("\(context.target.kind.rawValue) \(context.verdicts.map(\.detail!))") } }

        let tool = try await chain.run(ToolCall(name: "search", arguments: [:]), context: context) { (_, context) async throws(GatewayError) -> MCPToolResult in
            note(context)
            return MCPToolResult(content: [.text("found")])
        }
        let resource = try await chain.run(ResourceRead(uri: "wiki://home", params: [:]), context: context) { (read, context) async throws(GatewayError) -> JSONValue in
            note(context)
            return ["contents": [["uri": .string(read.uri), "text": "home"]]]
        }
        let prompt = try await chain.run(PromptGet(name: "summarise", params: [:]), context: context) { (get, context) async throws(GatewayError) -> JSONValue in
            note(context)
            return ["messages": [], "description": .string(get.name)]
        }
        let list = try await chain.run(ListRequest(method: "tools/list"), context: context) { (_, context) async throws(GatewayError) -> ListResult in
            note(context)
            return .tools([])
        }
        #expect(tool.content == [.text("found")])
        #expect(resource["contents"]?.arrayValue?.first?["uri"] == "wiki://home")
        #expect(prompt["description"] == "summarise")
        if case .tools(let tools) = list { #expect(tools.isEmpty) } else { Issue.record("a list answer was expected") }
        #expect(seen.withLock { $0 } == ["tool_call [\"1 of 4\"]", "resource_read [\"2 of 4\"]", "prompt_get [\"3 of 4\"]", "list [\"4 of 4\"]"])
        #expect(policy.counts.withLock { $0 } == ["team-a:tool_call": 1, "team-a:resource_read": 1, "team-a:prompt_get": 1, "team-a:list": 1])

        // The fifth call of any kind is refused before its provider runs.
        await #expect {
            try await chain.run(PromptGet(name: "summarise", params: [:]), context: context) { (_, _) async throws(GatewayError) -> JSONValue in
                Issue.record("the provider must not run")
                return nil
            }
        } throws: { error in
            (error as? GatewayError)?.code == .rateLimited && (error as? GatewayError)?.retryAfter == 1
        }
    }

    /// A payload policy that only knows tool calls: it must not touch other kinds.
    struct ArgumentStamp: ToolPolicy {
        func handle(_ call: ToolCall, context: CallContext, next: PolicyNext<ToolCall>) async throws(GatewayError) -> MCPToolResult {
            var call = call
            call.arguments["stamped"] = true
            var result = try await next(call, context)
            result.content.append(.text("stamped"))
            return result
        }
    }

    @Test("a kind policy amends its own kind and lets the others through unchanged")
    func kindPolicy() async throws {
        let chain = PolicyChain([ArgumentStamp()])
        let tool = try await chain.run(ToolCall(name: "t", arguments: [:]), context: context) { (call, _) async throws(GatewayError) -> MCPToolResult in
            MCPToolResult(content: [.text("stamped=\(call.arguments["stamped"] ?? .null)")])
        }
        #expect(tool.content == [.text("stamped=true"), .text("stamped")])
        let read = try await chain.run(ResourceRead(uri: "u", params: ["uri": "u"]), context: context) { (read, _) async throws(GatewayError) -> JSONValue in
            .object(read.params)
        }
        #expect(read == ["uri": "u"])
        #expect(chain.names == ["ArgumentStamp"])
    }
}
