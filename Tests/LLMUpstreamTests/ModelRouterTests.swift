import GatewayCore
import GatewayTesting
import Logging
import MCPCore
import Testing
import UpstreamHTTP

@testable import LLMUpstream

/// The router against the fake provider on 127.0.0.1: retries, budgets, stream endings.
@Suite("Model router")
struct ModelRouterTests {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()
    static let body: JSONValue = ["model": "chat", "messages": [["role": "user", "content": "Say hello."]]]

    static func router(_ instances: [(String, String)], _ configure: (inout ModelGroupSettings) -> Void = { _ in }) -> (ModelRouter, ModelGroupInfo) {
        var settings = ModelGroupSettings(
            name: "chat", timeout: .seconds(5),
            instances: instances.enumerated().map { index, instance in
                ModelInstanceSettings(name: instance.0, provider: .openai, baseURL: instance.1, apiKey: "sk-upstream", model: "gpt-4o-mini", priority: index)
            }
        )
        configure(&settings)
        let router = ModelRouter([settings], pool: HTTP1ConnectionPool(), logger: logger)
        return (router, router.groups[0])
    }

    static func send(_ router: ModelRouter, _ group: ModelGroupInfo, stream: Bool = false) async throws(GatewayError) -> ModelResponse {
        var body = Self.body.objectValue!
        if stream { body["stream"] = true }
        return try await router.send(
            ModelRequest(operation: .chatCompletions, model: "chat", body: body), group: group,
            context: CallContext(target: CallTarget(kind: .chat, scope: "chat", name: "chat"), transport: "test")
        )
    }

    /// Reads a stream to its end; returns the chunks and the error that ended it, if any.
    static func drain(_ response: ModelResponse) async -> (chunks: [JSONValue], error: GatewayError?) {
        guard case .stream(let stream) = response.body else { return ([], nil) }
        var chunks: [JSONValue] = []
        do {
            for try await event in stream {
                if case .chunk(_, let json) = event { chunks.append(json) }
            }
            return (chunks, nil)
        } catch {
            return (chunks, error)
        }
    }

    @Test("max_retries counts attempts after the first, each on the next instance; the last failure is answered")
    func retries() async throws {
        try await withFakeModelProvider { fake, url in
            let (router, group) = Self.router([("a", "\(url)/openai/fail-500/v1"), ("b", "\(url)/openai/fail-502/v1"), ("c", "\(url)/openai/v1")]) {
                $0.maxRetries = 1
            }
            do throws(GatewayError) {
                _ = try await Self.send(router, group)
                Issue.record("answered")
            } catch {
                #expect(error.httpStatus == 502 && error.httpHeaders.contains { $0 == ("x-toolgate-attempts", "2") })
                #expect(error.httpHeaders.contains { $0 == ("x-toolgate-instance", "b") })
            }
            #expect(fake.requests.map(\.target) == ["/openai/fail-500/v1/chat/completions", "/openai/fail-502/v1/chat/completions"])
        }
    }

    @Test("with one instance left, retries go to it again")
    func retrySameInstance() async throws {
        try await withFakeModelProvider { fake, url in
            let (router, group) = Self.router([("only", "\(url)/openai/fail-503/v1")]) { $0.maxRetries = 2 }
            await #expect(throws: GatewayError.self) { try await Self.send(router, group) }
            #expect(fake.requests.count == 3)
        }
    }

    @Test("a status outside fallback_on is answered at once")
    func noFallback() async throws {
        try await withFakeModelProvider { fake, url in
            let (router, group) = Self.router([("a", "\(url)/openai/fail-429/v1"), ("b", "\(url)/openai/v1")]) { $0.fallbackOn = [.status(500)] }
            do throws(GatewayError) {
                _ = try await Self.send(router, group)
                Issue.record("answered")
            } catch {
                #expect(error.code == .rateLimited && error.retryAfter == 1, "the provider's Retry-After is passed on")
                #expect(!error.message.contains("org-XXX"), "the provider's message names the organization")
            }
            #expect(fake.requests.count == 1)
        }
    }

    @Test("no retry starts after the retry budget")
    func retryBudget() async throws {
        try await withFakeModelProvider { fake, url in
            let (router, group) = Self.router([("slow", "\(url)/openai/ttft-400/fail-500/v1"), ("b", "\(url)/openai/v1")]) {
                $0.retryBudget = .milliseconds(200)
            }
            await #expect(throws: GatewayError.self) { try await Self.send(router, group) }
            #expect(fake.requests.count == 1)
        }
    }

    @Test("a stream that stalls mid-way ends with a timeout once nothing came for the timeout")
    func stallMidStream() async throws {
        try await withFakeModelProvider { _, url in
            let (router, group) = Self.router([("a", "\(url)/openai/stall-mid/v1")]) { $0.timeout = .milliseconds(300) }
            let response = try await Self.send(router, group, stream: true)
            let (chunks, error) = await Self.drain(response)
            #expect(chunks.count == 2)
            #expect(error?.code == .timeout && error?.message.contains("stalled mid-stream") == true)
            guard case .stream(let stream) = response.body else { return }
            #expect(stream.ledger.outcome?.end == .upstreamFailed)
        }
    }

    @Test("a malformed chunk before the answer starts falls back; after it, it ends the stream")
    func malformed() async throws {
        try await withFakeModelProvider { _, url in
            // Read together, a good chunk and a broken one fail the attempt: nothing reached the client yet.
            let (together, group) = Self.router([("a", "\(url)/openai/malformed/v1"), ("b", "\(url)/openai/v1")])
            #expect(try await Self.send(together, group, stream: true).instance == "b")
            // A broken chunk after the first one was handed on ends the stream instead.
            let (router, _) = Self.router([("a", "\(url)/openai/delay-250/malformed/v1"), ("b", "\(url)/openai/v1")])
            let response = try await Self.send(router, group, stream: true)
            #expect(response.instance == "a", "the first chunk was good, so the answer started on a")
            let (chunks, error) = await Self.drain(response)
            #expect(chunks.count == 1 && error?.message.contains("not JSON") == true)
        }
    }

    @Test("a stream past its byte limit is cut, and the ledger says so")
    func byteLimit() async throws {
        try await withFakeModelProvider { _, url in
            let (router, group) = Self.router([("a", "\(url)/openai/delay-50/v1")]) { $0.stream.maxBytes = 700 }
            let response = try await Self.send(router, group, stream: true)
            let (_, error) = await Self.drain(response)
            #expect(error?.message.contains("700-byte limit") == true)
            guard case .stream(let stream) = response.body else { return }
            #expect(stream.ledger.outcome?.end == .cut)
        }
    }

    @Test("a provider that reports no usage gets an estimate, marked as such")
    func estimatedUsage() async throws {
        try await withFakeModelProvider { _, url in
            let (router, group) = Self.router([("a", "\(url)/vllm/no-usage/v1")])
            let response = try await Self.send(router, group, stream: true)
            let (chunks, error) = await Self.drain(response)
            #expect(error == nil && chunks.count == 4)
            guard case .stream(let stream) = response.body, let outcome = stream.ledger.outcome else {
                Issue.record("no outcome")
                return
            }
            // "The user greets me." (19 bytes) + "Hello there." (12 bytes) → 8 tokens; "Say hello." → 3.
            #expect(outcome.usage == TokenUsage(promptTokens: 3, completionTokens: 8, estimated: true))
            #expect(outcome.end == .completed && outcome.finishReason == "stop" && outcome.timeToFirstToken != nil)
        }
    }

    @Test("the provider's usage wins over the estimate, whole or streamed")
    func reportedUsage() async throws {
        try await withFakeModelProvider { _, url in
            let (router, group) = Self.router([("a", "\(url)/deepseek")])
            let whole = try await Self.send(router, group)
            #expect(whole.usage == TokenUsage(promptTokens: 12, completionTokens: 11, cachedPromptTokens: 0))
            let streamed = try await Self.send(router, group, stream: true)
            _ = await Self.drain(streamed)
            #expect(streamed.usage == whole.usage)
        }
    }
}

