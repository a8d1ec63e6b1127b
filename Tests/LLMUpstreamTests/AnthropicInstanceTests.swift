import GatewayCore
import GatewayTesting
import Logging
import MCPCore
import Testing
import UpstreamHTTP

@testable import LLMUpstream

/// An `anthropic` instance behind the router, against the fake provider's Anthropic persona:
/// the Messages request it gets, the answers and streams it gives back in OpenAI's format.
@Suite("Anthropic instances")
struct AnthropicInstanceTests {
    static func router(_ instances: [(String, ModelProviderKind, String)]) -> (ModelRouter, ModelGroupInfo) {
        let settings = ModelGroupSettings(
            name: "chat", timeout: .seconds(5), maxRetries: 2, fallbackOn: [.status(529), .status(500), .timeout, .connect],
            instances: instances.enumerated().map { index, instance in
                ModelInstanceSettings(
                    name: instance.0, provider: instance.1, baseURL: instance.2, apiKey: "sk-ant-upstream",
                    model: instance.1 == .anthropic ? "claude-sonnet-4-20250514" : "gpt-4o-mini", priority: index
                )
            }
        )
        let router = ModelRouter([settings], pool: HTTP1ConnectionPool(), logger: ModelRouterTests.logger)
        return (router, router.groups[0])
    }

    static func send(_ router: ModelRouter, _ group: ModelGroupInfo, _ extra: JSONObject = [:]) async throws(GatewayError) -> ModelResponse {
        var body = ModelRouterTests.body.objectValue!
        body.merge(extra) { $1 }
        return try await router.send(
            ModelRequest(operation: .chatCompletions, model: "chat", body: body), group: group,
            context: CallContext(target: CallTarget(kind: .chat, scope: "chat", name: "chat"), transport: "test")
        )
    }

    @Test("a whole answer: the provider's key as x-api-key with anthropic-version, a Messages body, a chat completion back with usage")
    func whole() async throws {
        try await withFakeModelProvider { fake, url in
            let (router, group) = Self.router([("claude", .anthropic, "\(url)/anthropic")])
            let response = try await Self.send(router, group, ["max_tokens": 100])
            guard case .complete(let bytes, _, let usage) = response.body else { Issue.record("not a whole answer"); return }
            let chat = try JSONParser().parse(bytes)
            #expect(chat["object"] == "chat.completion" && chat["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue?.hasPrefix("Olá!") == true)
            #expect(usage == TokenUsage(promptTokens: 1040, completionTokens: 38, cachedPromptTokens: 1024))
            let sent = try #require(fake.requests.last)
            #expect(sent.target == "/anthropic/v1/messages" && sent.header("x-api-key") == "sk-ant-upstream" && sent.header("anthropic-version") == "2023-06-01")
            #expect(sent.header("authorization") == nil)
            let body = try JSONParser().parse(sent.body)
            #expect(body["model"] == "claude-sonnet-4-20250514" && body["max_tokens"] == 100 && body["messages"] == [["role": "user", "content": [["type": "text", "text": "Say hello."]]]])
        }
    }

    @Test("a stream: chunks in OpenAI's format, the tool call's arguments in pieces, usage from the cumulative counters")
    func stream() async throws {
        try await withFakeModelProvider { _, url in
            let (router, group) = Self.router([("claude", .anthropic, "\(url)/anthropic")])
            let tools: JSONValue = [["type": "function", "function": ["name": "add", "parameters": ["type": "object"]]]]
            let response = try await Self.send(router, group, ["stream": true, "tools": tools])
            let (chunks, error) = await ModelRouterTests.drain(response)
            #expect(error == nil)
            let calls = chunks.flatMap { $0["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue ?? [] }
            let arguments = (0..<2).map { index in calls.filter { $0["index"] == .int(Int64(index)) }.compactMap { $0["function"]?["arguments"]?.stringValue }.joined() }
            #expect(arguments.map { try? JSONParser().parse($0) } == [["a": 2, "b": 3], ["a": 2, "b": 3]])
            #expect(chunks.contains { $0["choices"]?.arrayValue?.first?["finish_reason"] == "tool_calls" })
            guard case .stream(let stream) = response.body else { return }
            #expect(stream.ledger.outcome?.usage == TokenUsage(promptTokens: 502, completionTokens: 137))
            #expect(stream.ledger.outcome?.end == .completed)
        }
    }

    @Test("an overloaded Anthropic instance (529) falls back to the next; an error event mid-stream ends the stream with Anthropic's error")
    func failures() async throws {
        try await withFakeModelProvider { _, url in
            let (router, group) = Self.router([("claude", .anthropic, "\(url)/anthropic/fail-529"), ("oa", .openai, "\(url)/openai/v1")])
            let response = try await Self.send(router, group)
            #expect(response.instance == "oa" && response.attempts == 2)
            let (midRouter, midGroup) = Self.router([("claude", .anthropic, "\(url)/anthropic/delay-30/error-mid")])
            let (chunks, error) = await ModelRouterTests.drain(try await Self.send(midRouter, midGroup, ["stream": true]))
            #expect(!chunks.isEmpty)
            #expect(error?.providerError?["type"] == "overloaded_error" && error?.message == "Overloaded")
        }
    }

    @Test("a reset or a stall before the first event on an Anthropic instance falls back, a stream as well as a whole answer")
    func resetAndStall() async throws {
        try await withFakeModelProvider { _, url in
            for mode in ["reset", "stall-first"] {
                var settings = ModelGroupSettings(
                    name: "chat", ttftTimeout: .milliseconds(300), timeout: .seconds(2), maxRetries: 1,
                    instances: [
                        ModelInstanceSettings(name: "claude", provider: .anthropic, baseURL: "\(url)/anthropic/\(mode)", apiKey: "k", model: "claude-sonnet-4-20250514"),
                        ModelInstanceSettings(name: "spare", provider: .anthropic, baseURL: "\(url)/anthropic", apiKey: "k", model: "claude-sonnet-4-20250514", priority: 1),
                    ]
                )
                settings.fallbackOn = [.timeout, .connect]
                let router = ModelRouter([settings], pool: HTTP1ConnectionPool(), logger: ModelRouterTests.logger)
                for extra: JSONObject in [[:], ["stream": true]] {
                    let response = try await Self.send(router, router.groups[0], extra)
                    #expect(response.instance == "spare" && response.attempts == 2, "\(mode) \(extra)")
                    _ = await ModelRouterTests.drain(response)
                }
            }
        }
    }

    @Test("a request Anthropic cannot take is refused before any instance is tried")
    func refusal() async throws {
        try await withFakeModelProvider { fake, url in
            let (router, group) = Self.router([("claude", .anthropic, "\(url)/anthropic")])
            do throws(GatewayError) {
                _ = try await Self.send(router, group, ["n": 3])
                Issue.record("n: 3 was sent")
            } catch {
                #expect(error.code == .invalidRequest && error.param == "n")
            }
            #expect(fake.requests.isEmpty)
        }
    }

    @Test("the health probe asks Anthropic's model list with its key")
    func probe() async throws {
        try await withFakeModelProvider { fake, url in
            let (router, _) = Self.router([("claude", .anthropic, "\(url)/anthropic")])
            let prober = ModelHealthProber(groups: router.ordered, pool: HTTP1ConnectionPool(), logger: ModelRouterTests.logger)
            #expect(await prober.probe(router.ordered[0].instances[0], health: ModelHealthSettings()))
            #expect(fake.requests.last?.target == "/anthropic/v1/models" && fake.requests.last?.header("x-api-key") == "sk-ant-upstream")
        }
    }
}
