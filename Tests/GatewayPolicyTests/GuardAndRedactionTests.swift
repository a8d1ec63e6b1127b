import GatewayCore
import GatewayPolicy
import MCPCore
import Testing

/// The guard refuses in each caller's format; redaction finds what it must and leaves look-alikes.
@Suite("Guard and redaction")
struct GuardAndRedactionTests {
    @Test("redaction: e-mail, phone, Luhn-valid cards, mod-97 IBANs, provider keys and bearer tokens; look-alikes stay")
    func redaction() throws {
        let redactor = try Redactor(kinds: Redactor.Kind.allCases, patterns: ["EMP-\\d{6}"])
        let text = """
            mail ana.lopez+x@clinic.example.org, call +44 20 7946 0958, card 4111 1111 1111 1111, not a card 4111 1111 1111 1112,
            IBAN GB82 WEST 1234 5698 7654 32, bad IBAN GB00 WEST 1234 5698 7654 32, key sk-proj-AbCdEfGhIjKlMnOpQrStUv123456,
            aws AKIAIOSFODNN7EXAMPLE, Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc, staff EMP-123456, order 2026-12-06
            """
        let redacted = redactor.redact(text)
        for secret in ["ana.lopez", "7946 0958", "4111 1111 1111 1111,", "GB82", "sk-proj-", "AKIAIOSFODNN7EXAMPLE", "eyJhbGci", "EMP-123456"] {
            #expect(!redacted.contains(secret), "\(secret) left in: \(redacted)")
        }
        for kept in ["4111 1111 1111 1112", "GB00 WEST", "order 2026-12-06"] {
            #expect(redacted.contains(kept), "\(kept) was redacted: \(redacted)")
        }
        #expect(redacted.contains("[EMAIL]") && redacted.contains("[CARD]") && redacted.contains("[IBAN]") && redacted.contains("[API_KEY]") && redacted.contains("[REDACTED]"))
    }

    @Test("the guard: a tool call gets isError, a chat call a content_filter completion (whole or streamed), others an error; the upstream never runs")
    func refusals() async throws {
        var chain = PolicyChain()
        chain.append(try GatewayPolicy.GuardPolicy(deny: ["(?i)internal use only"]))
        let context = CallContext(server: "docs", transport: "test")
        let tool = ToolCall(name: "publish", arguments: ["text": "INTERNAL USE ONLY: salaries"])
        let result = try await chain.run(tool, context: context) { _, _ async throws(GatewayError) -> MCPToolResult in
            Issue.record("the tool ran")
            return MCPToolResult(content: [])
        }
        #expect(result.isError && result.jsonValue()["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("deny rule 1") == true)
        #expect(result.jsonValue().serialized().contains("salaries") == false, "the matched text is not echoed")
        let allowed = try await chain.run(ToolCall(name: "publish", arguments: ["text": "hello"]), context: context) { _, _ async throws(GatewayError) in
            MCPToolResult(content: [.text("done")])
        }
        #expect(!allowed.isError)
        for stream in [false, true] {
            let request = ModelRequest(
                operation: .chatCompletions, model: "chat",
                body: ["model": "chat", "stream": .bool(stream), "messages": [["role": "user", "content": "print the internal use only memo"]]]
            )
            let call = ChatCall(request: request, group: ModelGroupInfo(name: "chat"))
            let answer = try await chain.run(call, context: CallContext(target: CallTarget(kind: .chat, scope: "chat", name: "chat"), transport: "test")) {
                _, _ async throws(GatewayError) -> ModelResponse in
                Issue.record("the provider was called")
                throw GatewayError(.internal, "unreachable")
            }
            #expect(answer.instance == "guard" && answer.attempts == 0)
            switch answer.body {
            case .complete(let bytes, _, _):
                let json = try JSONParser().parse(bytes)
                #expect(json["choices"]?.arrayValue?.first?["finish_reason"] == "content_filter" && json["object"] == "chat.completion")
            case .stream(let events):
                var chunks: [JSONValue] = []
                for try await event in events { if case .chunk(_, let json) = event { chunks.append(json) } }
                #expect(chunks.count == 1 && chunks[0]["choices"]?.arrayValue?.first?["finish_reason"] == "content_filter")
                #expect(events.ledger.outcome?.end == .completed)
            }
        }
        let prompt = PromptGet(name: "memo", params: ["arguments": ["topic": "internal use only"]])
        await #expect(throws: GatewayError.self) {
            _ = try await chain.run(prompt, context: context) { _, _ async throws(GatewayError) -> JSONValue in .null }
        }
    }

    @Test("upstream redaction: a whole answer's placeholders are put back; an answer without one keeps the provider's bytes")
    func upstreamRedactionOfWholeAnswers() async throws {
        var chain = PolicyChain()
        chain.append(UpstreamRedactionPolicy(redactor: try Redactor(kinds: [.email]), servers: nil, models: nil, restore: true))
        let context = CallContext(target: CallTarget(kind: .chat, scope: "chat", name: "chat"), transport: "test")
        let request = ModelRequest(operation: .chatCompletions, model: "chat", body: ["model": "chat", "messages": [["role": "user", "content": "write to ana@clinic.example"]]])
        for echoes in [true, false] {
            // Spaced as a provider may send it: a serialisation of the parsed answer would differ.
            let text = echoes ? "Sent to [EMAIL_1]." : "Sent."
            let provided = Array(#"{"choices": [{"index": 0, "message": {"role": "assistant", "content": "\#(text)"}, "finish_reason": "stop"}]}"#.utf8)
            let parsed = try JSONParser().parse(provided)
            let answer = try await chain.run(ChatCall(request: request, group: ModelGroupInfo(name: "chat")), context: context) {
                call, _ async throws(GatewayError) -> ModelResponse in
                #expect(call.request.body["messages"]?.arrayValue?.first?["content"] == "write to [EMAIL_1]", "the provider gets the placeholder")
                return ModelResponse(instance: "fake", attempts: 1, upstreamWait: .zero, body: .complete(provided, json: parsed, usage: nil))
            }
            guard case .complete(let bytes, let json, _) = answer.body else {
                Issue.record("a whole answer became a stream")
                continue
            }
            let content = json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
            #expect(content == (echoes ? "Sent to ana@clinic.example." : "Sent."))
            #expect(try JSONParser().parse(bytes) == json, "the bytes and the parsed answer agree")
            #expect((bytes == provided) == !echoes, "only a restored answer is serialised anew")
        }
    }
}
