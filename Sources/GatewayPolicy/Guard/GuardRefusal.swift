import Foundation
import GatewayCore
import MCPCore
import Synchronization

/// A chat completion that refuses: the gateway's own answer (instance `guard`, no upstream
/// attempt), whole or as a stream of one chunk, with `finish_reason: "content_filter"` and no tokens used.
enum GuardRefusal {
    static func response(to request: ModelRequest, message: String) -> ModelResponse {
        let id = "chatcmpl-guard-\(UUID().uuidString.lowercased().prefix(12))"
        let created = Int64(Date().timeIntervalSince1970)
        let usage: JSONValue = ["prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0]
        let zero = TokenUsage(promptTokens: 0, completionTokens: 0)
        guard request.stream else {
            let body: JSONValue = [
                "id": .string(id), "object": "chat.completion", "created": .int(created), "model": .string(request.model),
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string(message), "refusal": .string(message)], "finish_reason": "content_filter"]],
                "usage": usage,
            ]
            return ModelResponse(instance: "guard", attempts: 0, upstreamWait: .zero, body: .complete(body.serializedBytes(), json: body, usage: zero))
        }
        var chunks: [JSONValue] = [Self.filteredChunk(id: id, created: created, model: request.model, content: message, role: true)]
        if request.clientWantsStreamUsage {
            chunks.append(["id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(request.model), "choices": [], "usage": usage])
        }
        let ledger = ModelStreamLedger(estimatedPromptTokens: 0)
        ledger.report(usage: zero)
        let source = CannedStreamSource(events: chunks.map { .chunk(raw: $0.serializedBytes(), json: $0) }, ledger: ledger)
        return ModelResponse(instance: "guard", attempts: 0, upstreamWait: .zero, body: .stream(ModelStream(ledger: ledger, onDisconnect: .cancelUpstream, source: source)))
    }
}

extension GuardRefusal {
    /// A `chat.completion.chunk` carrying `content` with `finish_reason: "content_filter"`: the
    /// last chunk of a refused or withheld stream.
    static func filteredChunk(id: String, created: Int64, model: String?, content: String, role: Bool) -> JSONValue {
        var delta: JSONObject = ["content": .string(content)]
        if role { delta["role"] = "assistant" }
        var chunk: JSONObject = [
            "id": .string(id), "object": "chat.completion.chunk", "created": .int(created),
            "choices": [["index": 0, "delta": .object(delta), "finish_reason": "content_filter"]],
        ]
        if let model { chunk["model"] = .string(model) }
        return .object(chunk)
    }
}

/// A stream whose events are known in advance.
final class CannedStreamSource: ModelStreamSource {
    private let events: Mutex<[ModelStreamEvent]>
    private let ledger: ModelStreamLedger

    init(events: [ModelStreamEvent], ledger: ModelStreamLedger) {
        self.events = Mutex(events)
        self.ledger = ledger
    }

    func next() async throws(GatewayError) -> ModelStreamEvent? {
        let event = events.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        if event == nil, ledger.outcome == nil { _ = ledger.close(.completed) }
        return event
    }

    var hasBufferedEvents: Bool { events.withLock { !$0.isEmpty } }

    func clientLeft(drain: Bool) {
        events.withLock { $0.removeAll() }
        if ledger.outcome == nil { _ = ledger.close(.clientCancelled) }
    }
}
