import GatewayCore
import MCPCore
import Testing

@testable import LLMUpstream

/// Provider quirks as data: what each dialect rewrites, and what it refuses before sending.
@Suite("Provider dialects")
struct ProviderDialectTests {
    static func request(_ body: JSONValue, operation: ModelRequest.Operation = .chatCompletions) -> ModelRequest {
        ModelRequest(operation: operation, model: "chat", body: body.objectValue!)
    }

    static let history: JSONValue = [
        ["role": "user", "content": "hi"], ["role": "assistant", "content": "hello", "reasoning_content": "they greeted me"], ["role": "user", "content": "again"],
    ]

    @Test("the length bound goes under the field each provider reads; never both")
    func maxTokens() {
        let asMaxTokens = Self.request(["model": "chat", "messages": Self.history, "max_tokens": 64])
        let asCompletion = Self.request(["model": "chat", "messages": Self.history, "max_completion_tokens": 64])
        let openai = ProviderDialect.of(.openai).upstreamBody(for: asMaxTokens, model: "gpt-5.4")
        #expect(openai["max_completion_tokens"] == 64 && openai["max_tokens"] == nil)
        let deepseek = ProviderDialect.of(.deepseek).upstreamBody(for: asCompletion, model: "deepseek-chat")
        #expect(deepseek["max_tokens"] == 64 && deepseek["max_completion_tokens"] == nil)
        let compatible = ProviderDialect.of(.openaiCompatible).upstreamBody(for: asCompletion, model: "m")
        #expect(compatible["max_completion_tokens"] == 64 && compatible["max_tokens"] == nil)
    }

    @Test("the upstream's model name replaces the group's; reasoning_content and unknown fields pass untouched")
    func passThrough() {
        let request = Self.request(["model": "chat", "messages": Self.history, "thinking": ["type": "enabled"], "user_id": "u-1"])
        let body = ProviderDialect.of(.deepseek).upstreamBody(for: request, model: "deepseek-reasoner")
        #expect(body["model"] == "deepseek-reasoner")
        #expect(body["messages"] == Self.history)
        #expect(body["thinking"] == ["type": "enabled"] && body["user_id"] == "u-1")
        #expect(Array(body.keys) == ["model", "messages", "thinking", "user_id"], "the client's key order is kept")
    }

    @Test("a stream always asks for usage; the client's other stream options stay")
    func includeUsage() {
        let request = Self.request(["model": "chat", "messages": Self.history, "stream": true, "stream_options": ["include_obfuscation": false]])
        #expect(!request.clientWantsStreamUsage)
        // Anthropic's streams carry usage without being asked (and take no stream_options).
        for kind in ModelProviderKind.allCases where kind != .anthropic {
            let body = ProviderDialect.of(kind).upstreamBody(for: request, model: "m")
            #expect(body["stream_options"] == ["include_obfuscation": false, "include_usage": true], "\(kind)")
        }
        let whole = ProviderDialect.of(.openai).upstreamBody(for: Self.request(["model": "chat", "messages": Self.history]), model: "m")
        #expect(whole["stream_options"] == nil, "a whole answer carries usage anyway")
    }

    @Test("what a provider cannot take is refused before sending, naming the field")
    func refusals() {
        let qwen = ProviderDialect.of(.qwen)
        #expect(qwen.refusal(of: Self.request(["model": "q", "messages": Self.history, "enable_thinking": true]))?.param == "enable_thinking")
        #expect(qwen.refusal(of: Self.request(["model": "q", "messages": Self.history, "enable_thinking": true, "stream": true])) == nil)
        let deepseek = ProviderDialect.of(.deepseek)
        #expect(deepseek.refusal(of: Self.request(["model": "d", "messages": Self.history, "thinking": true]))?.param == "thinking")
        #expect(deepseek.refusal(of: Self.request(["model": "d", "input": "x"], operation: .embeddings))?.param == "model")
        #expect(ProviderDialect.of(.openai).refusal(of: Self.request(["model": "o", "input": "x"], operation: .embeddings)) == nil)
    }

    @Test("the prompt estimate reads message texts and embedding inputs")
    func estimate() {
        let chat = Self.request(["model": "c", "messages": [["role": "user", "content": [["type": "text", "text": "12345678"]]], ["role": "user", "content": "abcd"]]])
        #expect(chat.estimatedPromptTokens == 3 && chat.texts == ["12345678", "abcd"])
        let embeddings = Self.request(["model": "e", "input": ["abcd", "efgh"]], operation: .embeddings)
        #expect(embeddings.estimatedPromptTokens == 2)
    }
}
