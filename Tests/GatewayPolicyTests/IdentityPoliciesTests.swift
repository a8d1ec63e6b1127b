import GatewayCore
import GatewayPolicy
import MCPCore
import Synchronization
import Testing

/// Authentication → grants → limits, through one chain, for tool calls and model calls alike.
@Suite("Identity, grants and limits policies")
struct IdentityPoliciesTests {
    static let aliceKey = "sk-alice-0123456789abcdef"
    static let bobKey = "sk-bob-0123456789abcdefgh"

    static func settings(
        alice: [LimitSettings] = [], team: [LimitSettings] = [], allow: Grants? = nil, rejections: AuthSettings.ToolRejection = .error,
        toolCallPrice: Double = 0
    ) -> IdentitySettings {
        IdentitySettings(
            consumers: [
                ConsumerSettings(name: "alice", apiKeyDigests: [ConsumerDirectory.digest(aliceKey)], groups: ["team"], allow: allow, limits: alice),
                ConsumerSettings(name: "bob", apiKeyDigests: [ConsumerDirectory.digest(bobKey)], groups: ["team"]),
            ],
            groups: [ConsumerGroupSettings(name: "team", limits: team)],
            auth: AuthSettings(header: "X-Gateway-Key", toolRejections: rejections, toolCallPrice: toolCallPrice)
        )
    }

    static func chain(_ settings: IdentitySettings, store: InMemoryRateLimitStore = InMemoryRateLimitStore()) throws -> (PolicyChain, LimitsPolicy) {
        let directory = ConsumerDirectory(settings)
        let limits = LimitsPolicy(directory, store: store, defaultCompletionReservation: 100)
        return (PolicyChain([AuthenticationPolicy(try Authenticator(directory: directory)), GrantsPolicy(directory), limits]), limits)
    }

    static func context(_ headers: [(String, String)], kind: CallKind = .toolCall, scope: String = "clinic", name: String = "getPet") -> CallContext {
        CallContext(target: CallTarget(kind: kind, scope: scope, name: name), transport: "http", callerHeaders: headers.map { ($0.0, $0.1) })
    }

    static func call(_ chain: PolicyChain, key: String? = aliceKey, tool: String = "getPet", header: String = "Authorization") async throws(GatewayError) -> MCPToolResult {
        let headers = key.map { [(header, header == "Authorization" ? "Bearer \($0)" : $0)] } ?? []
        return try await chain.run(ToolCall(name: tool, arguments: [:]), context: context(headers, name: tool)) { call, context async throws(GatewayError) in
            MCPToolResult(content: [.text("\(context.identity.consumer) called \(call.name)")])
        }
    }

    static func error(_ body: () async throws -> Void) async -> GatewayError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? GatewayError
        }
    }

    @Test("no key, a wrong key: 401 with a challenge; a key by Bearer, x-api-key or the configured header: the consumer")
    func authentication() async throws {
        let (chain, _) = try Self.chain(Self.settings())
        let missing = await Self.error { _ = try await Self.call(chain, key: nil) }
        #expect(missing?.code == .unauthenticated && missing?.httpHeaders.contains { $0 == ("WWW-Authenticate", #"Bearer realm="toolgate""#) } == true)
        let wrong = await Self.error { _ = try await Self.call(chain, key: "sk-not-a-key-at-all-000") }
        #expect(wrong?.httpStatus == 401 && wrong?.httpHeaders.contains { $0.value.contains(#"error="invalid_token""#) } == true)
        #expect(wrong?.message.contains("sk-not") == false, "the key is never echoed")
        #expect(try await Self.call(chain).content == [.text("alice called getPet")])
        #expect(try await Self.call(chain, key: Self.bobKey, header: "x-api-key").content == [.text("bob called getPet")])
        #expect(try await Self.call(chain, key: Self.bobKey, header: "X-Gateway-Key").content == [.text("bob called getPet")])
    }

    @Test("a tool not granted is refused (or an isError result), and absent from tools/list")
    func grants() async throws {
        let allow = Grants(servers: ["clinic"], tools: ["clinic/get*"])
        let (chain, _) = try Self.chain(Self.settings(allow: allow))
        let denied = await Self.error { _ = try await Self.call(chain, tool: "deletePet") }
        #expect(denied?.code == .denied && denied?.httpStatus == 403 && denied?.message == "alice may not use the tool 'deletePet' of server 'clinic'")
        #expect(try await Self.call(chain, key: Self.bobKey, tool: "deletePet").isError != true, "bob has no such restriction")
        let tools = [MCPTool(name: "getPet", description: "", inputSchema: ["type": "object"]), MCPTool(name: "deletePet", description: "", inputSchema: ["type": "object"])]
        let listed = try await chain.run(ListRequest(method: "tools/list"), context: Self.context([("Authorization", "Bearer \(Self.aliceKey)")], kind: .list, name: "tools/list")) {
            _, _ async throws(GatewayError) in .tools(tools)
        }
        guard case .tools(let visible) = listed else {
            Issue.record("not a tool list")
            return
        }
        #expect(visible.map(\.name) == ["getPet"])
        let (lenient, _) = try Self.chain(Self.settings(allow: allow, rejections: .result))
        #expect(try await Self.call(lenient, tool: "deletePet").isError == true)
    }

    @Test("a request limit: the call past it gets 429 facts (Retry-After, RateLimit fields) in words a model can act on")
    func requestLimit() async throws {
        let (chain, _) = try Self.chain(Self.settings(alice: [LimitSettings(measure: .requests, amount: 2, window: .seconds(60))]))
        _ = try await Self.call(chain)
        _ = try await Self.call(chain)
        let refused = await Self.error { _ = try await Self.call(chain) }
        #expect(refused?.code == .rateLimited && refused?.httpStatus == 429)
        #expect(refused?.message.hasPrefix("alice has used its limit of 2 requests per minute; it resets in") == true)
        let headers = refused?.httpHeaders ?? []
        #expect(headers.contains { $0.name == "Retry-After" && (1...60).contains(Int($0.value) ?? 0) })
        #expect(headers.contains { $0 == ("RateLimit-Policy", #""requests-60s";q=2;w=60"#) })
        #expect(headers.contains { $0.name == "RateLimit" && $0.value.hasPrefix(#""requests-60s";r=0;t="#) })
        #expect(refused?.jsonRPCError.data?["retryAfter"] != nil)
        #expect(try await Self.call(chain, key: Self.bobKey).isError != true, "bob's budget is his own")
    }

    @Test("a group's limit is one budget for its members; list requests do not count")
    func groupLimit() async throws {
        let (chain, _) = try Self.chain(Self.settings(team: [LimitSettings(measure: .requests, amount: 2, window: .seconds(60))]))
        for _ in 0..<3 {
            _ = try await chain.run(ListRequest(method: "tools/list"), context: Self.context([("Authorization", "Bearer \(Self.aliceKey)")], kind: .list)) {
                _, _ async throws(GatewayError) in .tools([])
            }
        }
        _ = try await Self.call(chain)
        _ = try await Self.call(chain, key: Self.bobKey)
        #expect(await Self.error { _ = try await Self.call(chain) }?.code == .rateLimited)
    }

    @Test("a concurrency limit holds while a call runs and is released after it")
    func concurrency() async throws {
        let (chain, _) = try Self.chain(Self.settings(alice: [LimitSettings(measure: .concurrent, amount: 1)]))
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let context = Self.context([("Authorization", "Bearer \(Self.aliceKey)")])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = try await chain.run(ToolCall(name: "getPet", arguments: [:]), context: context) { _, _ async throws(GatewayError) in
                    startedContinuation.yield()
                    for await _ in release { break }
                    return MCPToolResult(content: [.text("slow")])
                }
            }
            for await _ in started { break }
            #expect(await Self.error { _ = try await Self.call(chain) }?.message.contains("1 concurrent calls") == true)
            releaseContinuation.yield()
            try await group.waitForAll()
        }
        #expect(try await Self.call(chain).isError != true)
    }

    @Test("tokens: a model call reserves its estimate plus max_tokens, settles to the real usage, and shares the request budget with tool calls")
    func tokens() async throws {
        let store = InMemoryRateLimitStore()
        let limits = [LimitSettings(measure: .tokens, amount: 100, window: .seconds(3600)), LimitSettings(measure: .requests, amount: 3, window: .seconds(60))]
        let (chain, _) = try Self.chain(Self.settings(alice: limits), store: store)
        let request = ModelRequest(operation: .chatCompletions, model: "chat", body: ["model": "chat", "messages": [["role": "user", "content": "12345678"]], "max_tokens": 60])
        let context = Self.context([("Authorization", "Bearer \(Self.aliceKey)")], kind: .chat, scope: "chat", name: "chat")
        let answer = try await chain.run(ChatCall(request: request, group: ModelGroupInfo(name: "chat")), context: context) { call, context async throws(GatewayError) in
            let reserved = await store.acquire("consumer:alice:0", cost: 0, amount: 100, window: .seconds(3600))
            #expect(reserved.remaining == 38, "2 prompt tokens estimated + 60 max_tokens reserved")
            return ModelResponse(instance: "a", attempts: 1, upstreamWait: .zero, body: .complete([], json: [:], usage: TokenUsage(promptTokens: 10, completionTokens: 20)))
        }
        #expect(answer.headers.contains { $0.name == "RateLimit-Policy" })
        #expect(await store.acquire("consumer:alice:0", cost: 0, amount: 100, window: .seconds(3600)).remaining == 70, "settled to the 30 tokens used")
        let second = await Self.error {
            _ = try await chain.run(ChatCall(request: request, group: ModelGroupInfo(name: "chat")), context: context) { _, _ async throws(GatewayError) in
                ModelResponse(instance: "a", attempts: 1, upstreamWait: .zero, body: .complete([], json: [:], usage: TokenUsage(promptTokens: 10, completionTokens: 20)))
            }
        }
        #expect(second == nil, "62 reserved of 70 left fits")
        _ = try await Self.call(chain)
        let fourth = await Self.error { _ = try await Self.call(chain) }
        #expect(fourth?.message.contains("3 requests per minute") == true, "two model calls and one tool call used the 3 requests")
    }

    @Test("a cost budget spans tool calls (their price) and model calls (their instance's token prices)")
    func cost() async throws {
        let (chain, _) = try Self.chain(Self.settings(alice: [LimitSettings(measure: .cost, amount: 1.0, window: .seconds(3600))], toolCallPrice: 0.25))
        _ = try await Self.call(chain)
        let request = ModelRequest(operation: .chatCompletions, model: "chat", body: ["model": "chat", "messages": [["role": "user", "content": "hi"]]])
        let context = Self.context([("Authorization", "Bearer \(Self.aliceKey)")], kind: .chat, scope: "chat", name: "chat")
        _ = try await chain.run(ChatCall(request: request, group: ModelGroupInfo(name: "chat")), context: context) { _, _ async throws(GatewayError) in
            // 100,000 prompt tokens at 2.0 per million: 0.2.
            ModelResponse(
                instance: "a", attempts: 1, upstreamWait: .zero, body: .complete([], json: [:], usage: TokenUsage(promptTokens: 100_000, completionTokens: 0)),
                price: ModelPrice(input: 2.0, output: 8.0)
            )
        }
        _ = try await Self.call(chain)
        _ = try await Self.call(chain)
        let refused = await Self.error { _ = try await Self.call(chain) }
        #expect(refused?.code == .rateLimited && refused?.message.contains("limit of 1 cost per hour") == true, "0.25 + 0.2 + 0.25 + 0.25 used; one more tool call would pass 1.0")
    }
}
